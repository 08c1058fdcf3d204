// Where a server's CPU goes while N clients connect: starts a bench server
// (servers/index.mjs) with BENCH_PROFILE, opens and closes warm-up clients,
// profiles the connect of N clients only, and prints the heaviest functions
// (self time) and the time under each layer (node:http, Express, Nest, the
// library). The .cpuprofile opens in Chrome DevTools or speedscope as a
// flame graph. With --allocations, what is allocated per connect instead
// (V8's sampling heap profiler, what the next GC frees included): bytes per
// layer and the functions that allocate most (a .heapprofile, for DevTools).
//
// The CPU profile samples wall time: a server descheduled in a socket write
// (the kernel woke the client) is charged to that write. Server CPU per
// connect, on the first line, is the CPU the process used (/proc).
//
//   node bench/profile-connect.mjs library 10000 [out.cpuprofile]
//   node bench/profile-connect.mjs library 10000 --allocations [out.heapprofile]
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientPool } from './client-pool.mjs';
import { now } from './load-generator.mjs';
import { cpuMs } from './proc-stats.mjs';
import { startServer } from './servers/index.mjs';

const allocations = process.argv.includes('--allocations');
const [name = 'library', count = '10000', out] = process.argv
  .slice(2)
  .filter((arg) => arg !== '--allocations');
const clients = Number(count);
const file =
  out ??
  `/tmp/connect-${name}-${process.pid}.${allocations ? 'heapprofile' : 'cpuprofile'}`;

/** The layer a script belongs to, by its URL. */
const layerOf = (url) =>
  url.includes('/dist/src/')
    ? 'library (dist/src)'
    : url.includes('@nestjs/')
      ? 'Nest'
      : /node_modules\/(express|router|body-parser|finalhandler|send|serve-static|on-finished|path-to-regexp)/.test(
            url,
          )
        ? 'Express'
        : url.includes('node_modules/rxjs')
          ? 'rxjs'
          : url.includes('/dist/demo/')
            ? 'demo app'
            : url.startsWith('node:')
              ? 'node core'
              : url === ''
                ? 'native / GC / idle'
                : 'other';

/** A function's name and place, shortened. */
const functionKey = (f) => {
  const where = f.url
    .replace(/^.*node_modules\//, '')
    .replace(/^file:\/\/.*\/(dist|bench)\//, '$1/');
  return `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}`;
};

/**
 * Bytes allocated per layer and per function (self) of a sampling heap
 * profile; a native frame (url '') is charged to its JS caller's layer.
 */
export function summarizeAllocations(profile) {
  const byLayer = new Map();
  const byFunction = new Map();
  let total = 0;
  const add = (map, key, bytes) => map.set(key, (map.get(key) ?? 0) + bytes);
  const walk = (node, callerLayer) => {
    const own = layerOf(node.callFrame.url);
    const layer =
      own === 'native / GC / idle' && callerLayer ? callerLayer : own;
    total += node.selfSize;
    add(byLayer, layer, node.selfSize);
    add(byFunction, functionKey(node.callFrame), node.selfSize);
    for (const child of node.children) walk(child, layer);
  };
  walk(profile.head);
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { total, layers: top(byLayer, 12), functions: top(byFunction, 30) };
}

/** Self and total time per function of a V8 CPU profile, in ms. */
export function summarizeProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes)
    for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  const key = (n) => functionKey(n.callFrame);
  const selfByFn = new Map();
  const totalByFn = new Map();
  const layer = new Map();
  // Self time by layer, a native frame (url '') charged to the JS frame
  // that called it: writev under the library's write counts as the library's.
  const ownLayer = new Map();
  const chargedLayer = (id) => {
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at).callFrame.url;
      if (url !== '') return layerOf(url);
    }
    return layerOf('');
  };
  let sampled = 0;
  for (const [id, ms] of self) {
    const named = byId.get(id).callFrame.functionName;
    const l =
      named === '(idle)'
        ? 'idle'
        : named === '(garbage collector)'
          ? 'GC'
          : chargedLayer(id);
    ownLayer.set(l, (ownLayer.get(l) ?? 0) + ms);
    const n = byId.get(id);
    sampled += ms;
    selfByFn.set(key(n), (selfByFn.get(key(n)) ?? 0) + ms);
    const seen = new Set();
    // Charge every distinct function and layer on the stack once.
    let layerSeen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      const k = key(frame);
      if (!seen.has(k)) {
        seen.add(k);
        totalByFn.set(k, (totalByFn.get(k) ?? 0) + ms);
      }
      const l = layerOf(frame.callFrame.url);
      if (!layerSeen.has(l)) {
        layerSeen.add(l);
        layer.set(l, (layer.get(l) ?? 0) + ms);
      }
    }
  }
  const top = (map, count) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, count);
  return {
    sampled,
    self: top(selfByFn, 25),
    total: top(totalByFn, 40),
    layers: top(layer, 12),
    ownLayers: top(ownLayer, 12),
  };
}

