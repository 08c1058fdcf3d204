// The Redis transport under load: N streams per worker on the demo's
// cluster mode (WORKERS=2) against one instance on Redis with N streams.
//
//   1. throughput: deliveries/s at max rate of two workers with 2N streams
//      against one instance with N, alternating, `repeat` times each:
//      the goal is two workers >= 0.9 x twice one.
//   2. restart: two workers, 2N streams, broadcasts at `rate`/s; mid-way
//      redis-server is killed (SIGKILL) and started again, empty, on its
//      port. Every client must either receive every accepted broadcast or
//      be sent a history-gap notice; none may miss one silently.
//
//   node bench/scale/redis-under-load.mjs '{"perWorker":10000,"repeat":2}'
//   node bench/scale/redis-under-load.mjs '{"repeat":0}'        the restart only
//   node bench/scale/redis-under-load.mjs '{"restart":false}'   throughput only
//   node bench/scale/redis-under-load.mjs '{"workerCores":0.4}' each worker 0.4 CPU
//
// `workerCores` gives every worker (and the one instance) a CPU budget of its
// own (cpu-quota.mjs, root): on a machine whose cores the load generator
// shares, the servers are then the bottleneck, as with a core per worker.
// Without it, both targets compete for the same cores with the clients.
//
// Writes one JSON line per run to bench/results/<stamp>-redis.jsonl and
// prints a summary. Needs the build and redis-server.
import { appendFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { spread } from '../aggregate.mjs';
import { broadcastBody, now } from '../load-generator.mjs';
import { startServer, stopProcess } from '../servers/index.mjs';
import { RedisServer } from '../../dist/test/support/redis-server.js';
import { libraryCluster } from './cluster-targets.mjs';
import { limitCpu } from './cpu-quota.mjs';
import { runScaleLoad, shares, startLoadProcess } from './scale-load.mjs';

const DEFAULTS = {
  perWorker: 10_000,
  repeat: 2,
  burst: 20,
  /**
   * The restart run: broadcasts per second, for this long. Two workers with
   * 20,000 streams deliver ~60,000/s on 2 shared cores: 3 broadcasts/s at
   * most; past that the POSTs (each once the last was answered) fall behind.
   */
  rate: 2,
  seconds: 30,
  /** When redis-server is killed, and how long it stays down. */
  killAtSeconds: 10,
  downMs: 2_000,
  /** Whether to run the restart (after the throughput runs). */
  restart: true,
  /** A CPU budget per worker for the throughput runs (e.g. 0.4), or none. */
  workerCores: undefined,
};

/** One instance of the demo on a redis-server of its own (WORKERS=1). */
const oneInstance = {
  label: 'this library, one instance on Redis',
  async start() {
    const redis = await RedisServer.start();
    const server = await startServer('redis', {
      env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'bench:' },
    }).catch(async (err) => {
      await redis.stop();
      throw err;
    });
    return {
      streamUrls: [`${server.baseUrl}/sse/broadcast`],
      publishUrl: `${server.baseUrl}/api/broadcast`,
      pids: [server.pid, redis.pid],
      workerPids: [server.pid],
      stop: async () => {
        await server.stop();
        await redis.stop();
      },
    };
  },
};

async function measure(target, clients, o) {
  const running = await target.start();
  const release = o.workerCores
    ? limitCpu(running.workerPids, o.workerCores)
    : undefined;
  try {
    const result = await runScaleLoad({
      clients,
      perProcess: o.perWorker,
      burst: o.burst,
      paced: 3,
      streamUrls: running.streamUrls,
      publishUrl: running.publishUrl,
      serverPids: running.pids,
    });
    return { workerCores: o.workerCores ?? null, ...result };
  } finally {
    release?.();
    await running.stop();
  }
}

/** POSTs one broadcast; resolves with the status (0 when it failed outright). */
function post(url, body) {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
      timeout: 10_000,
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => resolve(0));
    req.once('response', (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode));
    });
    req.end(body);
  });
}

