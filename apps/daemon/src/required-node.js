// Plain JavaScript so that an old Node can load it and explain itself.

/** The oldest Node major version Once runs on. */
export const REQUIRED_NODE_MAJOR = 24;

/**
 * One sentence saying why this Node cannot run Once and what to do, or undefined when it can.
 * @param {string} version - a Node version such as "20.20.2"
 * @returns {string | undefined}
 */
export function requiredNodeMessage(version) {
  const major = Number.parseInt(version, 10);
  if (major >= REQUIRED_NODE_MAJOR) return undefined;
  return `Once needs Node.js ${REQUIRED_NODE_MAJOR} or newer, but this is Node.js ${version}: run it through npm (npm start), which uses the Node ${REQUIRED_NODE_MAJOR} the project installs, or install Node.js ${REQUIRED_NODE_MAJOR}.`;
}
