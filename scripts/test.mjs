#!/usr/bin/env node
// `npm test`: builds everything (library, demo, tests), makes sure the real
// components the suite starts are installed (redis-server, chromium), then
// runs every unit spec and e2e spec with Node's test runner.
//
//   npm test                 the whole suite
//   npm test -- unit         unit specs only (src/**/*.spec.ts)
//   npm test -- e2e          e2e specs only (test/**/*.e2e-spec.ts)
//   npm test -- <substring>  spec files whose path contains it
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args, opts = {}) =>
  spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function provision(command, debianPackage) {
  if (has(command)) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !has('apt-get')) {
    console.error(
      `The suite needs ${command}: install Debian's ${debianPackage} package (apt-get install -y ${debianPackage}).`,
    );
    process.exit(1);
  }
  console.log(`Installing ${debianPackage} (needed by the suite)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  const result = run('apt-get', ['install', '-y', '-qq', debianPackage], {
    env,
  });
  if (result.status !== 0 || !has(command)) {
    console.error(`Could not install ${debianPackage}.`);
    process.exit(1);
  }
}

function specs(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return specs(path, suffix);
    return path.endsWith(suffix) ? [path] : [];
  });
}

const filter = process.argv[2];
const build = run('npx', ['tsc', '-p', 'tsconfig.json']);
if (build.status !== 0) process.exit(build.status ?? 1);

const unit = specs(join(root, 'dist/src'), '.spec.js');
const e2e = specs(join(root, 'dist/test'), '.e2e-spec.js');
let files = [...unit, ...e2e];
if (filter === 'unit') files = unit;
else if (filter === 'e2e') files = e2e;
else if (filter) files = files.filter((f) => f.includes(filter));
if (files.length === 0) {
  console.error(`No spec matches "${filter ?? ''}".`);
  process.exit(1);
}

const names = files.map((f) => relative(root, f)).join(' ');
if (/redis/.test(names)) provision('redis-server', 'redis-server');
if (/browser/.test(names)) provision('chromium', 'chromium');

const result = run(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  { env: { ...process.env, DEMO_LOG: process.env.DEMO_LOG ?? 'silent' } },
);
process.exit(result.status ?? 1);
