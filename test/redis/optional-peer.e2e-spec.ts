import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const dist = (path: string) =>
  fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** Imports `path` in a fresh Node where resolving `ioredis` throws. */
function importWithoutIoredis(path: string) {
  const hooks = `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      if (specifier === 'ioredis') throw new Error('ioredis is not installed');
      return next(specifier, context);
    }`)}`;
  const register = `data:text/javascript,${encodeURIComponent(
    `import { register } from 'node:module'; register(${JSON.stringify(hooks)});`,
  )}`;
  return spawnSync(
    process.execPath,
    [
      '--import',
      register,
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(dist(path))}); console.log('loaded');`,
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
}

describe('ioredis stays an optional peer', () => {
  it('loads the core without ioredis', () => {
    const run = importWithoutIoredis('src/index.js');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /loaded/);
  });

  it('needs it only for the redis entry point', () => {
    const run = importWithoutIoredis('src/redis/index.js');
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /ioredis is not installed/);
  });
});
