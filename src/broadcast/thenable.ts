/** Whether a hook (`authorize`, `identify`) answered with a promise, or any thenable. */
export const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function';
