import type { ResolveHook } from 'node:module';

// Module hooks for running the docs' samples from dist/: `nestjs-sse-broadcast`
// and its entry points resolve to the compiled src/, as the build's `paths`
// resolve them for type-checking.
const SRC = new URL('../../src/', import.meta.url);
const ENTRY =
  /^nestjs-sse-broadcast(?:\/(redis|swagger|express|client|testing))?$/;

export const resolve: ResolveHook = (specifier, context, nextResolve) => {
  const entry = ENTRY.exec(specifier);
  if (!entry) return nextResolve(specifier, context);
  const path = entry[1] ? `${entry[1]}/index.js` : 'index.js';
  return nextResolve(new URL(path, SRC).href, context);
};
