// `npm run bench -- --scale`: the cost curve. For each N, the library and the
// raw baseline, one after the other (the order alternating), each through
// runScaleLoad. Up to ~20k streams one server process; past that the demo's
// cluster mode (WORKERS=n over Redis) against n raw node:http workers behind
// `cluster` on one Redis channel.
import { appendFileSync } from 'node:fs';
import { TARGETS } from '../targets.mjs';
import { libraryCluster, rawCluster } from './cluster-targets.mjs';
import { runScaleLoad } from './scale-load.mjs';

/**
 * The points of the curve. One process holds at most 20,000 open files,
 * sockets included, so "20k on one process" is 19,800 streams.
 */
export const CURVE = [
  { clients: 1_000, workers: 1, burst: 200 },
  { clients: 10_000, workers: 1, burst: 30 },
  { clients: 19_800, workers: 1, burst: 20 },
  { clients: 50_000, workers: 4, burst: 12 },
  { clients: 100_000, workers: 7, burst: 8 },
];

/** The two targets of a point: [library, raw]. */
function targetsOf({ workers }) {
  if (workers === 1) {
    return [
      ['library', TARGETS.library],
      ['raw', TARGETS.raw],
    ];
  }
  return [
    ['library', libraryCluster(workers)],
    ['raw', rawCluster(workers)],
  ];
}

/** A run of one target at one point must end within this (connecting dominates). */
const runTimeoutMs = (clients) => 4 * 60_000 + 15 * clients;

/** `run(signal)`, failed after `ms`; the signal then tells it to stop. */
function withTimeout(run, ms, what) {
  const controller = new globalThis.AbortController();
  const running = run(controller.signal);
  running.catch(() => undefined); // its error after the timeout is not news
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`${what} took over ${ms} ms`));
    }, ms);
  });
  return Promise.race([running, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A point of `--points`: an index into CURVE, or `<clients>@<workers>` for
 * one of your own (e.g. `3000@2` to try the cluster targets small).
 */
export function parsePoint(text) {
  const custom = /^(\d+)@(\d+)$/.exec(text);
  if (custom) {
    const [clients, workers] = [Number(custom[1]), Number(custom[2])];
    return { clients, workers, burst: Math.max(5, Math.round(2e5 / clients)) };
  }
  const point = CURVE[Number(text)];
  if (!point) throw new Error(`No scale point ${text} (0-${CURVE.length - 1})`);
  return point;
}

/** Runs `points` (see parsePoint; all of CURVE by default); appends a line per run to `file`. */
export async function runScaleCurve({ runId, file, machine, points, log }) {
  const chosen = (points ?? CURVE.map((_, i) => String(i))).map(parsePoint);
  for (const [order, point] of chosen.entries()) {
    const index = CURVE.indexOf(point);
    const pair = targetsOf(point);
    if (order % 2) pair.reverse();
    for (const [name, target] of pair) {
      const line = {
        runId,
        scale: true,
        point: index,
        target: name,
        label: target.label,
        workers: point.workers,
      };
      let running;
      try {
        running = await target.start();
        const result = await withTimeout(
          (signal) =>
            runScaleLoad({
              signal,
              clients: point.clients,
              burst: point.burst,
              streamUrls: running.streamUrls,
              publishUrl: running.publishUrl,
              serverPids: running.pids,
            }),
          runTimeoutMs(point.clients),
          `N=${point.clients} ${name}`,
        );
        Object.assign(line, result);
      } catch (err) {
        Object.assign(line, { clients: point.clients, error: String(err) });
      } finally {
        await running?.stop();
      }
      Object.assign(line, { machine, at: new Date().toISOString() });
      appendFileSync(file, JSON.stringify(line) + '\n');
      log(summary(line));
    }
  }
}

function summary(line) {
  const head = `  N=${String(line.clients).padEnd(7)} ${line.target.padEnd(8)}`;
  if (line.error) return `${head} FAILED: ${line.error}`;
  const failed = Object.entries(line.connectFailures)
    .map(([reason, count]) => `${reason}×${count}`)
    .join(' ');
  return [
    head,
    `${line.connected}/${line.clients} open${failed ? ` (${failed})` : ''}`,
    `${line.delivered}/${line.expected} delivered`,
    `gaps ${line.gaps} reorders ${line.reorders} closed ${line.closedEarly}`,
    `cpu ${line.cpuMsPer1000} ms/1k`,
    `mem ${line.memPerConnKb} KB`,
    `p99 ${line.latencyMs.p99} ms`,
    `connect ${line.connectCpuMsPerStream} ms cpu/stream (${line.connectMs} ms)`,
    `peak ${line.peakRssMb} MB`,
  ].join('  ');
}
