// The HTTP/2 path measured once: one demo server on Fastify with HTTPS and
// HTTP/2 (HTTP/1.1 by ALPN for clients without h2), read by the same number
// of streams over HTTP/1.1 (one TLS connection each), over h2 with one
// stream per session (a browser with one tab) and over h2 with 100 streams
// per session (a browser with many tabs). Per run: the server's RSS growth
// per open stream, and its CPU time per delivered event while broadcasts go
// out at full speed. Runs are interleaved; medians printed.
//
//   node bench/http2.mjs [--streams 1000] [--broadcasts 200] [--rounds 3]
// (build first: npm run build)
import { Agent, get, request } from 'node:https';
import { connect } from 'node:http2';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { cpuMs, memoryKb } from './proc-stats.mjs';
import { startServer } from './servers/index.mjs';
import { selfSignedCert } from '../dist/test/support/self-signed-cert.js';

const { values: args } = parseArgs({
  options: {
    streams: { type: 'string', default: '1000' },
    broadcasts: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
  },
});
const STREAMS = Number(args.streams);
const BROADCASTS = Number(args.broadcasts);
const ROUNDS = Number(args.rounds);
const MODES = ['https/1.1', 'h2, 1 stream/session', 'h2, 100 streams/session'];

const tls = selfSignedCert();

/** Counts frames (blank-line ends) per stream across chunk boundaries. */
function frameCounter() {
  let frames = 0;
  let lastWasLf = false;
  return {
    feed(chunk) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
        if (i === 0 ? lastWasLf : chunk[i - 1] === 10) frames++;
      }
      lastWasLf = chunk[chunk.length - 1] === 10;
    },
    get frames() {
      return frames;
    },
  };
}

/** Opens `STREAMS` streams the way `mode` says; their counters and a closer. */
async function openStreams(origin, mode) {
  const counters = [];
  const closers = [];
  const opened = [];
  if (mode === 'https/1.1') {
    const agent = new Agent({
      keepAlive: false,
      maxSockets: Infinity,
      rejectUnauthorized: false,
    });
    for (let i = 0; i < STREAMS; i++) {
      const counter = frameCounter();
      counters.push(counter);
      opened.push(
        new Promise((resolve, reject) => {
          const req = get(
            `${origin}/sse/broadcast`,
            { agent, headers: { accept: 'text/event-stream' } },
            (res) => {
              res.on('data', (c) => counter.feed(c));
              resolve();
            },
          );
          req.on('error', reject);
          closers.push(() => req.destroy());
        }),
      );
      if (i % 100 === 99) await Promise.all(opened.slice(-100));
    }
  } else {
    const perSession = mode.startsWith('h2, 1 ') ? 1 : 100;
    for (let s = 0; s < STREAMS / perSession; s++) {
      const session = connect(origin, { rejectUnauthorized: false });
      closers.push(() => session.destroy());
      for (let i = 0; i < perSession; i++) {
        const counter = frameCounter();
        counters.push(counter);
        const stream = session.request({
          ':path': '/sse/broadcast',
          accept: 'text/event-stream',
        });
        stream.on('data', (c) => counter.feed(c));
        stream.on('error', () => undefined);
        opened.push(new Promise((resolve) => stream.once('response', resolve)));
      }
      if (s % 100 === 99) await Promise.all(opened);
    }
  }
  await Promise.all(opened);
  return { counters, close: () => closers.forEach((close) => close()) };
}

function publisher(origin) {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 1,
    rejectUnauthorized: false,
  });
  const body = JSON.stringify({
    event: 'bench',
    data: { pad: 'x'.repeat(80) },
  });
  return () =>
    new Promise((resolve, reject) => {
      const req = request(
        `${origin}/api/broadcast`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 202
              ? resolve()
              : reject(new Error(`publish ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

async function until(condition, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

async function run(mode) {
  const env = {
    HTTPS_CERT: tls.certPath,
    HTTPS_KEY: tls.keyPath,
    SSE_KEEPALIVE_SECONDS: '0',
  };
  // A busy machine may take its time to start the server.
  const server = await startServer('library-fastify', {
    env,
    startTimeoutMs: 180_000,
  });
  const origin = server.baseUrl.replace('http:', 'https:');
  try {
    const publish = publisher(origin);
    for (let i = 0; i < 20; i++) await publish(); // warm the publish path
    await sleep(500);
    const rssBefore = memoryKb(server.pid).rss;
    const { counters, close } = await openStreams(origin, mode);
    await until(
      () => counters.every((c) => c.frames >= 1),
      60_000,
      'connected events',
    );
    await sleep(1000);
    const rssOpen = memoryKb(server.pid).rss;
    const cpuBefore = cpuMs(server.pid);
    for (let i = 0; i < BROADCASTS; i++) await publish();
    await until(
      () => counters.every((c) => c.frames >= 1 + BROADCASTS),
      120_000,
      'every delivery',
    );
    const cpu = cpuMs(server.pid) - cpuBefore;
    close();
    return {
      mode,
      kbPerStream: (rssOpen - rssBefore) / STREAMS,
      cpuUsPerDelivery: (cpu * 1000) / (STREAMS * BROADCASTS),
    };
  } finally {
    await server.stop();
  }
}

const results = Object.fromEntries(MODES.map((m) => [m, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of MODES) {
    const result = await run(mode);
    results[mode].push(result);
    console.log(JSON.stringify({ round, ...result }));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `\n${STREAMS} streams, ${BROADCASTS} broadcasts of ~100 B, medians of ${ROUNDS}:`,
);
console.log(
  '| mode | server RSS per stream (KiB) | server CPU per delivery (µs) |',
);
console.log('| --- | --- | --- |');
for (const mode of MODES) {
  const rs = results[mode];
  console.log(
    `| ${mode} | ${median(rs.map((r) => r.kbPerStream)).toFixed(1)} | ${median(rs.map((r) => r.cpuUsPerDelivery)).toFixed(2)} |`,
  );
}
tls.remove();
