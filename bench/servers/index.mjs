// Starts the bench servers as separate processes. Each one serves
// `GET /sse/broadcast` and `POST /api/broadcast` and prints `READY <port>`.
// Another scenario (e.g. two instances over Redis) adds an entry here.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/** The servers the bench knows, by the name the results use. */
export const SERVERS = {
  raw: { label: 'raw node:http', script: here('./raw.server.mjs') },
  'raw-connected': {
    label: 'raw node:http, with a connected event first',
    script: here('./raw.server.mjs'),
    env: { BENCH_RAW_CONNECTED: '1' },
  },
  library: {
    label: 'this library (demo, Nest @Sse() served by SseModule) on Express',
    script: here('./demo.server.mjs'),
  },
  'library-fastify': {
    label: 'this library (demo, Nest @Sse() served by SseModule) on Fastify',
    script: here('./demo.server.mjs'),
    env: { HTTP_ADAPTER: 'fastify' },
  },
  textbook: {
    label: 'textbook Nest (Subject + @Sse)',
    script: here('./textbook-nest.server.mjs'),
  },
  'express-floor': {
    label: 'bare Express (raw logic)',
    script: here('./express-floor.server.mjs'),
  },
  'fastify-floor': {
    label: 'bare Fastify (raw logic)',
    script: here('./fastify-floor.server.mjs'),
  },
  redis: {
    label: 'this library on Redis (one of several instances; needs REDIS_URL)',
    script: here('./redis-demo.server.mjs'),
  },
};

/**
 * Spawns `node <script>` (or `<wrapper...> node <script>`) under a shell that raises the open-files limit as
 * far as allowed (10,000 clients need 10,000 descriptors), and resolves
 * once it listens.
 */
export function startServer(
  name,
  { env = {}, nodeArgs = [], wrapper = [], startTimeoutMs = 90_000 } = {},
) {
  const server = SERVERS[name];
  if (!server) throw new Error(`Unknown bench server "${name}"`);
  // `wrapper`: a command that runs node, e.g. valgrind and its options.
  const [command, ...args] = [
    ...wrapper,
    process.execPath,
    ...nodeArgs,
    server.script,
  ];
  const child = spawnWithFdLimit(command, args, {
    env: { ...process.env, DEMO_LOG: 'silent', ...server.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${name} server did not start within ${startTimeoutMs} ms`),
      );
    }, startTimeoutMs);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      out += text;
      const match = /READY (\d+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({
        name,
        pid: child.pid,
        /** Its output after READY (the profiler's signals answer there). */
        stdout: child.stdout,
        baseUrl: `http://127.0.0.1:${match[1]}`,
        stop: () => stopProcess(child),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} server exited (${code}) before it listened`));
    });
  });
}

/** `spawn`, through bash so that `ulimit -n` can be raised first. */
export function spawnWithFdLimit(command, args, options) {
  const script =
    'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';
  return spawn('bash', ['-c', script, 'bench', command, ...args], options);
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
export function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
