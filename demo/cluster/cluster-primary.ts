import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import type { DemoConfig } from '../demo-config.js';
import { SHUTDOWN_MESSAGE } from './cluster-worker.js';

/** How long workers get to close their streams before they are killed. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The primary of `WORKERS=n`: forks the workers (which share the port: the
 * primary accepts and hands connections out round-robin), replaces a worker
 * that dies after it listened, and on SIGTERM/SIGINT asks every worker to
 * close its streams, then exits once they are gone.
 */
export function runClusterPrimary(config: DemoConfig): void {
  const logger = new Logger('Cluster');
  const workers = config.workers ?? 1;
  const listening = new Set<number>();
  let stopping = false;

  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}) as Worker[];
    if (alive.length === 0) process.exit(code);
    process.exitCode = code;
    for (const worker of alive) {
      // A message, not a signal: a worker that also got the signal from the
      // terminal's process group must not see a second one mid-close.
      if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE);
    }
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) {
        worker?.process.kill('SIGKILL');
      }
    }, SHUTDOWN_GRACE_MS).unref();
  };

  cluster.on('listening', (worker, address) => {
    listening.add(worker.id);
    if (listening.size === workers) {
      logger.log(
        `${workers} workers listening on http://${address.address ?? config.host}:${address.port}`,
      );
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    const survivors = Object.keys(cluster.workers ?? {}).length;
    if (stopping) {
      if (survivors === 0) process.exit();
      return;
    }
    if (!listening.has(worker.id)) {
      // It never served: the next one would fail the same way.
      logger.error(`Worker ${worker.id} failed to start (${signal ?? code})`);
      stop(1);
      return;
    }
    listening.delete(worker.id);
    logger.warn(`Worker ${worker.id} ended (${signal ?? code}); replacing it`);
    cluster.fork();
  });
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  for (let n = 0; n < workers; n++) cluster.fork();
}
