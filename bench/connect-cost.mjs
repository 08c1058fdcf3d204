// What one connect costs the server, measured so that other work on the
// machine matters little: each target is a fresh process, warmed with 1,000
// clients (opened, then reset; `--warm-up`), then N clients are opened 250 at a time and
// the server's cost over that phase alone is divided by N. Targets alternate
// within each round, and every figure is also given × raw from the same round.
//
// Two measures:
// - CPU ms per connect (user + system, /proc; 10 ms ticks): moves with the
//   machine's load (caches, frequency, the other core's neighbours).
// - `--instructions`: the server runs under valgrind's callgrind, with
//   instrumentation off until the measured phase, and the figure is the
//   instructions it executed (user space, all threads) per connect: no
//   clock, so far steadier than CPU time (but see below). Kernel work (the
//   socket calls themselves) is not in it. About 50× slower: 10,000
//   connects take 1 to 3 minutes per target.
//
//   node bench/connect-cost.mjs                      raw, library, library-fastify; 10,000 clients; 3 rounds
//   node bench/connect-cost.mjs --instructions --rounds 1
//   node bench/connect-cost.mjs --targets raw,library --base /tmp/base/dist
//   node bench/connect-cost.mjs --warm-up 10000     a server that has served a while
//
// `--base <dist>` also runs each library target from another build (as
// `<name>@base`), alternating with this one: an A/B comparison of a change.
// It is the `dist` of another checkout, built (`git worktree add`, or
// `git archive <commit> | tar -x`, then `npx tsc -p tsconfig.build.json`;
// the demo serves `../demo/public` next to it). `--node-args` are node
// flags for every server.
//
// Instruction counts move with how the connects arrive: a server that falls
// behind (the machine busy with other work) takes several per event-loop
// turn and spends fewer instructions on each. On a quiet machine two runs
// agree within 1%; compare A and B in the same run, as `--base` does.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ClientPool } from './client-pool.mjs';
import { now } from './load-generator.mjs';
import { cpuMs } from './proc-stats.mjs';
import { startServer } from './servers/index.mjs';

const { values: args } = parseArgs({
  options: {
    targets: { type: 'string', default: 'raw,library,library-fastify' },
    clients: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    // Clients opened and closed before the measured ones: 1,000 measures
    // a server that has just started (its JIT still compiling the connect
    // path); as many as are measured, one that has served a while.
    'warm-up': { type: 'string', default: '1000' },
    instructions: { type: 'boolean', default: false },
    base: { type: 'string' },
    'node-args': { type: 'string', default: '' },
    // A loopback source address of its own: ports of its own (~28,000).
    from: { type: 'string', default: '127.0.0.1' },
    out: {
      type: 'string',
      default: fileURLToPath(new URL('./results', import.meta.url)),
    },
  },
});
const clients = Number(args.clients);
const rounds = Number(args.rounds);
const WARM_UP = Number(args['warm-up']);
const BATCH = 250;

/** The runs of a round: `{ key, server, env }`, `key` as reported. */
const runs = args.targets.split(',').flatMap((server) => {
  const own = { key: server, server, env: {} };
  if (!args.base || !server.startsWith('library')) return [own];
  return [
    own,
    { key: `${server}@base`, server, env: { BENCH_DIST: args.base } },
  ];
});

/** Callgrind, counting only between `begin` and `end` (instructions only, no cache simulation). */
class InstructionCounter {
  constructor(key) {
    this.file = `/tmp/connect-cost-${process.pid}-${key.replace(/\W/g, '_')}.callgrind`;
  }

  get wrapper() {
    return [
      'valgrind',
      '--tool=callgrind',
      '--instr-atstart=no',
      `--callgrind-out-file=${this.file}`,
    ];
  }

  begin(pid) {
    this.control(pid, '-z');
    this.control(pid, '-i', 'on');
  }

  /** Dumps the counts since `begin` and returns the instructions executed. */
  async end(pid) {
    this.control(pid, '-d');
    this.control(pid, '-i', 'off');
    for (let attempt = 0; attempt < 100; attempt++) {
      const dump = `${this.file}.1`;
      const totals = existsSync(dump)
        ? /^totals: (\d+)/m.exec(readFileSync(dump, 'utf8'))
        : null;
      if (totals) return Number(totals[1]);
      await sleep(100);
    }
    throw new Error(`No callgrind dump in ${this.file}.1`);
  }

