#!/usr/bin/env node
// `npm run check:package`: packs the package as `npm publish` would (prepack
// builds lib/ clean), then checks the tarball: only what ships is in it, and
// publint and @arethetypeswrong/cli find nothing wrong.
//
// attw runs with `--ignore-rules cjs-resolves-to-esm`: the package is ESM
// only, and CommonJS apps load it through require(esm) (Node >= 20.19, which
// `engines` demands), as test/consumer/ proves with a CommonJS Nest app. attw
// still reports any other problem of the CommonJS column (missing types, a
// wrong export).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const destination = mkdtempSync(join(tmpdir(), 'sse-pack-'));

function run(command, args) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? '');
    console.error(`${command} ${args.join(' ')} failed`);
    rmSync(destination, { recursive: true, force: true });
    process.exit(1);
  }
  return result.stdout;
}

try {
  const [packed] = JSON.parse(
    run('npm', ['pack', '--json', '--pack-destination', destination]),
  );
  const tarball = join(destination, packed.filename);
  const outside = packed.files
    .map((file) => file.path)
    .filter(
      (path) =>
        !/^lib\/.+\.(js|d\.ts|js\.map)$/.test(path) &&
        !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(
          path,
        ),
    );
  const specs = packed.files.filter((file) => /spec/.test(file.path));
  if (outside.length || specs.length) {
    console.error('The tarball holds files that should not ship:');
    for (const file of [...outside, ...specs.map((f) => f.path)])
      console.error(`  ${file}`);
    process.exit(1);
  }
  console.log(
    `${packed.filename}: ${statSync(tarball).size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.entryCount} files`,
  );
  process.stdout.write(run('npx', ['publint', '--strict', tarball]));
  process.stdout.write(
    run('npx', [
      'attw',
      tarball,
      '--ignore-rules',
      'cjs-resolves-to-esm',
      '--format',
      'table-flipped',
      '--no-color',
    ]),
  );
} finally {
  rmSync(destination, { recursive: true, force: true });
}
