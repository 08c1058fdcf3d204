// The instrumented demo: a demo server in its own process, for the scenarios
// that measure it (RSS, heap, handles, exit time) or signal it. Started by
// `startDemoProcess({ entry: 'instrumented' })`, configured by
// DEMO_PROCESS_CONFIG (JSON), controlled over IPC.
import type { Server } from 'node:http';
import { createDemoApp } from '../../demo/demo.app.js';
import type { DemoConfig } from '../../demo/demo-config.js';
import { BroadcastService, SseStreams } from '../../src/index.js';
import type { DemoReport } from './demo-process.js';
import { testDemoConfig } from './demo-server.js';

const config = testDemoConfig(
  JSON.parse(process.env.DEMO_PROCESS_CONFIG ?? '{}') as Partial<DemoConfig>,
);

const warnings: string[] = [];
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));

const app = await createDemoApp(config);
await app.listen(0, '127.0.0.1');
const server = app.getHttpServer() as Server;
const broadcast = app.get(BroadcastService);
const streams = app.get(SseStreams);

const gc = (globalThis as { gc?: () => void }).gc;

function report(collect: boolean): DemoReport {
  if (collect && gc) for (let i = 0; i < 3; i++) gc();
  const resources: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) {
    resources[name] = (resources[name] ?? 0) + 1;
  }
  const listeners: Record<string, number> = {};
  for (const name of server.eventNames()) {
    listeners[`server:${String(name)}`] = server.listenerCount(name);
  }
  for (const name of process.eventNames()) {
    listeners[`process:${String(name)}`] = process.listenerCount(name);
  }
  return {
    rss: process.memoryUsage.rss(),
    heapUsed: process.memoryUsage().heapUsed,
    collected: collect && gc !== undefined,
    resources,
    listeners,
    stats: broadcast.stats,
    channels: broadcast.connectedClients.channels,
    streams: streams.stats,
    warnings,
  };
}

process.on('message', (message: { id: number; type: string }) => {
  if (message.type === 'report') {
    process.send!({ id: message.id, report: report(true) });
  } else if (message.type === 'peek') {
    process.send!({ id: message.id, report: report(false) });
  }
});

const { port } = server.address() as { port: number };
process.send!({ ready: `http://127.0.0.1:${port}` });
