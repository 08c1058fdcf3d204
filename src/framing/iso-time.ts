/** The second `prefix` is for, in ms since the epoch. */
let secondStart = Number.NaN;
/** `toISOString()` of that second, without its milliseconds and `Z`. */
let prefix = '';

/**
 * `new Date().toISOString()` at a fraction of its cost (it takes about a
 * microsecond, and every connect stamps its `connected` event): the part up
 * to the seconds is formatted once per second.
 */
export function isoTimeNow(): string {
  const now = Date.now();
  const ms = now % 1000;
  if (now - ms !== secondStart) {
    secondStart = now - ms;
    // 'YYYY-MM-DDTHH:MM:SS.' (or a six-digit year), without 'mmmZ'.
    prefix = new Date(secondStart).toISOString().slice(0, -4);
  }
  return `${prefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}
