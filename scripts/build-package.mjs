#!/usr/bin/env node
// `npm run build:package` (and `prepack`): compiles only what ships, src/
// without specs, into an emptied lib/, the one folder `files` publishes.
// `npm test` and `npm run build` compile into dist/, which is never packed.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
rmSync(new URL('../lib', import.meta.url), { recursive: true, force: true });
const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.package.json'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(tsc.status ?? 1);
