// `npm run bench`: builds the library and demo, then runs the matrix (N open
// clients × event size, at max rate, plus a fixed-rate run) against every
// target, interleaved cell by cell, so each figure has a raw baseline taken
// minutes apart. Writes bench/results/<stamp>.jsonl (one line per run), and
// <stamp>.md / <stamp>.svg from it.
//
//   npm run bench                        the full matrix (~6 min)
//   npm run bench -- --quick             a smoke run (< 1 min)
//   npm run bench -- --targets raw,library --no-build
//   npm run bench -- --cells 4,5         only these cells of the matrix (0-based)
//   npm run bench -- --scale             the cost curve, 1k to 100k streams (< 25 min)
//   npm run bench -- --scale --points 0,1  only these points of the curve (or 3000@2: N@workers)
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { appendFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeReport } from './report.mjs';
import { runScaleCurve } from './scale/scale-curve.mjs';
import { writeScaleReport } from './scale/scale-report.mjs';
import { spawnWithFdLimit, stopProcess } from './servers/index.mjs';
import { DEFAULT_TARGETS, QUICK_TARGETS, TARGETS } from './targets.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/** Broadcasts per max-rate run: about 100k-300k deliveries each. */
const BROADCASTS = { 100: 1000, 1000: 200, 10000: 30 };

const FULL_MATRIX = [
  ...[100, 1000, 10000].flatMap((clients) =>
    [100, 4096].map((payloadBytes) => ({
      clients,
      payloadBytes,
      broadcasts: BROADCASTS[clients],
    })),
  ),
  // 20 broadcasts/s for 10 s: latency when the server is not saturated.
  { clients: 1000, payloadBytes: 100, broadcasts: 200, rate: 20 },
];

const QUICK = { warmupClients: 100, warmup: 5, settleMs: 300 };
const QUICK_MATRIX = [
  { ...QUICK, clients: 1000, payloadBytes: 100, broadcasts: 40 },
  { ...QUICK, clients: 1000, payloadBytes: 4096, broadcasts: 20 },
  { ...QUICK, clients: 200, payloadBytes: 100, broadcasts: 30, rate: 20 },
];

/** A run that takes longer than this is killed and recorded as failed. */
const RUN_TIMEOUT_MS = 180_000;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    targets: { type: 'string' },
    cells: { type: 'string' },
    scale: { type: 'boolean', default: false },
    points: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string', default: here('./results') },
  },
});

const targets = args.targets
  ? args.targets.split(',')
  : args.quick
    ? QUICK_TARGETS
    : DEFAULT_TARGETS;
for (const name of targets) {
  if (!TARGETS[name]) throw new Error(`Unknown target "${name}"`);
}
const fullMatrix = args.quick ? QUICK_MATRIX : FULL_MATRIX;
const matrix = args.cells
  ? args.cells.split(',').map((index) => {
      const cell = fullMatrix[Number(index)];
      if (!cell)
        throw new Error(`No cell ${index} (0-${fullMatrix.length - 1})`);
      return cell;
    })
  : fullMatrix;

if (!args['no-build']) {
  console.log('Building the library and demo (tsc -p tsconfig.build.json)...');
  const tsc = spawnSync(
    process.execPath,
    [here('../node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: root, stdio: 'inherit' },
  );
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const runId = `${stamp}${args.quick ? '-quick' : args.scale ? '-scale' : ''}`;
mkdirSync(args.out, { recursive: true });
const file = `${args.out}/${runId}.jsonl`;
const machine = {
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  fdLimit: execFileSync('bash', ['-c', 'ulimit -Hn'], {
    encoding: 'utf8',
  }).trim(),
};

if (args.scale) {
  const started = Date.now();
  console.log(`${runId}: the scale curve -> ${file}`);
  await runScaleCurve({
    runId,
    file,
    machine,
    points: args.points?.split(','),
    log: (text) => console.log(text),
  });
  const { markdown, svg } = writeScaleReport([file], `${args.out}/${runId}`);
  console.log(
    `\nDone in ${Math.round((Date.now() - started) / 1000)} s: ${file}, ${markdown}, ${svg}`,
  );
  process.exit(0);
}

const largest = Math.max(...matrix.map((cell) => cell.clients));
if (Number(machine.fdLimit) < largest + 1000) {
  console.warn(
    `The open-files limit (${machine.fdLimit}) is below ${largest} clients: raise it (ulimit -Hn).`,
  );
}

/** Runs the load generator in its own process against a started target. */
function loadRun(options) {
  return new Promise((resolve) => {
    const child = spawnWithFdLimit(
      process.execPath,
      [here('./load-generator.mjs'), JSON.stringify(options)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => (out += text));
    const timer = setTimeout(() => void stopProcess(child), RUN_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        resolve({ error: `load generator exited (${code}) without a result` });
      }
    });
  });
}

const started = Date.now();
console.log(
  `${runId}: ${matrix.length} cells × ${targets.length} targets (${targets.join(', ')}) -> ${file}`,
);
for (const [index, cell] of matrix.entries()) {
  // Each cell starts with another target, so no target always runs first.
  const order = targets.map((_, i) => targets[(i + index) % targets.length]);
  for (const name of order) {
    const target = TARGETS[name];
    const running = await target.start();
    let result;
    try {
      result = await loadRun({
        ...cell,
        streamUrls: running.streamUrls,
        publishUrl: running.publishUrl,
        serverPids: running.pids,
      });
    } finally {
      await running.stop();
    }
    const line = { runId, cell: index, target: name, label: target.label };
    Object.assign(line, result, { machine, at: new Date().toISOString() });
    appendFileSync(file, JSON.stringify(line) + '\n');
    console.log(summary(line));
  }
}
const { markdown, svg } = writeReport([file], `${args.out}/${runId}`);
console.log(
  `\nDone in ${Math.round((Date.now() - started) / 1000)} s: ${file}, ${markdown}, ${svg}`,
);

function summary(line) {
  if (line.error) return `  ${line.target.padEnd(16)} FAILED: ${line.error}`;
  const cell = `N=${line.clients} ${line.payloadBytes} B ${line.mode === 'rate' ? `${line.rate}/s` : 'max'}`;
  return [
    `  ${cell.padEnd(22)} ${line.target.padEnd(16)}`,
    `${line.delivered}/${line.expected}`,
    `cpu ${line.cpuMsPer1000} ms/1k`,
    `mem ${line.memPerConnKb} KB/conn`,
    `p99 ${line.latencyMs.p99} ms`,
    `connect ${line.connectMs} ms`,
  ].join('  ');
}
