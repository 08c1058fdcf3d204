import type { LoggerService } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TransportUnavailableException } from '../errors/transport-unavailable.exception.js';
import { ErrorMessages } from '../errors/error-messages.js';

const QUIT_GRACE_MS = 1000;

const describeError = (err: Error & { code?: string }) =>
  err.message || err.code || err.name;

/** Where a connection goes, without credentials, for logs and errors. */
export function describeTarget(source: string | Redis): string {
  if (typeof source !== 'string') {
    const { host, port, path } = source.options;
    return path ?? `${host ?? 'localhost'}:${port ?? 6379}`;
  }
  try {
    const url = new URL(source);
    const db = url.pathname.length > 1 ? url.pathname : '';
    return `${url.protocol}//${url.host}${db}`;
  } catch {
    return source.replace(/\/\/[^@/]*@/, '//');
  }
}

/**
 * Connects `client` if it is not already, and resolves once it is ready.
 * Rejects with `TransportUnavailableException` after `ms`, naming the last error.
 */
export function waitUntilReady(
  client: Redis,
  target: string,
  ms: number,
): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let lastError = 'no answer';
    const onError = (err: Error) => (lastError = describeError(err));
    const onReady = () => {
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(
        new TransportUnavailableException(
          ErrorMessages.redisConnectFailed(target, ms, lastError),
        ),
      );
    }, ms);
    const done = () => {
      clearTimeout(timer);
      client.off('error', onError);
      client.off('ready', onReady);
    };
    client.on('error', onError);
    client.on('ready', onReady);
    if (client.status === 'wait' || client.status === 'end') {
      client.connect().catch(() => undefined);
    }
  });
}

/**
 * Logs what happens to a connection after it was first ready (lost, back)
 * and calls `onReconnect` each time it is ready again. Returns the undo.
 */
export function watchConnection(
  client: Redis,
  role: string,
  logger: LoggerService,
  onReconnect: () => void,
): () => void {
  let ready = client.status === 'ready';
  let seenReady = ready;
  let errorLogged = false;
  const onReady = () => {
    const again = seenReady && !ready;
    seenReady = ready = true;
    errorLogged = false;
    if (again) {
      logger.log(`The Redis ${role} connection is back`);
      onReconnect();
    }
  };
  const onClose = () => {
    if (ready) {
      logger.warn?.(
        `Lost the Redis ${role} connection; reconnecting (publishing answers 503 meanwhile)`,
      );
    }
    ready = false;
  };
  // Also keeps ioredis from printing "Unhandled error event" on every retry.
  const onError = (err: Error) => {
    if (!seenReady || errorLogged) return;
    errorLogged = true;
    logger.warn?.(`Redis ${role} connection: ${describeError(err)}`);
  };
  client.on('ready', onReady);
  client.on('close', onClose);
  client.on('error', onError);
  return () => {
    client.off('ready', onReady);
    client.off('close', onClose);
    client.off('error', onError);
  };
}

/** QUIT (bounded), then drop the socket. */
export async function quitConnection(client: Redis): Promise<void> {
  client.on('error', () => undefined);
  if (client.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.quit().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, QUIT_GRACE_MS))),
    ]);
    clearTimeout(timer);
  }
  client.disconnect();
}
