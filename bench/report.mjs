// Turns bench results into a markdown report and an SVG chart. `run.mjs`
// calls it on its own results; several runs can be summarized together:
//
//   node bench/report.mjs bench/results/a.jsonl bench/results/b.jsonl --out bench/results/summary
//
// Figures are medians over the runs, with their range; ratios are taken
// against the baseline measured in the same run, then summarized.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { aggregate, spread } from './aggregate.mjs';
import { drawChart } from './chart.mjs';

const LIBRARY_TARGETS = ['library', 'library-fastify'];
/** Shown next to the library in the goals table, for reference (no verdict). */
const REFERENCE_TARGETS = ['textbook', 'express-floor', 'fastify-floor'];

/** The goals of the issue: metric, where it is measured, the limit of target/raw. */
const GOALS = [
  ...[1000, 10000].flatMap((clients) =>
    [100, 4096].map((payloadBytes) => ({
      title: `CPU per delivery, N=${clients.toLocaleString('en-US')}, ${payloadBytes === 100 ? '100 B' : '4 KB'}`,
      metric: 'cpu',
      where: (c) =>
        c.line.mode === 'max' &&
        c.line.clients === clients &&
        c.line.payloadBytes === payloadBytes,
      limit: 1.25,
    })),
  ),
  {
    title: 'memory per connection, N=10,000',
    metric: 'mem',
    where: (c) => c.line.clients === 10000,
    limit: 1.5,
  },
  {
    title: 'p99 latency at a fixed rate', // named after its cell below
    metric: 'p99',
    where: (c) => c.line.mode === 'rate',
    limit: 1.2,
  },
  {
    title: 'time to accept 10,000 connections',
    metric: 'connect',
    where: (c) => c.line.clients === 10000,
    limit: 1.5,
  },
];

const num = (value, digits) =>
  value === null || value === undefined
    ? '–'
    : value >= 100 || digits === 0
      ? Math.round(value).toLocaleString('en-US')
      : value.toFixed(digits ?? (value >= 10 ? 1 : 2));

/** `9.1` or, over several runs, `9.1 (8.9–9.4)`. */
function fmt(s, digits) {
  if (!s) return '–';
  if (s.n < 2 || s.min === s.max) return num(s.median, digits);
  return `${num(s.median, digits)} (${num(s.min, digits)}–${num(s.max, digits)})`;
}

const times = (s) => (s ? `${fmt(s, 2)}×` : '–');

/** The markdown of an aggregate. */
export function markdownReport(agg) {
  const out = [];
  const runs = agg.runIds.length;
  const m = agg.machine ?? {};
  out.push(
    `Runs: ${agg.runIds.join(', ')} (${runs} run${runs === 1 ? '' : 's'}; medians, range in parentheses). ` +
      `Node ${m.node}, ${m.cpus} CPUs (${m.cpuModel}), loopback, servers and load generator on the same machine.`,
    '',
  );
  const libraries = LIBRARY_TARGETS.filter((t) => agg.targets.includes(t));
  const references = REFERENCE_TARGETS.filter((t) => agg.targets.includes(t));
  const columns = [...libraries, ...references];
  if (agg.targets.includes('raw') && libraries.length > 0) {
    out.push(
      `| goal (× raw node:http) | limit | ${columns.map((t) => agg.labels[t]).join(' | ')} |`,
      `|---|---|${columns.map(() => '---|').join('')}`,
    );
    for (const goal of GOALS) {
      const cells = agg.cells.filter(goal.where);
      if (cells.length === 0) continue;
      // Cells that measure the same thing (memory and connect time do not
      // depend on the event size) pool their runs.
      const row = columns.map((target) => {
        const pooled = spread(
          cells.flatMap((cell) => agg.ratios(cell, target, 'raw', goal.metric)),
        );
        if (!pooled) return '–';
        if (!libraries.includes(target)) return times(pooled);
        return `${times(pooled)} ${pooled.median <= goal.limit ? '✅' : '❌'}`;
      });
      const title =
        goal.metric === 'p99' ? `p99 latency, ${cells[0].name}` : goal.title;
      out.push(`| ${title} | ≤ ${goal.limit}× | ${row.join(' | ')} |`);
    }
    const lossless = columns.map((target) =>
      agg.cells.every(
        (cell) =>
          agg.runsOf(cell, target).length === 0 || agg.lossless(cell, target),
      )
        ? `none${libraries.includes(target) ? ' ✅' : ''}`
        : `some${libraries.includes(target) ? ' ❌' : ''}`,
    );
    out.push(
      `| lost, duplicated or reordered events | none | ${lossless.join(' | ')} |`,
      '',
    );
  }

  for (const cell of agg.cells) {
    out.push(`### ${cell.name}`, '');
    out.push(
      '| server | CPU ms / 1,000 deliveries | × raw | × textbook | memory / connection (KB) | × raw | connect (ms) | × raw | latency p50 / p99 (ms) | p99 × raw | deliveries/s | peak RSS (MB) | delivered, gaps, reorders |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const target of agg.targets) {
      const runsHere = agg.runsOf(cell, target);
      if (runsHere.length === 0) continue;
      const s = (metric) => agg.stat(cell, target, metric);
      const vs = (base, metric) =>
        target === base || !cell.byTarget.has(base)
          ? ''
          : times(agg.ratio(cell, target, base, metric));
      const delivered = runsHere.reduce((sum, r) => sum + r.delivered, 0);
      const expected = runsHere.reduce((sum, r) => sum + r.expected, 0);
      const gaps = runsHere.reduce((sum, r) => sum + r.gaps, 0);
      const reorders = runsHere.reduce((sum, r) => sum + r.reorders, 0);
      out.push(
        `| ${agg.labels[target]} | ${fmt(s('cpu'))} | ${vs('raw', 'cpu')} | ${vs('textbook', 'cpu')} | ${fmt(s('mem'))} | ${vs('raw', 'mem')} | ${fmt(s('connect'), 0)} | ${vs('raw', 'connect')} | ${fmt(s('p50'))} / ${fmt(s('p99'))} | ${vs('raw', 'p99')} | ${fmt(s('throughput'), 0)} | ${fmt(s('peak'), 0)} | ${delivered.toLocaleString('en-US')}/${expected.toLocaleString('en-US')}, ${gaps}, ${reorders} |`,
      );
    }
    out.push('');
  }
  if (agg.failures.length > 0) {
    out.push('Failed runs:', '');
    for (const f of agg.failures)
      out.push(`- ${f.runId} cell ${f.cell} ${f.target}: ${f.error}`);
    out.push('');
  }
  return out.join('\n');
}

/** Reads JSONL result files and writes `<outBase>.md` and `<outBase>.svg`. */
export function writeReport(files, outBase) {
  const lines = files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line)),
  );
  const agg = aggregate(lines);
  const markdown = `${outBase}.md`;
  const svg = `${outBase}.svg`;
  const title = `# SSE fan-out benchmark: ${files.map((f) => basename(f)).join(', ')}\n\n`;
  writeFileSync(markdown, title + markdownReport(agg));
  writeFileSync(svg, drawChart(agg));
  return { markdown, svg };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string' } },
  });
  if (positionals.length === 0 || !values.out) {
    console.error(
      'usage: node bench/report.mjs <results.jsonl>... --out <path without extension>',
    );
    process.exit(2);
  }
  const written = writeReport(positionals, values.out);
  console.log(`${written.markdown}\n${written.svg}`);
}
