import cluster from 'node:cluster';
import type { DemoConfig } from './demo-config.js';
import { demoConfigFromEnv } from './demo-config.js';

// Only the config is read before anything else loads: a bad variable fails
// at once, and a cluster's primary never loads Nest's HTTP stack.
const config = demoConfigFromEnv();

async function serve(config: DemoConfig) {
  const { Logger } = await import('@nestjs/common');
  const { createDemoApp } = await import('./demo.app.js');
  const worker = cluster.isWorker;
  // A worker's shutdown is driven by its primary (closeWorkerOnShutdown).
  const app = await createDemoApp(config, { shutdownHooks: !worker });
  if (worker) {
    const { closeWorkerOnShutdown, nameWorkerInResponses } =
      await import('./cluster/cluster-worker.js');
    closeWorkerOnShutdown(app);
    nameWorkerInResponses(app);
  }
  await app.listen(config.port, config.host);
  if (!worker) Logger.log(`Demo on ${await app.getUrl()}`, 'Demo');
}

if (cluster.isPrimary && (config.workers ?? 1) > 1) {
  const { runClusterPrimary } = await import('./cluster/cluster-primary.js');
  runClusterPrimary(config);
} else {
  await serve(config);
}
