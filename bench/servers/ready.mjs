// Every bench server prints one line, `READY <port>`, once it listens: the
// launcher (servers/index.mjs) waits for it. SIGTERM exits at once.
// With BENCH_PROFILE=<file>, SIGWINCH starts the V8 CPU profiler and the next
// SIGWINCH writes the profile there (bench/profile-connect.mjs): a window
// around one phase, without the startup.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** Announces the port of a listening node:http server to the launcher. */
export function announceReady(server) {
  if (process.env.BENCH_PROFILE) profileOnSignal(process.env.BENCH_PROFILE);
  process.stdout.write(`READY ${server.address().port}\n`);
  process.once('SIGTERM', () => process.exit(0));
}

function profileOnSignal(file) {
  const session = new Session();
  session.connect();
  // BENCH_PROFILE_ALLOCATIONS=1: where memory is allocated (every sampled
  // allocation, including what the next GC frees), not where time goes.
  const allocations = process.env.BENCH_PROFILE_ALLOCATIONS === '1';
  let running = false;
  process.on('SIGWINCH', async () => {
    if (!running) {
      running = true;
      if (allocations) {
        await session.post('HeapProfiler.enable');
        await session.post('HeapProfiler.startSampling', {
          samplingInterval: 256,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
      } else {
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 100 });
        await session.post('Profiler.start');
      }
      process.stdout.write('PROFILING\n');
      return;
    }
    running = false;
    const { profile } = await session.post(
      allocations ? 'HeapProfiler.stopSampling' : 'Profiler.stop',
    );
    writeFileSync(file, JSON.stringify(profile));
    process.stdout.write('PROFILED\n');
  });
}
