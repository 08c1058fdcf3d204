// What a user-addressed publish costs as the number of other connected
// streams grows: it should visit that user's streams only (an index per
// user), not every stream. The demo (in-memory, Express) with JWT_SECRET;
// N streams of N other users, one each, opened with `?access_token=`; the
// user `alice` with 2 streams. Then, sequentially over one keep-alive
// connection, `userPublishes` POSTs to `{ user: 'alice' }` and, for
// contrast, `broadcasts` POSTs to everyone. Server CPU from /proc, per
// publish. Needs the build (`npm run build`); loopback only, bounded.
//
//   node bench/user-publish.mjs '{"connected":[1000,10000],"userPublishes":2000,"broadcasts":100}'
//
// prints one JSON object. 10,000 streams need `ulimit -n` above 10,000 in
// this process (the server raises its own).
import { JwtService } from '@nestjs/jwt';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { round } from './load-generator.mjs';
import { cpuMs } from './proc-stats.mjs';
import { startServer } from './servers/index.mjs';

const DEFAULTS = {
  connected: [1000, 10_000],
  userPublishes: 2000,
  broadcasts: 100,
  warmup: 200,
  batchSize: 250,
};
const SECRET = 'user-publish-bench-secret';
const jwt = new JwtService({ secret: SECRET });
const PUBLISH_TOKEN = jwt.sign({ publish: ['*'] });
const DM_MARKER = 'event: dm\n';

/** A stream over a bare socket: counts its bytes and the events of `alice`. */
function openStream(port, token) {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const stream = { socket, bytes: 0, events: 0, opened: false, tail: '' };
    socket.on('connect', () =>
      socket.write(
        `GET /sse/broadcast?access_token=${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`,
      ),
    );
    socket.on('data', (chunk) => {
      stream.bytes += chunk.length;
      const text = chunk.latin1Slice();
      if (!stream.opened) {
        if (!text.startsWith('HTTP/1.1 200')) {
          reject(new Error(`stream refused: ${text.slice(0, 40)}`));
          return socket.destroy();
        }
        stream.opened = true;
        resolve(stream);
      }
      // A chunk may end inside the marker: keep its end for the next one.
      const seen = stream.tail + text;
      stream.events += seen.split(DM_MARKER).length - 1;
      stream.tail = seen.slice(-(DM_MARKER.length - 1));
    });
    socket.on('error', reject);
  });
}

/** POSTs `body` to /api/broadcast and resolves with the answer's JSON. */
function post(port, agent, body) {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(
      {
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/api/broadcast',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          authorization: `Bearer ${PUBLISH_TOKEN}`,
        },
      },
      (res) => {
        let answer = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (answer += c));
        res.on('end', () =>
          res.statusCode === 202
            ? resolve(JSON.parse(answer))
            : reject(new Error(`${res.statusCode}: ${answer}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** Server CPU ms per publish over `count` sequential publishes of `body`. */
async function cpuPerPublish(server, port, agent, body, count) {
  const before = cpuMs(server.pid);
  const started = performance.now();
  for (let n = 0; n < count; n++) await post(port, agent, body);
  const wallMs = performance.now() - started;
  return {
    cpuMsPerPublish: round((cpuMs(server.pid) - before) / count, 3),
    publishesPerSec: Math.round((count / wallMs) * 1000),
  };
}

async function measure(connected, options) {
  const server = await startServer('library', {
    env: { JWT_SECRET: SECRET, SSE_KEEPALIVE_SECONDS: '0' },
  });
  const port = Number(new URL(server.baseUrl).port);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const others = [];
  try {
    for (let n = 0; n < connected; n += options.batchSize) {
      const batch = [];
      for (let i = n; i < Math.min(connected, n + options.batchSize); i++) {
        batch.push(openStream(port, jwt.sign({ sub: `user-${i}` })));
      }
      others.push(...(await Promise.all(batch)));
    }
    const alice = [
      await openStream(port, jwt.sign({ sub: 'alice' })),
      await openStream(port, jwt.sign({ sub: 'alice' })),
    ];
    const dm = { event: 'dm', data: { text: 'hello alice' }, user: 'alice' };
    // Warm-up: the publish path runs optimized before it is measured.
    for (let n = 0; n < options.warmup; n++) await post(port, agent, dm);
    const user = await cpuPerPublish(
      server,
      port,
      agent,
      dm,
      options.userPublishes,
    );
    const everyone = await cpuPerPublish(
      server,
      port,
      agent,
      { event: 'all', data: { text: 'hello everyone' } },
      options.broadcasts,
    );
    const expected = options.warmup + options.userPublishes;
    await new Promise((r) => setTimeout(r, 200));
    const othersGotDm = others.some((s) => s.events > 0);
    return {
      connected: connected + alice.length,
      otherUsers: connected,
      userPublish: user,
      broadcastToAll: everyone,
      aliceReceivedEach: alice.map((s) => s.events),
      aliceExpected: expected,
      othersReceivedDm: othersGotDm,
    };
  } finally {
    for (const stream of others) stream.socket.destroy();
    agent.destroy();
    await server.stop();
  }
}

export async function runUserPublish(overrides = {}) {
  const options = { ...DEFAULTS, ...overrides };
  const runs = [];
  for (const connected of options.connected) {
    runs.push(await measure(connected, options));
  }
  return { scenario: 'user-publish', options, runs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runUserPublish(JSON.parse(process.argv[2] ?? '{}'));
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.exit(0);
}
