// Summarizes scale runs (JSONL lines with `scale: true`): per N the library's
// and raw's figures (median and range over runs) and the library's ratio to
// the raw server of the same run; draws the ratios as one line chart (SVG,
// no dependencies).
//
//   node bench/scale/scale-report.mjs a.jsonl b.jsonl --out bench/results/scale-summary
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spread } from '../aggregate.mjs';

/** The figures of the curve: how to read each from a result line. */
export const SCALE_METRICS = {
  cpu: {
    title: 'server CPU per delivery',
    unit: 'ms/1k',
    read: (r) => r.cpuMsPer1000,
  },
  mem: { title: 'memory per stream', unit: 'KB', read: (r) => r.memPerConnKb },
  p99: { title: 'p99 at 1/s', unit: 'ms', read: (r) => r.latencyMs.p99 },
  connect: {
    title: 'connect CPU per stream',
    unit: 'ms',
    read: (r) => r.connectCpuMsPerStream,
  },
};
const COLORS = {
  cpu: '#2563eb',
  mem: '#16a34a',
  p99: '#dc2626',
  connect: '#ea580c',
};

/** Per N: `{ clients, workers, library: {metric: spread}, raw, ratio, runs, problems }`. */
export function aggregateScale(lines) {
  const ok = lines.filter((l) => l.scale && !l.error);
  const points = [...new Set(ok.map((l) => l.clients))].sort((a, b) => a - b);
  return points.map((clients) => {
    const at = ok.filter((l) => l.clients === clients);
    const of = (target) => at.filter((l) => l.target === target);
    const figures = (rows) =>
      Object.fromEntries(
        Object.entries(SCALE_METRICS).map(([key, m]) => [
          key,
          spread(rows.map(m.read)),
        ]),
      );
    const extra = (rows) => ({
      deliveriesPerSec: spread(rows.map((r) => r.deliveriesPerSec)),
      peakRssMb: spread(rows.map((r) => r.peakRssMb)),
      connectMs: spread(rows.map((r) => r.connectMs)),
    });
    const ratio = {};
    for (const [key, m] of Object.entries(SCALE_METRICS)) {
      const values = of('library').flatMap((lib) => {
        const raw = of('raw').find((r) => r.runId === lib.runId);
        const [a, b] = [m.read(lib), raw && m.read(raw)];
        return Number.isFinite(a) && b > 0 ? [a / b] : [];
      });
      ratio[key] = spread(values);
    }
    const problems = at
      .filter(
        (l) =>
          l.connectErrors ||
          l.gaps ||
          l.reorders ||
          l.closedEarly ||
          !l.complete,
      )
      .map(
        (l) =>
          `${l.target}: ${l.connectErrors} not opened ${JSON.stringify(l.connectFailures)}, ${l.expected - l.delivered} not delivered, gaps ${l.gaps}, reorders ${l.reorders}, closed ${l.closedEarly}`,
      );
    return {
      clients,
      workers: at[0].workers,
      runs: new Set(at.map((l) => l.runId)).size,
      library: { ...figures(of('library')), ...extra(of('library')) },
      raw: { ...figures(of('raw')), ...extra(of('raw')) },
      ratio,
      problems,
    };
  });
}

const fmt = (s, digits = 2) => {
  if (!s) return '–';
  const f = (v) =>
    v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(digits);
  return s.n > 1 && s.min !== s.max
    ? `${f(s.median)} (${f(s.min)}–${f(s.max)})`
    : f(s.median);
};

/** The markdown tables of the curve. */
export function scaleMarkdown(points) {
  const n = (p) =>
    `${p.clients.toLocaleString('en-US')}${p.workers > 1 ? ` (${p.workers} workers)` : ' (1 process)'}`;
  const out = [
    '| N | runs | CPU/delivery × raw | memory/stream × raw | p99 × raw | connect CPU × raw |',
    '| --- | --- | --- | --- | --- | --- |',
    ...points.map(
      (p) =>
        `| ${n(p)} | ${p.runs} | ${fmt(p.ratio.cpu)} | ${fmt(p.ratio.mem)} | ${fmt(p.ratio.p99)} | ${fmt(p.ratio.connect)} |`,
    ),
    '',
    '| N | target | CPU ms/1k deliveries | KB/stream | p99 ms | connect CPU ms/stream | deliveries/s | peak RSS MB (all processes) | time to connect ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...points.flatMap((p) =>
      ['library', 'raw'].map(
        (t) =>
          `| ${n(p)} | ${t} | ${fmt(p[t].cpu)} | ${fmt(p[t].mem)} | ${fmt(p[t].p99, 1)} | ${fmt(p[t].connect, 3)} | ${fmt(p[t].deliveriesPerSec)} | ${fmt(p[t].peakRssMb)} | ${fmt(p[t].connectMs)} |`,
      ),
    ),
  ];
  const problems = points.flatMap((p) =>
    p.problems.map((text) => `- N=${p.clients}: ${text}`),
  );
  if (problems.length)
    out.push('', 'Runs with losses or failed connects:', ...problems);
  return out.join('\n') + '\n';
}

