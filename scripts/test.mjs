#!/usr/bin/env node
// `npm test`: builds everything (library, demo, tests), makes sure the real
// components the suite starts are installed (redis-server, chromium), then
// runs every unit spec and e2e spec with Node's test runner.
//
//   npm test                 the whole suite
//   npm test -- unit         unit specs only (src/**/*.spec.ts)
//   npm test -- e2e          e2e specs only (test/**/*.e2e-spec.ts)
//   npm test -- <substring>  spec files whose path contains it (several: any of them)
//   TEST_PLATFORMS=fastify npm test -- e2e   e2e on one platform only
//   (test/package/ runs once, on no platform in particular)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args, opts = {}) =>
  spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });

// Debian keeps nginx and haproxy in /usr/sbin, which a non-root PATH may lack.
const has = (cmd) =>
  spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0 ||
  existsSync(`/usr/sbin/${cmd}`);
let aptUpdated = false;

/**
 * Installs a Debian package the specs need when its command is missing.
 * Required ones end the run when that fails; optional ones (the reverse
 * proxies) leave their specs to skip with a message saying what to install.
 */
function provision(command, debianPackage, { optional = false } = {}) {
  if (has(command)) return;
  const isRoot = process.getuid?.() === 0;
  const fail = (message) => {
    console.error(message);
    if (!optional) process.exit(1);
  };
  if (!isRoot || !has('apt-get')) {
    return fail(
      `The suite needs ${command}: install Debian's ${debianPackage} package (apt-get install -y ${debianPackage}).`,
    );
  }
  console.log(`Installing ${debianPackage} (needed by the suite)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) run('apt-get', ['update', '-qq'], { env });
  aptUpdated = true;
  const result = run('apt-get', ['install', '-y', '-qq', debianPackage], {
    env,
  });
  if (result.status !== 0 || !has(command)) {
    fail(`Could not install ${debianPackage}.`);
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

const filters = process.argv.slice(2);
// A fresh dist/: a spec moved or deleted in the sources must not keep
// running from an old build.
rmSync(join(root, 'dist'), { recursive: true, force: true });
const build = run('npx', ['tsc', '-p', 'tsconfig.json']);
if (build.status !== 0) process.exit(build.status ?? 1);

const unit = specs(join(root, 'dist/src'), '.spec.js');
const e2e = specs(join(root, 'dist/test'), '.e2e-spec.js');
let files = [...unit, ...e2e];
if (filters.length) {
  files = files.filter((f) =>
    filters.some((filter) =>
      filter === 'unit'
        ? unit.includes(f)
        : filter === 'e2e'
          ? e2e.includes(f)
          : f.includes(filter),
    ),
  );
}
if (files.length === 0) {
  console.error(`No spec matches "${filters.join(' ')}".`);
  process.exit(1);
}

const names = files.map((f) => relative(root, f)).join(' ');
if (/redis/.test(names)) provision('redis-server', 'redis-server');
if (/browser/.test(names)) provision('chromium', 'chromium');
if (/reverse-proxies/.test(names)) {
  for (const proxy of ['nginx', 'haproxy', 'caddy']) {
    provision(proxy, proxy, { optional: true });
  }
}

// Unit specs run once; the e2e suite runs once per HTTP platform (the demo
// and createTestApp() in test/support pick it from HTTP_ADAPTER), except the
// specs of the package as published (test/package/: the packed tarball in a
// generated app, the docs' samples), which do not depend on it and run once.
const platforms = (process.env.TEST_PLATFORMS ?? 'express,fastify').split(',');
const passes = [];
const unitFiles = files.filter((f) => unit.includes(f));
const packageDir = join(root, 'dist/test/package/');
const packageFiles = files.filter((f) => f.startsWith(packageDir));
const e2eFiles = files.filter(
  (f) => e2e.includes(f) && !packageFiles.includes(f),
);
if (unitFiles.length)
  passes.push({ title: 'unit specs', files: unitFiles, env: {} });
if (packageFiles.length)
  passes.push({ title: 'package specs', files: packageFiles, env: {} });
for (const platform of e2eFiles.length ? platforms : []) {
  passes.push({
    title: `e2e specs on ${platform}`,
    files: e2eFiles,
    env: { HTTP_ADAPTER: platform },
  });
}

const totals = { passed: 0, failed: 0 };
let failedPasses = 0;
for (const pass of passes) {
  console.log(`\n=== ${pass.title} (${pass.files.length} files) ===`);
  const counts = await runNodeTest(pass.files, pass.env);
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  if (counts.status !== 0) failedPasses++;
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
process.exit(failedPasses || totals.failed ? 1 : 0);

function runNodeTest(specFiles, env) {
  return new Promise((resolve) => {
    // Some specs hold 10,000 streams: raise the open-file limit to the hard one.
    const command = [
      process.execPath,
      '--test',
      '--test-reporter=spec',
      '--test-concurrency=1',
      ...specFiles,
    ]
      .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
      .join(' ');
    const child = spawn(
      'bash',
      ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${command}`],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: {
          ...process.env,
          DEMO_LOG: process.env.DEMO_LOG ?? 'silent',
          ...env,
        },
      },
    );
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-200_000);
    });
    child.on('close', (status) => {
      const count = (name) => {
        const m = new RegExp(`ℹ ${name} (\\d+)`).exec(tail);
        return m ? Number(m[1]) : 0;
      };
      resolve({
        status,
        passed: count('pass'),
        failed: count('fail') + count('cancelled'),
      });
    });
  });
}
