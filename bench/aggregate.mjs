// Groups bench results (JSONL lines from one or several runs) by cell and
// target, with the median and range over runs of every figure, and of its
// ratio to another target measured in the same run.

/** `N=1000 · 4 KB · max` */
export function cellName({ clients, payloadBytes, mode, rate }) {
  const size =
    payloadBytes >= 1024 ? `${payloadBytes / 1024} KB` : `${payloadBytes} B`;
  return `N=${clients.toLocaleString('en-US')} · ${size} · ${mode === 'rate' ? `${rate}/s` : 'max rate'}`;
}

const cellKey = (line) =>
  `${line.clients}|${line.payloadBytes}|${line.mode}|${line.rate ?? ''}`;

/** The figures compared between targets: how to read each from a result line. */
export const METRICS = {
  cpu: (r) => r.cpuMsPer1000,
  mem: (r) => r.memPerConnKb,
  connect: (r) => r.connectMs,
  p50: (r) => r.latencyMs.p50,
  p99: (r) => r.latencyMs.p99,
  throughput: (r) => r.deliveriesPerSec,
  peak: (r) => r.peakRssMb,
};

export function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `{median, min, max, n}` of some numbers. */
export function spread(values) {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return null;
  return {
    median: median(finite),
    min: Math.min(...finite),
    max: Math.max(...finite),
    n: finite.length,
  };
}

/**
 * `cells`: per cell (in matrix order), per target, the result lines of each
 * run; `stat(cell, target, metric)` and `ratio(cell, target, base, metric)`
 * summarize them.
 */
export function aggregate(lines) {
  const ok = lines.filter((line) => !line.error);
  const cells = new Map();
  for (const line of ok) {
    const key = cellKey(line);
    if (!cells.has(key))
      cells.set(key, { key, name: cellName(line), line, byTarget: new Map() });
    const byTarget = cells.get(key).byTarget;
    if (!byTarget.has(line.target)) byTarget.set(line.target, []);
    byTarget.get(line.target).push(line);
  }
  const runsOf = (cell, target) => cell.byTarget.get(target) ?? [];
  /** target/base in each run that measured both. */
  const ratios = (cell, target, base, metric) => {
    const baseByRun = new Map(
      runsOf(cell, base).map((line) => [line.runId, METRICS[metric](line)]),
    );
    return runsOf(cell, target)
      .filter((line) => baseByRun.get(line.runId) > 0)
      .map((line) => METRICS[metric](line) / baseByRun.get(line.runId));
  };
  return {
    cells: [...cells.values()],
    runIds: [...new Set(ok.map((line) => line.runId))],
    failures: lines.filter((line) => line.error),
    targets: [...new Set(ok.map((line) => line.target))],
    labels: Object.fromEntries(ok.map((line) => [line.target, line.label])),
    machine: ok[0]?.machine,
    runsOf,
    metricOf: (metric, line) => METRICS[metric](line),
    stat: (cell, target, metric) =>
      spread(runsOf(cell, target).map(METRICS[metric])),
    /** The ratio target/base of each run that measured both, summarized. */
    ratio: (cell, target, base, metric) =>
      spread(ratios(cell, target, base, metric)),
    ratios,
    /** Every run delivered everything once, in order. */
    lossless(cell, target) {
      return runsOf(cell, target).every(
        (r) => r.delivered === r.expected && r.gaps === 0 && r.reorders === 0,
      );
    },
  };
}
