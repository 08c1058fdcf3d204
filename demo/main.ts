import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import {
  closeWorkerOnShutdown,
  nameWorkerInResponses,
} from './cluster/cluster-worker.js';
import { runClusterPrimary } from './cluster/cluster-primary.js';
import { createDemoApp } from './demo.app.js';
import type { DemoConfig } from './demo-config.js';
import { demoConfigFromEnv } from './demo-config.js';

async function serve(config: DemoConfig) {
  const worker = cluster.isWorker;
  // A worker's shutdown is driven by its primary (closeWorkerOnShutdown).
  const app = await createDemoApp(config, { shutdownHooks: !worker });
  if (worker) {
    closeWorkerOnShutdown(app);
    nameWorkerInResponses(app);
  }
  await app.listen(config.port, config.host);
  if (!worker) Logger.log(`Demo on ${await app.getUrl()}`, 'Demo');
}

const config = demoConfigFromEnv();
if (cluster.isPrimary && (config.workers ?? 1) > 1) runClusterPrimary(config);
else void serve(config);
