import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import type { Server } from 'node:http';

/** What the primary sends a worker to close it. */
export const SHUTDOWN_MESSAGE = 'demo:shutdown';

/** How long a worker whose primary is gone may take to close before it exits anyway. */
const ORPHAN_CLOSE_MS = 10_000;

/** An error of the channel to a primary that is gone. */
const isChannelGone = (err: unknown) =>
  ['EPIPE', 'ECONNRESET', 'ERR_IPC_CHANNEL_CLOSED'].includes(
    String((err as { code?: unknown } | null)?.code),
  );

/**
 * Makes a cluster worker close its app (and so end its streams) once, on the
 * primary's message, on its own SIGTERM/SIGINT (a terminal's Ctrl+C
 * reaches every process of the group) or when the primary is gone (killed:
 * the IPC channel closes), then exit.
 */
export function closeWorkerOnShutdown(app: INestApplication): void {
  const logger = new Logger('Cluster');
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error(`Worker close failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('message', (message) => {
    if (message === SHUTDOWN_MESSAGE) shutdown();
  });
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  const worker = cluster.worker;
  if (!worker) return;
  // The primary is gone: Node's cluster module would exit the worker at
  // once (streams cut, not ended); it closes like on SIGTERM instead.
  worker.on('disconnect', () => {
    worker.exitedAfterDisconnect = true;
    setTimeout(() => process.exit(0), ORPHAN_CLOSE_MS).unref();
    if (!closing) logger.warn('The cluster primary is gone: closing');
    shutdown();
  });
  // What the cluster module tells a gone primary (a closing server lets go
  // of its port) fails with EPIPE: no reason to die mid-close.
  worker.on('error', (err: unknown) => {
    if (isChannelGone(err)) return;
    logger.error(`Worker error: ${String(err)}`);
    process.exit(1);
  });
}

/**
 * Names the worker that answered in an `X-Demo-Worker` header: with several
 * workers behind one port, a client (or a test) can tell them apart.
 */
export function nameWorkerInResponses(app: INestApplication): void {
  const id = String(cluster.worker?.id);
  const server = app.getHttpServer() as Server;
  server.prependListener('request', (_req, res) =>
    res.setHeader('X-Demo-Worker', id),
  );
}
