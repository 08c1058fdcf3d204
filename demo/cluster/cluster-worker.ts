import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import type { Server } from 'node:http';

/** What the primary sends a worker to close it. */
export const SHUTDOWN_MESSAGE = 'demo:shutdown';

/**
 * Makes a cluster worker close its app (and so end its streams) once, on the
 * primary's message or on its own SIGTERM/SIGINT (a terminal's Ctrl+C
 * reaches every process of the group), then exit.
 */
export function closeWorkerOnShutdown(app: INestApplication): void {
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        new Logger('Cluster').error(`Worker close failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('message', (message) => {
    if (message === SHUTDOWN_MESSAGE) shutdown();
  });
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
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
