// A demo server in its own process, for the scenarios that measure it (RSS,
// heap, handles, exit time) or signal it: started by `startChildDemo()`,
// configured by RELIABILITY_DEMO_CONFIG (JSON), controlled over IPC.
import type { Server } from 'node:http';
import { createDemoApp } from '../../../demo/demo.app.js';
import type { DemoConfig } from '../../../demo/demo-config.js';
import { BroadcastService, SseStreams } from '../../../src/index.js';
import { testDemoConfig } from '../../helpers/demo-server.js';
import type { ChildReport } from './child-demo.js';

const config = testDemoConfig(
  JSON.parse(
    process.env.RELIABILITY_DEMO_CONFIG ?? '{}',
  ) as Partial<DemoConfig>,
);

const warnings: string[] = [];
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));

const app = await createDemoApp(config);
await app.listen(0, '127.0.0.1');
const server = app.getHttpServer() as Server;
const broadcast = app.get(BroadcastService);
const streams = app.get(SseStreams);

const gc = (globalThis as { gc?: () => void }).gc;

function report(collect: boolean): ChildReport {
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