  control(pid, ...command) {
    execFileSync('callgrind_control', [...command, String(pid)], {
      stdio: 'ignore',
    });
  }

  cleanUp() {
    // BENCH_KEEP_CALLGRIND=1 keeps the dump, for callgrind_annotate.
    if (process.env.BENCH_KEEP_CALLGRIND === '1') return;
    for (const file of [this.file, `${this.file}.1`])
      rmSync(file, { force: true });
  }
}

/** One target, one fresh process: the cost of connecting `clients`, per connect. */
async function measure({ key, server: name, env }) {
  const counter = args.instructions ? new InstructionCounter(key) : undefined;
  const server = await startServer(name, {
    env,
    nodeArgs: args['node-args'].split(' ').filter(Boolean),
    wrapper: counter?.wrapper,
    startTimeoutMs: counter ? 600_000 : 90_000,
  });
  const url = [`${server.baseUrl}/sse/broadcast`];
  try {
    const warm = new ClientPool({
      clients: WARM_UP,
      expectedEvents: 0,
      measureFrom: 0,
      now,
      connectTimeoutMs: 300_000,
      localAddress: args.from,
    });
    await warm.connect(url, BATCH);
    warm.close();
    await sleep(1000);
    const pool = new ClientPool({
      clients,
      expectedEvents: 0,
      measureFrom: 0,
      now,
      connectTimeoutMs: 300_000,
      localAddress: args.from,
    });
    counter?.begin(server.pid);
    const cpuBefore = cpuMs(server.pid);
    const ms = await pool.connect(url, BATCH);
    const cpu = cpuMs(server.pid) - cpuBefore;
    const instructions = await counter?.end(server.pid);
    pool.close();
    // Clients that could not connect cost the server little: not counted.
    const opened = clients - pool.connectErrors;
    return {
      key,
      clients,
      warmUp: WARM_UP,
      connectMs: Math.round(ms),
      cpuMsPerConnect: cpu / opened,
      instructionsPerConnect:
        instructions === undefined ? undefined : instructions / opened,
      connectErrors: pool.connectErrors,
      connectFailures: pool.connectFailures,
    };
  } finally {
    await server.stop();
    counter?.cleanUp();
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const outFile = `${args.out}/${stamp}-connect.jsonl`;
const measureName = args.instructions
  ? 'instructionsPerConnect'
  : 'cpuMsPerConnect';
const results = [];
for (let round = 0; round < rounds; round++) {
  // A different target first in each round.
  const order = runs.map((_, i) => runs[(i + round) % runs.length]);
  const byKey = {};
  for (const run of order) {
    const result = { round, ...(await measure(run)) };
    byKey[run.key] = result;
    console.log(JSON.stringify(result));
  }
  const raw = byKey.raw?.[measureName];
  for (const result of Object.values(byKey)) {
    result.timesRaw = raw ? result[measureName] / raw : undefined;
    appendFileSync(outFile, `${JSON.stringify(result)}\n`);
    results.push(result);
  }
}

const unit = args.instructions
  ? 'instructions per connect'
  : 'CPU ms per connect';
const format = (v) =>
  args.instructions ? Math.round(v).toLocaleString('en') : v.toFixed(4);
console.log(
  `\n${clients} connects, ${rounds} round(s); ${unit} (median, range), × raw of the same round`,
);
for (const { key } of runs) {
  const mine = results.filter((r) => r.key === key);
  const values = mine.map((r) => r[measureName]);
  const ratios = mine.map((r) => r.timesRaw).filter((v) => v !== undefined);
  const range = `${format(Math.min(...values))}–${format(Math.max(...values))}`;
  const ratio = ratios.length
    ? ` × raw ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`
    : '';
  const failed = mine.reduce((n, r) => n + r.connectErrors, 0);
  console.log(
    `  ${key.padEnd(22)} ${format(median(values))} (${range})${ratio}${failed ? `; ${failed} connects failed` : ''}`,
  );
}
console.log(`\n${outFile}`);
