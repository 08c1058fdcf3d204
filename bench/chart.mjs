// Draws the bench results as an SVG (no dependencies): grouped bars per
// figure, one bar per target, whiskers for the range over runs.
import { spread } from './aggregate.mjs';

const COLORS = {
  raw: '#6b7280',
  library: '#2563eb',
  'library-fastify': '#0891b2',
  textbook: '#dc2626',
  'express-floor': '#a3a3a3',
  'fastify-floor': '#d4d4d4',
};
const FALLBACK_COLORS = ['#7c3aed', '#16a34a', '#ea580c', '#db2777'];

const escape = (text) =>
  String(text).replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

const label = (value) =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);

/** One grouped bar chart at (x, y). `groups`: [{label, bars: [{target, stat}]}]. */
function panel({ x, y, width, height, title, groups, colorOf }) {
  const top = 28;
  const bottom = 36;
  const plotHeight = height - top - bottom;
  const values = groups.flatMap((g) => g.bars.map((b) => b.stat.max));
  const ceiling = Math.max(...values, 1e-9) * 1.15;
  const groupWidth = width / Math.max(groups.length, 1);
  const out = [
    `<g transform="translate(${x},${y})">`,
    `<text x="0" y="16" font-size="12" font-weight="600">${escape(title)}</text>`,
    `<line x1="0" y1="${top + plotHeight}" x2="${width}" y2="${top + plotHeight}" stroke="#9ca3af"/>`,
  ];
  groups.forEach((group, gi) => {
    const n = group.bars.length;
    const barWidth = Math.min(34, (groupWidth - 16) / Math.max(n, 1));
    const start = gi * groupWidth + (groupWidth - barWidth * n) / 2;
    group.bars.forEach(({ target, stat }, bi) => {
      const bx = start + bi * barWidth;
      const h = (stat.median / ceiling) * plotHeight;
      const by = top + plotHeight - h;
      out.push(
        `<rect x="${bx + 2}" y="${by}" width="${barWidth - 4}" height="${h}" fill="${colorOf(target)}"><title>${escape(`${target}: ${label(stat.median)}`)}</title></rect>`,
      );
      if (stat.n > 1 && stat.max > stat.min) {
        const cx = bx + barWidth / 2;
        const y1 = top + plotHeight - (stat.min / ceiling) * plotHeight;
        const y2 = top + plotHeight - (stat.max / ceiling) * plotHeight;
        out.push(
          `<line x1="${cx}" y1="${y1}" x2="${cx}" y2="${y2}" stroke="#111827"/>`,
        );
      }
      out.push(
        `<text x="${bx + barWidth / 2}" y="${by - 4}" font-size="${barWidth < 24 ? 7 : 9}" text-anchor="middle">${label(stat.median)}</text>`,
      );
    });
    out.push(
      `<text x="${gi * groupWidth + groupWidth / 2}" y="${top + plotHeight + 16}" font-size="11" text-anchor="middle">${escape(group.label)}</text>`,
    );
  });
  out.push('</g>');
  return out.join('\n');
}

/** The SVG of an aggregate (see aggregate.mjs). */
export function drawChart(agg) {
  const colorOf = (target) =>
    COLORS[target] ??
    FALLBACK_COLORS[agg.targets.indexOf(target) % FALLBACK_COLORS.length];
  const groupOf = (cells, name, metric) => ({
    label: name,
    bars: agg.targets
      .map((target) => {
        // Several cells (e.g. both event sizes at one N): each run's values pooled.
        const values = cells.flatMap((cell) =>
          agg.runsOf(cell, target).map((r) => agg.metricOf(metric, r)),
        );
        return { target, stat: spread(values) };
      })
      .filter((bar) => bar.stat),
  });
  const maxRate = agg.cells.filter((c) => c.line.mode === 'max');
  const byClients = (clients) =>
    maxRate.filter((c) => c.line.clients === clients);
  const sizes = [...new Set(maxRate.map((c) => c.line.clients))].sort(
    (a, b) => a - b,
  );
  const largest = sizes[sizes.length - 1];
  const rate = agg.cells.filter((c) => c.line.mode === 'rate');

  const panels = [
    {
      title: 'Server CPU per 1,000 deliveries (ms), max rate',
      groups: maxRate.map((c) =>
        groupOf([c], c.name.replace(' · max rate', ''), 'cpu'),
      ),
    },
    {
      title: 'Memory per connection (KB)',
      // Below 1,000 clients the growth is within RSS noise.
      groups: sizes
        .filter((n) => n >= 1000)
        .map((n) =>
          groupOf(byClients(n), `N=${n.toLocaleString('en-US')}`, 'mem'),
        ),
    },
    {
      title: rate.length
        ? `p99 latency, ${rate[0].line.rate} broadcasts/s (ms)`
        : 'p99 latency (ms)',
      groups: rate.map((c) => groupOf([c], c.name, 'p99')),
    },
    {
      title: largest
        ? `Opening ${largest.toLocaleString('en-US')} connections (ms)`
        : 'Connect time (ms)',
      groups: largest
        ? [
            groupOf(
              byClients(largest),
              `N=${largest.toLocaleString('en-US')}`,
              'connect',
            ),
          ]
        : [],
    },
  ];
  const width = 980;
  const wide = 300;
  const small = 250;
  // The legend wraps onto as many rows as it needs.
  const legend = [];
  let lx = 10;
  let ly = 10;
  for (const target of agg.targets) {
    const text = agg.labels[target] ?? target;
    const itemWidth = 17 + text.length * 5.6 + 18;
    if (lx > 10 && lx + itemWidth > width - 10) {
      lx = 10;
      ly += 18;
    }
    legend.push(
      `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${colorOf(target)}"/>`,
      `<text x="${lx + 17}" y="${ly + 10}" font-size="11">${escape(text)}</text>`,
    );
    lx += itemWidth;
  }
  const legendHeight = ly + 24;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${legendHeight + wide + small + 30}" font-family="system-ui, sans-serif" fill="#111827">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...legend,
  ];
  out.push(
    panel({
      x: 10,
      y: legendHeight,
      width: width - 20,
      height: wide,
      ...panels[0],
      colorOf,
    }),
  );
  const third = (width - 40) / 3;
  panels.slice(1).forEach((p, i) => {
    out.push(
      panel({
        x: 10 + i * (third + 10),
        y: legendHeight + wide + 10,
        width: third,
        height: small,
        ...p,
        colorOf,
      }),
    );
  });
  out.push(
    `<text x="${width - 10}" y="${legendHeight + wide + small + 24}" font-size="9" text-anchor="end" fill="#6b7280">medians of ${agg.runIds.length} run(s); whiskers: min–max; ${escape(agg.runIds.join(', '))}</text>`,
    '</svg>',
  );
  return out.join('\n') + '\n';
}
