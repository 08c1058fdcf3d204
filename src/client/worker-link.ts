import type { PortLike } from './browser-apis.js';
import {
  holdLock,
  lockManager,
  randomId,
  sharedWorkerConstructor,
} from './browser-apis.js';
import type { LinkHandlers, LinkTarget, StreamLink } from './stream-link.js';
import type { FromWorker, ToWorker } from './worker-messages.js';

/**
 * A subscription served by the SharedWorker: the tab sends what it wants
 * and gets events and states back over its port. While subscribed it
 * holds a Web Lock that the worker waits for, so a tab that is closed
 * without a word is noticed.
 */
export class WorkerLink implements StreamLink {
  private readonly port: PortLike;
  private heard = false;
  private closed = false;
  private release?: () => void;

  /** Throws when the browser has no SharedWorker or refuses this one. */
  constructor(
    workerUrl: string | URL,
    target: LinkTarget,
    handlers: LinkHandlers,
    /** Called when the worker fails before answering: try another way. */
    onFailure: () => void,
  ) {
    const SharedWorker = sharedWorkerConstructor();
    if (!SharedWorker) throw new Error('no SharedWorker here');
    const worker = new SharedWorker(workerUrl, {
      type: 'module',
      name: 'nestjs-sse-broadcast',
    });
    this.port = worker.port;
    worker.addEventListener('error', () => {
      if (this.heard || this.closed) return;
      this.close();
      onFailure();
    });
    this.port.addEventListener('message', ({ data }) => {
      if (this.closed) return;
      this.heard = true;
      const message = data as FromWorker;
      if (message.type === 'event') handlers.onEvent(message.event);
      else handlers.onState(message.state, message.reason);
    });
    this.port.start();
    handlers.onRole('worker');
    void this.subscribe(target);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.send({ type: 'close' });
    this.release?.();
    this.port.close();
  }

  private async subscribe(target: LinkTarget): Promise<void> {
    const locks = lockManager();
    let tabLock: string | undefined;
    if (locks) {
      tabLock = `nestjs-sse-broadcast:tab:${randomId()}`;
      this.release = (await holdLock(locks, tabLock)).release;
      if (this.closed) return this.release();
    } else {
      // No lock to tell the worker that this page is gone: say it.
      const page = globalThis as unknown as {
        addEventListener?(type: 'pagehide', listener: () => void): void;
      };
      page.addEventListener?.('pagehide', () => this.close());
    }
    this.send({ type: 'open', ...target, tabLock });
  }

  private send(message: ToWorker): void {
    this.port.postMessage(message);
  }
}
