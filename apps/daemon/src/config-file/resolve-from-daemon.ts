import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Lets a config file outside this repository import what the daemon itself has —
 * `@once/daemon`, `zod`, the `@once/*` packages — with nothing installed next to it. A
 * bare import from inside `folder` that Node cannot resolve from there is resolved again
 * from the daemon's own location; a package installed beside the config still wins.
 */
export function resolveFromDaemon(folder: string): void {
  const folderUrl = pathToFileURL(folder.endsWith('/') ? folder : `${folder}/`).href;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        const fromConfig = context.parentURL?.startsWith(folderUrl) === true;
        if (!fromConfig || !isModuleNotFound(error) || isRelative(specifier)) throw error;
        return nextResolve(specifier, { ...context, parentURL: import.meta.url });
      }
    },
  });
}

function isModuleNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ERR_MODULE_NOT_FOUND';
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
}
