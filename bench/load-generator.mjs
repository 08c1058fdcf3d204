// The load generator: opens N SSE clients, publishes broadcasts through the
// server's POST endpoint, and measures delivery, latency and the server's
// CPU and memory. One run, one JSON object.
//
//   node bench/load-generator.mjs '{"streamUrls":[...],"publishUrl":...,"serverPids":[...],...}'
//
// prints the result as one JSON line. `run.mjs` drives it for the matrix.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ClientPool } from './client-pool.mjs';
import { cpuMs, memoryKb, sumOver } from './proc-stats.mjs';

const DEFAULTS = {
  clients: 100,
  batchSize: 250,
  payloadBytes: 100,
  broadcasts: 100,
  warmup: 10,
  /** Clients opened and closed before measuring, so that connect code runs optimized. */
  warmupClients: 500,
  /** Broadcasts per second; 0 publishes the next one as soon as the last is acknowledged. */
  rate: 0,
  settleMs: 500,
  idleTimeoutMs: 15_000,
};

/**
 * Milliseconds on the wall clock, sub-ms precise: the same scale in every
 * process of the machine, so that several load processes can time events
 * one of them published (bench --scale).
 */
export const now = () => performance.timeOrigin + performance.now();

/** The POST body of broadcast `seq`: its `data` JSON is `payloadBytes` long. */
export function broadcastBody(seq, payloadBytes) {
  const head = `{"seq":${seq},"t":${now().toFixed(3)},"pad":"`;
  const pad = 'x'.repeat(Math.max(0, payloadBytes - head.length - 2));
  return `{"event":"bench","data":${head}${pad}"}}`;
}

/** Publishes broadcast bodies to `url` over a few kept-alive sockets. */
export function publisher(url, payloadBytes) {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const publish = (seq, retried = false) =>
    new Promise((resolve, reject) => {
      const body = broadcastBody(seq, payloadBytes);
      const req = request(url, {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      });
      req.once('error', (err) => {
        // A kept-alive socket the server closed (idle timeout) just as it
        // was reused: nothing was processed, send it once more.
        if (req.reusedSocket && err.code === 'ECONNRESET' && !retried) {
          publish(seq, true).then(resolve, reject);
        } else reject(err);
      });
      req.once('response', (res) => {
        res.resume();
        res.once('end', () =>
          res.statusCode < 300
            ? resolve()
            : reject(new Error(`publish answered ${res.statusCode}`)),
        );
      });
      req.end(body);
    });
  return { publish, close: () => agent.destroy() };
}

/** Publishes seq `from`..`to`, one after the other or on a fixed schedule. */
export async function publishRange({ publish }, from, to, rate) {
  if (!rate) {
    for (let seq = from; seq <= to; seq++) await publish(seq);
    return;
  }
  const start = now();
  const sent = [];
  for (let seq = from; seq <= to; seq++) {
    const due = start + ((seq - from) * 1000) / rate;
    const wait = due - now();
    if (wait > 0) await sleep(wait);
    sent.push(publish(seq));
  }
  await Promise.all(sent);
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

export const round = (value, digits = 2) =>
  value === null || !Number.isFinite(value)
    ? null
    : Number(value.toFixed(digits));

/** One run against already started servers; resolves with the measurements. */
export async function runLoad(options) {
  const o = { ...DEFAULTS, ...options };
  const { clients: n, warmup, broadcasts } = o;
  const pids = o.serverPids;
  const serverCpu = () => sumOver(pids, cpuMs);
  const serverRss = () => sumOver(pids, (pid) => memoryKb(pid).rss);
  const pool = new ClientPool({
    clients: n,
    expectedEvents: broadcasts,
    measureFrom: warmup,
    now,
  });
  const pub = publisher(o.publishUrl, o.payloadBytes);
  const ownCpuBefore = process.cpuUsage();
  try {
    if (o.warmupClients > 0) {
      const warm = new ClientPool({
        clients: o.warmupClients,
        expectedEvents: 0,
        measureFrom: 0,
        now,
      });
      await warm.connect(o.streamUrls, o.batchSize);
      warm.close();
    }
    await sleep(o.settleMs);
    const rssBefore = serverRss();
    const cpuBeforeConnect = serverCpu();
    const connectMs = await pool.connect(o.streamUrls, o.batchSize);
    const connectCpuMs = serverCpu() - cpuBeforeConnect;
    await sleep(o.settleMs);
    const rssConnected = serverRss();
    const connected = n - pool.connectErrors;

    await publishRange(pub, 1, warmup, 0);
    await pool.waitFor(connected * warmup, o.idleTimeoutMs);
    const receivedBefore = pool.received;

    const cpuStart = serverCpu();
    const started = now();
    await publishRange(pub, warmup + 1, warmup + broadcasts, o.rate);
    const complete = await pool.waitFor(
      connected * (warmup + broadcasts),
      o.idleTimeoutMs,
    );
    const elapsed = now() - started;
    const cpu = serverCpu() - cpuStart;
    const delivered = pool.received - receivedBefore;
    const peakRss = sumOver(pids, (pid) => memoryKb(pid).peak);

    const latencies = pool.latencies
      .subarray(0, pool.latencyCount)
      .sort((a, b) => a - b);
    const own = process.cpuUsage(ownCpuBefore);
    return {
      clients: n,
      connected,
      payloadBytes: o.payloadBytes,
      mode: o.rate ? 'rate' : 'max',
      rate: o.rate || null,
      broadcasts,
      delivered,
      expected: n * broadcasts,
      complete,
      gaps: pool.gaps,
      reorders: pool.reorders,
      closedEarly: pool.closedEarly,
      latencyMs: {
        p50: round(percentile(latencies, 0.5)),
        p90: round(percentile(latencies, 0.9)),
        p99: round(percentile(latencies, 0.99)),
        max: round(latencies[latencies.length - 1] ?? null),
      },
      deliveriesPerSec: Math.round((delivered * 1000) / elapsed),
      cpuMsPer1000: round((cpu * 1000) / delivered),
      serverCpuMs: cpu,
      memPerConnKb: round((rssConnected - rssBefore) / n),
      rssBeforeMb: round(rssBefore / 1024, 1),
      rssConnectedMb: round(rssConnected / 1024, 1),
      peakRssMb: round(peakRss / 1024, 1),
      connectMs: Math.round(connectMs),
      connectCpuMs,
      connectErrors: pool.connectErrors,
      connectFailures: pool.connectFailures,
      loadGenCpuMs: Math.round((own.user + own.system) / 1000),
    };
  } finally {
    pool.close();
    pub.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runLoad(JSON.parse(process.argv[2] ?? '{}'));
  process.stdout.write(JSON.stringify(result) + '\n');
  // Open handles (the reset sockets) must not keep a finished run alive.
  process.exit(0);
}
