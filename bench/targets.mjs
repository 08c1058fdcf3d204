// What a bench run points the load generator at: one server process, or
// several (instances sharing a transport). Each target starts what it needs
// and says where clients connect, where to publish and which processes to
// measure. A multi-instance scenario is one more entry here.
import { SERVERS, startServer } from './servers/index.mjs';

/** A target made of one server of `servers/index.mjs`. */
export function singleServer(name) {
  return {
    label: SERVERS[name].label,
    async start() {
      const server = await startServer(name);
      return {
        streamUrls: [`${server.baseUrl}/sse/broadcast`],
        publishUrl: `${server.baseUrl}/api/broadcast`,
        pids: [server.pid],
        stop: () => server.stop(),
      };
    },
  };
}

/** Every target, by the name results and `--targets` use. */
export const TARGETS = {
  raw: singleServer('raw'),
  library: singleServer('library'),
  'library-fastify': singleServer('library-fastify'),
  textbook: singleServer('textbook'),
  'express-floor': singleServer('express-floor'),
  'fastify-floor': singleServer('fastify-floor'),
};

/**
 * Run by `npm run bench` unless `--targets` says otherwise. The bare Express
 * and Fastify servers show what the platform itself costs.
 */
export const DEFAULT_TARGETS = [
  'raw',
  'library',
  'library-fastify',
  'textbook',
  'express-floor',
  'fastify-floor',
];

/** Run by `npm run bench -- --quick`. */
export const QUICK_TARGETS = ['raw', 'library', 'library-fastify', 'textbook'];
