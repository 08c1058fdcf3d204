// Cluster targets of the scale curve: n worker processes behind Node's
// `cluster` on one port, over a redis-server of the bench's own.
//   library-cluster  the demo itself with WORKERS=n (`node dist/demo/main.js`)
//   raw-cluster      n plain node:http workers fed by one Redis channel
// CPU and memory count every process: primary, workers and redis-server.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../dist/test/support/free-port.js';
import { RedisServer } from '../../dist/test/support/redis-server.js';
import { spawnWithFdLimit, stopProcess } from '../servers/index.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/** The PIDs of `pid`'s children (its cluster workers). */
function childrenOf(pid) {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
}

/** Spawns a cluster primary and resolves once `ready` matches its output. */
function startPrimary(script, env, ready, workers) {
  const child = spawnWithFdLimit(process.execPath, [script], {
    env: { ...process.env, DEMO_LOG: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopProcess(child);
      reject(new Error(`${script} did not start ${workers} workers in 60 s`));
    }, 60_000);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      out += text;
      if (!ready.test(out)) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve(child);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`${script} exited (${code}) before it listened:\n${out}`),
      );
    });
  });
}

/** A target of `workers` processes of `script` behind one port, on its own Redis. */
function clusterTarget(label, script, ready) {
  return (workers) => ({
    label: `${label}, ${workers} workers`,
    async start() {
      const redis = await RedisServer.start();
      const port = await freePort();
      let primary;
      try {
        primary = await startPrimary(
          script,
          {
            WORKERS: String(workers),
            REDIS_URL: redis.url,
            REDIS_KEY_PREFIX: 'bench:',
            PORT: String(port),
            HOST: '127.0.0.1',
          },
          ready,
          workers,
        );
      } catch (err) {
        await redis.stop();
        throw err;
      }
      const base = `http://127.0.0.1:${port}`;
      const workerPids = childrenOf(primary.pid);
      return {
        streamUrls: [`${base}/sse/broadcast`],
        publishUrl: `${base}/api/broadcast`,
        pids: [primary.pid, ...workerPids, redis.pid],
        /** The workers alone (those that hold the streams). */
        workerPids,
        stop: async () => {
          await stopProcess(primary);
          await redis.stop();
        },
        /** Crash and restart (empty, same port) the redis-server. */
        redis: {
          kill: () => redis.stop(),
          restart: () => redis.restart(),
        },
      };
    },
  });
}

/** The demo's own cluster mode (`WORKERS=n`), Express. */
export const libraryCluster = clusterTarget(
  'this library (demo, WORKERS=n over Redis)',
  here('../../dist/demo/main.js'),
  /workers listening/,
);

/** Plain node:http workers on one Redis channel. */
export const rawCluster = clusterTarget(
  'raw node:http behind cluster, one Redis channel',
  here('../servers/raw-cluster.server.mjs'),
  /READY \d+/,
);