async function signalAndWait(server, child, text) {
  process.kill(server.pid, 'SIGWINCH');
  await new Promise((resolve) => {
    const onData = (chunk) => {
      if (String(chunk).includes(text)) {
        child.off('data', onData);
        resolve();
      }
    };
    child.on('data', onData);
  });
}

if (process.argv[2] === '--summarize') {
  // node bench/profile-connect.mjs --summarize <file.cpuprofile> <connects>
  const summary = summarizeProfile(
    JSON.parse(readFileSync(process.argv[3], 'utf8')),
  );
  const per = Number(process.argv[4] ?? 1);
  for (const [l, v] of summary.ownLayers)
    console.log(`  ${(v / per).toFixed(4)}  ${l}`);
  process.exit(0);
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const server = await startServer(name, {
    env: {
      BENCH_PROFILE: file,
      BENCH_PROFILE_ALLOCATIONS: allocations ? '1' : '',
    },
  });
  const stdout = server.stdout;
  const url = [`${server.baseUrl}/sse/broadcast`];
  try {
    const warm = new ClientPool({
      clients: 1000,
      expectedEvents: 0,
      measureFrom: 0,
      now,
    });
    await warm.connect(url, 250);
    warm.close();
    await sleep(1000);
    await signalAndWait(server, stdout, 'PROFILING');
    const cpuBefore = cpuMs(server.pid);
    const pool = new ClientPool({
      clients,
      expectedEvents: 0,
      measureFrom: 0,
      now,
    });
    const ms = await pool.connect(url, 250);
    const cpu = cpuMs(server.pid) - cpuBefore;
    await signalAndWait(server, stdout, 'PROFILED');
    pool.close();
    if (allocations) {
      const summary = summarizeAllocations(
        JSON.parse(readFileSync(file, 'utf8')),
      );
      const perConnect = (bytes) =>
        `${Math.round(bytes / clients)}`.padStart(7);
      console.log(
        `${name}: ${clients} connects, ${perConnect(summary.total).trim()} bytes allocated per connect (sampled every 256 bytes; freed or not)\nprofile: ${file}\n\nBytes per connect, by layer:`,
      );
      for (const [l, v] of summary.layers)
        console.log(`${perConnect(v)}  ${l}`);
      console.log('\nBy function (self):');
      for (const [f, v] of summary.functions)
        console.log(`${perConnect(v)}  ${f}`);
    } else {
      const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')));
      const perConnect = (v) => (v / clients).toFixed(4);
      console.log(
        `${name}: ${clients} connects in ${Math.round(ms)} ms, server CPU ${cpu} ms = ${perConnect(cpu)} ms/connect (profiled ${Math.round(summary.sampled)} ms, with the profiler's overhead); errors ${pool.connectErrors}`,
      );
      console.log(
        `profile: ${file}\n\nTime under each layer (ms per connect; a frame counts once per sample):`,
      );
      for (const [l, v] of summary.layers)
        console.log(`  ${perConnect(v)}  ${l}`);
      console.log('\nSelf time (ms per connect):');
      for (const [f, v] of summary.self)
        console.log(`  ${perConnect(v)}  ${f}`);
      console.log('\nTotal time (ms per connect):');
      for (const [f, v] of summary.total)
        console.log(`  ${perConnect(v)}  ${f}`);
    }
  } finally {
    await server.stop();
  }
}
