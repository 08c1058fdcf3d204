// Where a server's CPU goes while N clients connect: starts a bench server
// (servers/index.mjs) with BENCH_PROFILE, opens and closes warm-up clients,
// profiles the connect of N clients only, and prints the heaviest functions
// (self time) and the time under each layer (node:http, Express, Nest, the
// library). The .cpuprofile opens in Chrome DevTools or speedscope as a
// flame graph.
//
//   node bench/profile-connect.mjs library 10000 [out.cpuprofile]
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientPool } from './client-pool.mjs';
import { now } from './load-generator.mjs';
import { cpuMs } from './proc-stats.mjs';
import { startServer } from './servers/index.mjs';

const [name = 'library', count = '10000', out] = process.argv.slice(2);
const clients = Number(count);
const file = out ?? `/tmp/connect-${name}-${process.pid}.cpuprofile`;

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
  const key = (n) => {
    const f = n.callFrame;
    const where = f.url
      .replace(/^.*node_modules\//, '')
      .replace(/^file:\/\/.*\/(dist|bench)\//, '$1/');
    return `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}`;
  };
  const selfByFn = new Map();
  const totalByFn = new Map();
  const layer = new Map();
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
  const server = await startServer(name, { env: { BENCH_PROFILE: file } });
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
    for (const [f, v] of summary.self) console.log(`  ${perConnect(v)}  ${f}`);
    console.log('\nTotal time (ms per connect):');
    for (const [f, v] of summary.total) console.log(`  ${perConnect(v)}  ${f}`);
  } finally {
    await server.stop();
  }
}
