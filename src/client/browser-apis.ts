// The few browser APIs the shared stream needs, typed structurally: the
// package compiles without the DOM library, and each API is looked up at
// run time, so a browser without one falls back to the next way.

/** A message port (a SharedWorker's, or one handed to it). */
export interface PortLike {
  postMessage(message: unknown): void;
  addEventListener(
    type: 'message',
    listener: (event: { data: unknown }) => void,
  ): void;
  start(): void;
  close(): void;
}

/** `SharedWorker`: its constructor and the events a tab listens to. */
export interface SharedWorkerLike {
  readonly port: PortLike;
  addEventListener(type: 'error', listener: () => void): void;
}
type SharedWorkerConstructor = new (
  url: string | URL,
  options: { type: 'module'; name: string },
) => SharedWorkerLike;

/** `BroadcastChannel`, as tabs of one origin use it. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(
    type: 'message',
    listener: (event: { data: unknown }) => void,
  ): void;
  close(): void;
}
type ChannelConstructor = new (name: string) => ChannelLike;

/** `navigator.locks` (Web Locks): held until the callback's promise settles. */
export interface LockManagerLike {
  request(
    name: string,
    options: { signal?: AbortSignal },
    callback: () => Promise<void>,
  ): Promise<void>;
}

interface BrowserGlobals {
  SharedWorker?: SharedWorkerConstructor;
  BroadcastChannel?: ChannelConstructor;
  navigator?: { locks?: LockManagerLike };
}

const globals = globalThis as unknown as BrowserGlobals;

/** The browser's `SharedWorker` constructor, if it has one. */
export const sharedWorkerConstructor = ():
  SharedWorkerConstructor | undefined => globals.SharedWorker;

/** The `BroadcastChannel` constructor, if there is one. */
export const channelConstructor = (): ChannelConstructor | undefined =>
  globals.BroadcastChannel;

/** `navigator.locks`, if there are Web Locks here (pages and workers). */
export const lockManager = (): LockManagerLike | undefined =>
  globals.navigator?.locks;

/**
 * Holds the lock `name` until `release()`: resolves once it is held. The
 * browser releases it too when the page (or worker) that holds it goes away.
 */
export async function holdLock(
  locks: LockManagerLike,
  name: string,
): Promise<{ release(): void }> {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await new Promise<void>((held) => {
    void locks.request(name, {}, () => {
      held();
      return released;
    });
  });
  return { release };
}

/** A random id for a tab, a subscription or a lock. */
export const randomId = (): string =>
  globalThis.crypto?.randomUUID?.() ??
  `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
