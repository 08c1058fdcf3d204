/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'a condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Conditions on a reader's state that tests wait for: each is re-checked
 * when the reader calls `wake()` (after it read something), not polled.
 */
export class Wakeups {
  private readonly waiters = new Set<() => void>();

  /** Resolves once `condition` holds; fails after `timeoutMs`, saying `what` (and `detail()`, if given). */
  until(
    condition: () => boolean,
    timeoutMs: number,
    what: string,
    detail?: () => string,
  ): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const more = detail ? `; ${detail()}` : '';
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for ${what}${more}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Re-checks every pending condition. */
  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
