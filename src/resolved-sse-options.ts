import {
  DEFAULT_HISTORY_SIZE,
  DEFAULT_KEEP_ALIVE_SECONDS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_RETRY_MS,
} from './sse.constants.js';
import type { SseModuleOptions } from './sse-module-options.js';

/**
 * The module's options with every default applied: the only place defaults
 * are filled in. Injectable by this class.
 */
export abstract class ResolvedSseOptions {
  abstract readonly keepAliveSeconds: number;
  abstract readonly retryMs: number;
  abstract readonly historySize: number;
  abstract readonly maxClients: number;
  abstract readonly maxBufferedBytes: number;
}

/** Merges user options over the defaults and checks them. */
export function resolveSseOptions(
  options: SseModuleOptions = {},
): ResolvedSseOptions {
  const resolved = {
    keepAliveSeconds: options.keepAliveSeconds ?? DEFAULT_KEEP_ALIVE_SECONDS,
    retryMs: options.retryMs ?? DEFAULT_RETRY_MS,
    historySize: options.historySize ?? DEFAULT_HISTORY_SIZE,
    maxClients: options.maxClients ?? Number.POSITIVE_INFINITY,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new TypeError(
        `SseModule option ${name} must be a non-negative number, got ${String(value)}`,
      );
    }
  }
  return resolved;
}
