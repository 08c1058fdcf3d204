// What the Redis backplane costs: the same load against the library on one
// in-memory instance, then against two instances sharing one redis-server
// (clients split between them, every broadcast POSTed to the first). CPU
// counts every process of a scenario (both instances and redis-server).
// Needs the build (`npm run build`) and redis-server.
//
//   node bench/redis-backplane.mjs '{"clients":1000,"broadcasts":200,"rate":50}'
//
// prints one JSON object: both runs and the ratios Redis / in-memory.
import { fileURLToPath } from 'node:url';
import { runLoad } from './load-generator.mjs';
import { TARGETS } from './targets.mjs';

const ratio = (redis, memory) =>
  redis === null || !memory ? null : Number((redis / memory).toFixed(2));

/** Starts a target of `targets.mjs`, runs the load against it, stops it. */
async function measure(target, options) {
  const running = await target.start();
  try {
    return await runLoad({
      ...options,
      streamUrls: running.streamUrls,
      publishUrl: running.publishUrl,
      serverPids: running.pids,
    });
  } finally {
    await running.stop();
  }
}

/** Runs both scenarios with the same load options (see load-generator.mjs). */
export async function runRedisBackplane(options = {}) {
  const inMemory = await measure(TARGETS.library, options);
  const twoInstances = await measure(TARGETS['redis-pair'], options);

  return {
    scenario: 'redis-backplane',
    inMemory: { servers: 'one instance, in-memory', ...inMemory },
    redis: {
      servers: 'two instances + redis-server, clients split',
      ...twoInstances,
    },
    ratio: {
      cpuMsPer1000: ratio(twoInstances.cpuMsPer1000, inMemory.cpuMsPer1000),
      latencyP50: ratio(twoInstances.latencyMs.p50, inMemory.latencyMs.p50),
      latencyP99: ratio(twoInstances.latencyMs.p99, inMemory.latencyMs.p99),
      deliveriesPerSec: ratio(
        twoInstances.deliveriesPerSec,
        inMemory.deliveriesPerSec,
      ),
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runRedisBackplane(JSON.parse(process.argv[2] ?? '{}'));
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.exit(0);
}
