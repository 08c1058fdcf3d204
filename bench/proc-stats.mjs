// Reads a process's CPU time and memory from /proc (Linux only).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond;

/** User + system CPU time of `pid` so far, in ms (10 ms resolution at 100 Hz). */
export function cpuMs(pid) {
  ticksPerSecond ??= Number(
    execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(),
  );
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces: count from its closing ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return (ticks * 1000) / ticksPerSecond;
}

/** Resident memory now (`VmRSS`) and its peak so far (`VmHWM`), in KiB. */
export function memoryKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** Sums `read(pid)` over several processes (the instances of one scenario). */
export const sumOver = (pids, read) =>
  pids.reduce((total, pid) => total + read(pid), 0);
