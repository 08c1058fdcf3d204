#!/usr/bin/env node
// `npm run test:nest11`: runs the suite against the newest Nest 11 (the main
// install has Nest 12). It copies the project (tracked and untracked files,
// not node_modules) into a scratch folder outside the repository, so that no
// module can resolve up into this repository's node_modules, swaps the Nest
// packages in devDependencies for their 11.x line, installs, checks that only
// Nest 11 got installed, then builds and runs `scripts/test.mjs` there.
//
//   npm run test:nest11                 the representative subset below
//   npm run test:nest11 -- <substring>  spec files whose path contains it
//   NEST11_DIR=/some/dir                where the scratch copy goes
//
// The subset and why it represents the suite: CONTRIBUTING.md, "Nest 11".
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The Nest 11 line: what replaces each Nest package of devDependencies. */
export const NEST_11 = {
  '@nestjs/common': '^11.2.10',
  '@nestjs/core': '^11.2.10',
  '@nestjs/platform-express': '^11.2.10',
  '@nestjs/platform-fastify': '^11.2.8',
  '@nestjs/testing': '^11.2.6',
  '@nestjs/swagger': '^11.4.7',
  '@nestjs/jwt': '^11.0.2',
};

/**
 * Every unit spec, and the e2e specs that go through what Nest provides
 * (router, interceptors, guards, pipes, filters, both HTTP adapters,
 * ConfigurableModuleBuilder, @nestjs/swagger, Nest's own @Sse(), shutdown
 * hooks), the packed package in a generated Nest 11 app, and the docs'
 * samples. Left out: load and fuzz
 * runs (they measure the library's own code, which does not change with
 * Nest), the browser specs (Chromium renders the same pages), and
 * test/openapi/openapi.e2e-spec.ts, which lints the demo's OpenAPI 3.2 document:
 * @nestjs/swagger 11 leaves 3.0's `nullable` in it (swagger 12 converts it).
 */
const SUBSET = [
  'unit',
  'test/broadcast/',
  'test/express-adapter/',
  'test/hand-over/',
  'test/nest-sse/',
  'test/openapi/openapi-conformance',
  'test/openapi/readme-feed',
  'test/package/',
  'test/redis/fan-out',
  'test/redis/optional-peer',
  'test/auth/',
  'test/reliability/limits',
  'test/operability/',
  'test/reliability/proxies',
  'test/replay/',
  'test/shutdown/',
  'test/smoke/',
  'test/testing/',
  'test/ticks/',
  'test/typed-client/',
];

const root = new URL('..', import.meta.url).pathname;
const scratch =
  process.env.NEST11_DIR ??
  join(
    tmpdir(),
    `nestjs-sse-broadcast-nest11-${createHash('sha256').update(root).digest('hex').slice(0, 8)}`,
  );

function run(command, args, cwd, capture = false) {
  const result = spawnSync(command, args, {
    cwd,
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
    env: process.env,
  });
  if (result.status !== 0 && !capture) {
    console.error(`${command} ${args.join(' ')} failed in ${cwd}`);
    process.exit(result.status ?? 1);
  }
  return result;
}

// Fresh copy of the sources; node_modules is kept when package.json did not change.
const files = run(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
  root,
  true,
)
  .stdout.split('\0')
  .filter((file) => file && existsSync(join(root, file)));
mkdirSync(scratch, { recursive: true });
for (const entry of readdirSync(scratch)) {
  if (entry !== 'node_modules')
    rmSync(join(scratch, entry), { recursive: true, force: true });
}
for (const file of files) {
  if (file === 'package-lock.json') continue; // resolved for Nest 12
  mkdirSync(dirname(join(scratch, file)), { recursive: true });
  cpSync(join(root, file), join(scratch, file));
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const [name, range] of Object.entries(NEST_11)) {
  if (!manifest.devDependencies[name])
    throw new Error(`${name} is not a devDependency any more: update NEST_11`);
  manifest.devDependencies[name] = range;
}
const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
writeFileSync(join(scratch, 'package.json'), manifestText);

const stamp = join(scratch, 'node_modules', '.nest11-manifest.json');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== manifestText) {
  rmSync(join(scratch, 'node_modules'), { recursive: true, force: true });
  run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--ignore-scripts', // no telemetry postinstalls (@scarf/scarf); nothing the suite needs
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    scratch,
  );
  writeFileSync(stamp, manifestText);
}

// Nothing of Nest 12 may hide anywhere in the tree (a nested copy would be used by whoever requires it).
const tree = JSON.parse(
  run('npm', ['ls', '--all', '--json', ...Object.keys(NEST_11)], scratch, true)
    .stdout,
);
const found = [];
(function walk(dependencies = {}) {
  for (const [name, node] of Object.entries(dependencies)) {
    if (name in NEST_11) found.push(`${name}@${node.version}`);
    walk(node.dependencies);
  }
})(tree.dependencies);
const wrong = found.filter((entry) => !/@11\./.test(entry));
if (found.length === 0 || wrong.length) {
  console.error(`Expected only Nest 11 packages, found: ${found.join(', ')}`);
  process.exit(1);
}
console.log(`Nest 11 in ${scratch}: ${[...new Set(found)].join(', ')}`);

// The consumer spec installs the tarball as published: packed here, built
// against Nest 12's types as `npm publish` would build it.
const packDir = join(scratch, '.pack');
mkdirSync(packDir, { recursive: true });
const [packed] = JSON.parse(
  run('npm', ['pack', '--json', '--pack-destination', packDir], root, true)
    .stdout,
);

const filters = process.argv.slice(2);
process.env.SSE_PACKAGE_TARBALL = join(packDir, packed.filename);
const suite = run(
  process.execPath,
  ['scripts/test.mjs', ...(filters.length ? filters : SUBSET)],
  scratch,
  false,
);
process.exit(suite.status ?? 1);
