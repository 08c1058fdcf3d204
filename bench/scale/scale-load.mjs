// One scale run: N clients held by several load processes (load-process.mjs),
// each on its own loopback source address (127.0.0.2, 127.0.0.3, ...: one
// source address has ~28k ports to one server port) and under the
// 20,000-files-per-process limit. Measures, against servers already started:
//
//   connect   time and server CPU to open the N clients, what failed and why
//   memory    server RSS growth per stream (all processes: workers, primary, Redis)
//   burst     `burst` broadcasts back to back: server CPU per delivery, deliveries/s
//   paced     `paced` broadcasts at `rate`/s: latency publish -> client (p50/p99/max)
//
// and checks that every client got every broadcast in order.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  percentile,
  publishRange,
  publisher,
  round,
} from '../load-generator.mjs';
import { cpuMs, memoryKb, sumOver } from '../proc-stats.mjs';
import { spawnWithFdLimit, stopProcess } from '../servers/index.mjs';

const LOAD_PROCESS = fileURLToPath(
  new URL('./load-process.mjs', import.meta.url),
);

const DEFAULTS = {
  /** Clients per load process at most (the file limit is 20,000). */
  perProcess: 17_000,
  payloadBytes: 100,
  warmupClients: 500,
  warmup: 5,
  burst: 20,
  paced: 15,
  rate: 1,
  settleMs: 1_000,
  idleTimeoutMs: 30_000,
};

/** A load process (source address 127.0.0.<2 + index>) and a promise-returning `call(cmd, args)` to it. */
export function startLoadProcess(index) {
  const child = spawnWithFdLimit(process.execPath, [LOAD_PROCESS], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    env: { ...process.env, BENCH_LOCAL_ADDRESS: `127.0.0.${2 + index}` },
  });
  const pending = new Map();
  let next = 0;
  child.on('message', ({ id, ok, error }) => {
    const call = pending.get(id);
    pending.delete(id);
    if (error) call?.reject(new Error(`load process ${index}: ${error}`));
    else call?.resolve(ok);
  });
  child.once('exit', (code) => {
    for (const call of pending.values()) {
      call.reject(new Error(`load process ${index} exited (${code})`));
    }
    pending.clear();
  });
  const call = (cmd, args = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, ...args });
    });
  return { child, call };
}

/** A line on stderr while a long run goes on (BENCH_QUIET=1 silences it). */
const progress = (text) => {
  if (!process.env.BENCH_QUIET) process.stderr.write(`    ${text}\n`);
};

/** Splits `total` into `parts` near-equal whole shares. */
export const shares = (total, parts) =>
  Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  );

