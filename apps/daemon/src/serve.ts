import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BackgroundWork, createOnceServer } from '@once/server';
import pino from 'pino';
import { checkDataDirWritable } from './check-data-dir-writable.ts';
import type { DaemonConfig } from './config.ts';
import { loadConfigFile } from './config-file/load-config-file.ts';
import { createTurnRunner } from './create-turn-runner.ts';
import { lazyAiSdkRoutes } from './lazy-ai-sdk-routes.ts';
import { openEventLog } from './open-event-log.ts';
import { serveWebApp } from './serve-web-app.ts';

/** A running daemon. */
export interface RunningDaemon {
  readonly url: string;
  /** Stops accepting requests, ends running turns as interrupted, flushes the log. */
  stop(): Promise<void>;
}

/**
 * Starts the daemon: loads the config file (if any), opens the log, closes what a crash
 * left open, and listens.
 */
export async function serve(
  config: DaemonConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<RunningDaemon> {
  const turns = createTurnRunner(
    config,
    env,
    config.configFile === undefined ? undefined : await loadConfigFile(config.configFile),
  );
  const logger = pino({
    level: config.logLevel,
    redact: ['req.headers.authorization'],
    // Event streams may carry ?token=; keep it out of the logs.
    serializers: {
      req: (request: { method: string; url: string }) => ({
        method: request.method,
        url: request.url.replace(/([?&]token=)[^&]*/, '$1[redacted]'),
      }),
    },
  });
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  if (config.databaseUrl === undefined) checkDataDirWritable(dataDir);
  const { log, coordination, store, attachments } = await openEventLog({
    dataDir,
    commitDelayMs: config.commitDelayMs,
    leaseMs: config.leaseMs,
    ...(config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl }),
  });
  let server: ReturnType<typeof createOnceServer> | undefined;
  let url: string;
  try {
    server = createOnceServer({
      log,
      snapshots: log,
      logKind: store,
      coordination,
      runTurn: turns.runTurn,
      onError: (error, during) => logger.error({ err: error, during }, FAILED[during]),
      maxBodyBytes: config.maxBodyBytes,
      attachments: {
        store: attachments,
        maxBytes: config.attachmentMaxBytes,
        unsentGraceMs: config.attachmentGraceMs,
        ...(config.attachmentTypes === undefined ? {} : { mediaTypes: config.attachmentTypes }),
      },
      approvalTimeoutMs: config.approvalTimeoutMs,
      heartbeatMs: config.heartbeatMs,
      logger,
      // Apps on the AI SDK's stock DefaultChatTransport only point its `api` at the daemon.
      // Loaded at their first request: start-up does without the AI SDK.
      routes: [lazyAiSdkRoutes],
      ...(config.authTokens === undefined ? {} : { authTokens: config.authTokens }),
      ...(config.corsOrigins === undefined ? {} : { corsOrigins: config.corsOrigins }),
      ...(config.compactAfterMs === undefined ? {} : { compactAfterMs: config.compactAfterMs }),
      ...(config.retentionMs === undefined ? {} : { retentionMs: config.retentionMs }),
    });
    const recovered = await server.recover();
    if (recovered.interrupted > 0 || recovered.requeued > 0) {
      logger.info(recovered, 'recovered from an unclean stop');
    }
    await serveWebApp(server.app);
    url = await server.listen({ port: config.port, host: config.host });
  } catch (error) {
    // Started halfway: close what is open (the log, its pools, timers), or they would keep
    // this process running without serving.
    await (server === undefined
      ? Promise.allSettled([coordination.close(), log.close(), attachments.close()])
      : server.stop().catch(() => {}));
    throw error;
  }
  logger.info(
    {
      url,
      provider: turns.provider,
      // Header values may hold keys: only the URL is logged.
      ...(turns.provider === 'ui-stream' ? { upstreamUrl: config.upstreamUrl } : {}),
      model: config.model,
      tools: turns.tools,
      ...(config.configFile === undefined ? {} : { configFile: resolve(config.configFile) }),
      dataDir,
      store,
      owner: coordination.leases.owner,
    },
    `Once is ready at ${url}`,
  );

  let stopping: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopping ??= server.stop().then(() => {
        logger.info('Once stopped; the log is flushed');
        logger.flush();
      });
      return stopping;
    },
  };
}

/** What the log says when background work fails. */
const FAILED: Record<BackgroundWork, string> = {
  turn: 'a turn failed',
  snapshot: 'saving a snapshot failed (it is saved again later)',
  compaction: 'a compaction pass failed (the next one runs as planned)',
  retention: 'a retention pass failed (the next one runs as planned)',
  attachments: 'deleting attachments nothing references failed (the next sweep tries again)',
  history: 'a conversation log holds an event the reducer refuses: its history stops before it',
};
