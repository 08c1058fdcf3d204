import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT } from '../support/paths.js';

// Every TypeScript sample of README.md and docs/ is a file of docs/examples/,
// shown verbatim (scripts/doc-samples.mjs checks that), type-checked by the
// build (tsconfig.json includes docs/examples/), and the samples that are
// tests are run here.
const EXAMPLES = join(ROOT, 'docs/examples');
const checker = join(ROOT, 'scripts/doc-samples.mjs');

function check(root: string) {
  return spawnSync(process.execPath, [checker, '--root', root], {
    encoding: 'utf8',
  });
}

describe('code samples of the docs', () => {
  test('every sample in the docs equals its file under docs/examples/', () => {
    const result = check(ROOT);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^\d+ code samples/);
  });

  test('every file of docs/examples/ was compiled by the build', () => {
    const samples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts'));
    assert.ok(samples.length > 10);
    for (const sample of samples) {
      const compiled = join(
        ROOT,
        'dist/docs/examples',
        sample.replace(/\.ts$/, '.js'),
      );
      assert.ok(existsSync(compiled), `${sample} is not compiled by the build`);
    }
  });

  test('the check fails on a sample that differs from its file, or has no file', () => {
    const copy = mkdtempSync(join(tmpdir(), 'doc-samples-'));
    try {
      cpSync(join(ROOT, 'README.md'), join(copy, 'README.md'));
      cpSync(join(ROOT, 'docs'), join(copy, 'docs'), { recursive: true });
      assert.equal(check(copy).status, 0);

      const readme = join(copy, 'README.md');
      const text = readFileSync(readme, 'utf8');
      writeFileSync(
        readme,
        text.replace('keepAliveSeconds: 15 })', 'keepAliveSecs: 15 })'),
      );
      const changed = check(copy);
      assert.equal(changed.status, 1);
      assert.match(
        changed.stderr,
        /README\.md:\d+: differs from docs\/examples\/quick-start\.ts/,
      );

      writeFileSync(
        readme,
        `${text}\n\`\`\`ts\nconst unchecked = 1;\n\`\`\`\n`,
      );
      const unmarked = check(copy);
      assert.equal(unmarked.status, 1);
      assert.match(unmarked.stderr, /a ts sample without/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  test('the samples that are tests pass', () => {
    const tests = readdirSync(EXAMPLES)
      .filter((f) => /\.(e2e-)?test\.ts$/.test(f))
      .map((f) => join(ROOT, 'dist/docs/examples', f.replace(/\.ts$/, '.js')));
    assert.ok(tests.length >= 2);
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        join(ROOT, 'dist/test/package/package-name.register.js'),
        '--test',
        '--test-reporter=tap',
        ...tests,
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
        // A test runner of its own, not a child reporting to this one.
        env: { ...process.env, NODE_TEST_CONTEXT: undefined },
      },
    );
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, new RegExp(`# pass ${tests.length}\\b`));
  });
});

describe('what the docs must keep true', () => {
  test('README.md stays within 15,000 bytes (for someone deciding and starting; the rest is in docs/)', () => {
    const size = statSync(join(ROOT, 'README.md')).size;
    assert.ok(size <= 15_000, `README.md is ${size} bytes`);
  });

  test('test/support/README.md names every helper file of test/support/', () => {
    const guide = readFileSync(join(ROOT, 'test/support/README.md'), 'utf8');
    const helpers = readdirSync(join(ROOT, 'test/support')).filter((f) =>
      f.endsWith('.ts'),
    );
    assert.ok(helpers.length > 15);
    const missing = helpers.filter((f) => !guide.includes(`\`${f}\``));
    assert.deepEqual(missing, [], 'helpers the guide does not list');
  });
});