/** The restart run; resolves with what the clients got. */
export async function restartRun(o) {
  const clients = 2 * o.perWorker;
  const total = o.rate * o.seconds;
  const target = libraryCluster(2);
  const running = await target.start();
  const redis = running.redis;
  const loads = [0, 1].map((i) => startLoadProcess(i));
  const all = (cmd, argsOf) =>
    Promise.all(loads.map((l, i) => l.call(cmd, argsOf(i))));
  try {
    const perLoad = shares(clients, loads.length);
    const connects = await all('connect', (i) => ({
      urls: running.streamUrls,
      clients: perLoad[i],
      expectedEvents: 0,
      trackSeqUpTo: total,
    }));
    const connected = connects.reduce((a, c) => a + c.connected, 0);
    const accepted = [];
    const refused = {};
    const started = now();
    let killedAt;
    let backAt;
    let outage;
    let refusedFrom;
    let refusedUntil;
    for (let seq = 1; seq <= total; seq++) {
      const due = started + ((seq - 1) * 1000) / o.rate;
      if (due > now()) await sleep(due - now());
      if (!outage && now() - started >= o.killAtSeconds * 1000) {
        killedAt = now() - started;
        outage = redis.kill().then(async () => {
          await sleep(o.downMs);
          await redis.restart();
          backAt = now() - started;
        });
      }
      const status = await post(running.publishUrl, broadcastBody(seq, 100));
      if (status === 202) accepted.push(seq);
      else {
        refused[status] = (refused[status] ?? 0) + 1;
        // When publishing was refused: from the first refusal to the last.
        refusedFrom ??= now() - started;
        refusedUntil = now() - started;
      }
    }
    const publishedFor = now() - started;
    await outage;
    // Let the last deliveries arrive: no progress for 3 s.
    const expected = connected * accepted.length;
    await all('wait', () => ({ total: Infinity, idleMs: 3_000 }));
    const verified = await all('verify', () => ({ accepted }));
    const sum = (key) => verified.reduce((a, v) => a + v[key], 0);
    const reports = await all('report', () => ({}));
    return {
      scenario: 'redis-restart',
      workers: 2,
      clients,
      connected,
      published: total,
      accepted: accepted.length,
      refused,
      killedAtMs: Math.round(killedAt),
      backAtMs: Math.round(backAt),
      refusedFromMs: Math.round(refusedFrom ?? NaN),
      refusedUntilMs: Math.round(refusedUntil ?? NaN),
      publishedForMs: Math.round(publishedFor),
      delivered: reports.reduce((a, r) => a + r.received, 0),
      expectedAtLeast: expected,
      clientsComplete: sum('complete'),
      clientsMissedWithNotice: sum('missedWithNotice'),
      clientsMissedSilently: sum('missedSilently'),
      clientsWithNotice: sum('notices'),
      reorders: reports.reduce((a, r) => a + r.reorders, 0),
      closedEarly: reports.reduce((a, r) => a + r.closedEarly, 0),
    };
  } finally {
    await Promise.all(
      loads.map(async (l) => {
        await l.call('close').catch(() => undefined);
        await stopProcess(l.child);
      }),
    );
    await running.stop();
  }
}

export async function runRedisUnderLoad(options = {}, log = console.log) {
  const o = { ...DEFAULTS, ...options };
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const dir = fileURLToPath(new URL('../results', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${stamp}-redis.jsonl`;
  const write = (line) =>
    appendFileSync(file, JSON.stringify({ runId: stamp, ...line }) + '\n');
  const ratios = [];
  for (let run = 0; run < o.repeat; run++) {
    const order = run % 2 ? ['two', 'one'] : ['one', 'two'];
    const result = {};
    for (const which of order) {
      result[which] =
        which === 'one'
          ? await measure(oneInstance, o.perWorker, o)
          : await measure(libraryCluster(2), 2 * o.perWorker, o);
      write({
        scenario: 'redis-throughput',
        instances: which,
        run,
        ...result[which],
      });
    }
    const ratio =
      result.two.deliveriesPerSec / (2 * result.one.deliveriesPerSec);
    ratios.push(ratio);
    log(
      `throughput run ${run}: one instance ${result.one.deliveriesPerSec}/s (${result.one.delivered}/${result.one.expected}, server ${result.one.burstServerCores} CPUs, load ${result.one.burstLoadCores}), two workers ${result.two.deliveriesPerSec}/s (${result.two.delivered}/${result.two.expected}, server ${result.two.burstServerCores} CPUs, load ${result.two.burstLoadCores}): ${ratio.toFixed(2)} x twice one`,
    );
  }
  const restart = o.restart ? await restartRun(o) : undefined;
  if (restart) {
    write(restart);
    log(`restart: ${JSON.stringify(restart)}`);
  }
  return { file, ratio: spread(ratios), restart };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runRedisUnderLoad(JSON.parse(process.argv[2] ?? '{}'));
  console.log(JSON.stringify(result));
  process.exit(0);
}