/** One line chart: × raw per N (log axis), a line per figure, whiskers for the range. */
export function scaleChart(points) {
  const width = 720;
  const height = 360;
  const left = 56;
  const right = 180;
  const top = 36;
  const bottom = 44;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const xs = points.map((p) => Math.log10(p.clients));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const x = (clients) =>
    left +
    (x1 === x0 ? plotW / 2 : ((Math.log10(clients) - x0) / (x1 - x0)) * plotW);
  const values = points.flatMap((p) =>
    Object.keys(SCALE_METRICS).flatMap((k) =>
      p.ratio[k] ? [p.ratio[k].max] : [],
    ),
  );
  const ceiling = Math.max(2, ...values) * 1.1;
  // RSS noise can make a small N's memory growth negative: drawn at 0.
  const y = (v) => top + plotH - (Math.max(0, v) / ceiling) * plotH;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="13" font-weight="600">The library × raw node:http, by open streams (1 = raw; lower is better)</text>`,
  ];
  for (let tick = 0; tick <= ceiling; tick += ceiling > 4 ? 1 : 0.5) {
    out.push(
      `<line x1="${left}" x2="${left + plotW}" y1="${y(tick)}" y2="${y(tick)}" stroke="${tick === 1 ? '#6b7280' : '#e5e7eb'}"${tick === 1 ? ' stroke-dasharray="4 3"' : ''}/>`,
      `<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}×</text>`,
    );
  }
  for (const p of points) {
    out.push(
      `<text x="${x(p.clients)}" y="${top + plotH + 16}" text-anchor="middle">${p.clients >= 1000 ? `${Math.round(p.clients / 1000)}k` : p.clients}</text>`,
      `<text x="${x(p.clients)}" y="${top + plotH + 30}" text-anchor="middle" fill="#6b7280">${p.workers > 1 ? `${p.workers} workers` : '1 process'}</text>`,
    );
  }
  Object.entries(SCALE_METRICS).forEach(([key, m], i) => {
    const color = COLORS[key];
    const pts = points.filter((p) => p.ratio[key]);
    if (pts.length) {
      out.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${x(p.clients)},${y(p.ratio[key].median)}`).join(' ')}"/>`,
      );
    }
    for (const p of pts) {
      const s = p.ratio[key];
      out.push(
        `<line x1="${x(p.clients)}" x2="${x(p.clients)}" y1="${y(s.min)}" y2="${y(s.max)}" stroke="${color}"/>`,
        `<circle cx="${x(p.clients)}" cy="${y(s.median)}" r="3" fill="${color}"/>`,
      );
    }
    const ly = top + 10 + i * 18;
    out.push(
      `<line x1="${left + plotW + 16}" x2="${left + plotW + 36}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${left + plotW + 42}" y="${ly + 4}">${m.title}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Reads JSONL files and writes `<outBase>.md` and `<outBase>.svg`. */
export function writeScaleReport(files, outBase) {
  const lines = files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((text) => JSON.parse(text)),
  );
  const points = aggregateScale(lines);
  const runs = [...new Set(lines.map((l) => l.runId))].join(', ');
  const machine = lines.find((l) => l.machine)?.machine ?? {};
  const header = `# Scale curve\n\nRuns: ${runs}. Machine: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ${machine.fdLimit} open files per process.\n\n`;
  const markdown = `${outBase}.md`;
  const svg = `${outBase}.svg`;
  writeFileSync(markdown, header + scaleMarkdown(points));
  writeFileSync(svg, scaleChart(points));
  return { markdown, svg, points };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'bench/results/scale-summary' },
    },
  });
  const { markdown, svg } = writeScaleReport(positionals, values.out);
  console.log(`${markdown}, ${svg}`);
}