/** Runs the load; `options.serverPids` are every process of the target. */
export async function runScaleLoad(options) {
  const o = { ...DEFAULTS, ...options };
  const n = o.clients;
  const serverCpu = () => sumOver(o.serverPids, cpuMs);
  const serverRss = () => sumOver(o.serverPids, (pid) => memoryKb(pid).rss);
  const loadCount = Math.ceil(n / o.perProcess);
  const loads = Array.from({ length: loadCount }, (_, i) =>
    startLoadProcess(i),
  );
  const all = (cmd, argsOf) =>
    Promise.all(loads.map((l, i) => l.call(cmd, argsOf(i))));
  // Past its bound (`signal`), the run stops its load processes: their
  // pending calls reject, and the run ends with that error.
  const stopLoads = () => Promise.all(loads.map((l) => stopProcess(l.child)));
  o.signal?.addEventListener('abort', stopLoads, { once: true });
  const pub = publisher(o.publishUrl, o.payloadBytes);
  const ownCpuBefore = process.cpuUsage();
  try {
    await loads[0].call('warm', {
      urls: o.streamUrls,
      clients: o.warmupClients,
    });
    await sleep(o.settleMs);

    const rssBefore = serverRss();
    const cpuBeforeConnect = serverCpu();
    const cpuEachBefore = o.serverPids.map(cpuMs);
    const connectStart = performance.now();
    const perLoad = shares(n, loadCount);
    const connects = await all('connect', (i) => ({
      urls: o.streamUrls,
      clients: perLoad[i],
      expectedEvents: o.paced,
    }));
    const connectMs = performance.now() - connectStart;
    progress(`${n} clients: connect took ${Math.round(connectMs)} ms`);
    const connectCpuMs = serverCpu() - cpuBeforeConnect;
    // Per process (primary, workers..., redis-server): where connecting costs.
    const connectCpuByProcess = o.serverPids.map(
      (pid, i) => cpuMs(pid) - cpuEachBefore[i],
    );
    await sleep(o.settleMs);
    const rssConnected = serverRss();
    const connectedOf = connects.map((c) => c.connected);
    const connected = connectedOf.reduce((a, b) => a + b, 0);
    const connectFailures = {};
    for (const c of connects) {
      for (const [reason, count] of Object.entries(c.connectFailures)) {
        connectFailures[reason] = (connectFailures[reason] ?? 0) + count;
      }
    }
    const waitAll = async (events) => {
      const waits = await all('wait', (i) => ({
        total: connectedOf[i] * events,
        idleMs: o.idleTimeoutMs,
      }));
      return {
        complete: waits.every((w) => w.complete),
        received: waits.reduce((a, w) => a + w.received, 0),
      };
    };

    let seq = o.warmup;
    await publishRange(pub, 1, seq, 0);
    await waitAll(seq);

    // Burst: back to back, each POST once the last was acknowledged.
    const beforeBurst = (await waitAll(seq)).received;
    const cpuStart = serverCpu();
    const loadCpu = () =>
      sumOver(
        loads.map((l) => l.child.pid),
        cpuMs,
      );
    const loadCpuStart = loadCpu();
    const burstStart = performance.now();
    await publishRange(pub, seq + 1, seq + o.burst, 0);
    seq += o.burst;
    const burstDone = await waitAll(seq);
    const burstMs = performance.now() - burstStart;
    const burstCpu = serverCpu() - cpuStart;
    const burstLoadCpu = loadCpu() - loadCpuStart;
    const burstDelivered = burstDone.received - beforeBurst;
    progress(`${n} clients: burst of ${o.burst} in ${Math.round(burstMs)} ms`);

    // Paced: latency when the server is not saturated. Each POST waits for
    // the last one's answer: behind a cluster two POSTs in flight may reach
    // Redis in either order, and the clients would count a reorder.
    await all('measureFrom', () => ({ seq }));
    const pacedStart = performance.now();
    for (let next = 1; next <= o.paced; next++) {
      const wait =
        pacedStart + ((next - 1) * 1000) / o.rate - performance.now();
      if (wait > 0) await sleep(wait);
      await pub.publish(seq + next);
    }
    seq += o.paced;
    const pacedDone = await waitAll(seq);
    const peakRss = sumOver(o.serverPids, (pid) => memoryKb(pid).peak);

    const reports = await all('report', () => ({}));
    const latencyCount = reports.reduce((a, r) => a + r.latencies.length, 0);
    const latencies = new Float64Array(latencyCount);
    let at = 0;
    for (const r of reports) {
      latencies.set(r.latencies, at);
      at += r.latencies.length;
    }
    latencies.sort();
    const sum = (key) => reports.reduce((a, r) => a + r[key], 0);
    const own = process.cpuUsage(ownCpuBefore);
    return {
      clients: n,
      loadProcesses: loadCount,
      serverProcesses: o.serverPids.length,
      connected,
      connectErrors: n - connected,
      connectFailures,
      payloadBytes: o.payloadBytes,
      broadcasts: seq,
      delivered: sum('received'),
      expected: connected * seq,
      complete: burstDone.complete && pacedDone.complete,
      gaps: sum('gaps'),
      reorders: sum('reorders'),
      closedEarly: sum('closedEarly'),
      connectMs: Math.round(connectMs),
      connectCpuMs,
      connectCpuMsPerStream: round(connectCpuMs / Math.max(connected, 1), 4),
      connectCpuByProcess,
      memPerConnKb: round((rssConnected - rssBefore) / Math.max(connected, 1)),
      rssBeforeMb: round(rssBefore / 1024, 1),
      rssConnectedMb: round(rssConnected / 1024, 1),
      peakRssMb: round(peakRss / 1024, 1),
      cpuMsPer1000: round((burstCpu * 1000) / burstDelivered),
      deliveriesPerSec: Math.round((burstDelivered * 1000) / burstMs),
      // CPUs busy during the burst: the server's processes, the load's.
      burstServerCores: round(burstCpu / burstMs, 2),
      burstLoadCores: round(burstLoadCpu / burstMs, 2),
      rate: o.rate,
      latencyMs: {
        p50: round(percentile(latencies, 0.5)),
        p90: round(percentile(latencies, 0.9)),
        p99: round(percentile(latencies, 0.99)),
        max: round(latencies[latencies.length - 1] ?? null),
      },
      loadGenCpuMs: Math.round((own.user + own.system) / 1000),
    };
  } finally {
    o.signal?.removeEventListener('abort', stopLoads);
    pub.close();
    await Promise.all(
      loads.map(async (l) => {
        await l.call('close').catch(() => undefined);
        await stopProcess(l.child);
      }),
    );
  }
}
