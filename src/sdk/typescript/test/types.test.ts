// The type tests: test/types/accept.ts must compile, test/types/reject.ts must not, failing with exactly
// the error codes its `// expect TSnnnn` marks name on the line after each mark.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function check(name: string) {
  const r = spawnSync(process.execPath, [tsc, '-p', `test/types/tsconfig.${name}.json`, '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
  const errors = [...r.stdout.matchAll(/^test\/types\/[\w.]+\((\d+),\d+\): error (TS\d+)/gm)].map((m) => ({ line: Number(m[1]), code: m[2] }));
  return { status: r.status, output: r.stdout + r.stderr, errors };
}

describe('type safety from the event map', () => {
  it('accept.ts compiles', () => {
    const r = check('accept');
    assert.equal(r.status, 0, r.output);
  });

  it('reject.ts fails with the expected error on each marked line', () => {
    const r = check('reject');
    assert.notEqual(r.status, 0, 'tsc accepted reject.ts');
    const expected = readFileSync(new URL('reject.ts', new URL('test/types/', `file://${root}/`)), 'utf8')
      .split('\n')
      .flatMap((text, i) => {
        const m = /\/\/ expect (TS\d+)/.exec(text);
        return m ? [{ line: i + 2, code: m[1] }] : [];
      });
    assert.ok(expected.length >= 8, 'reject.ts has its marks');
    assert.deepEqual(r.errors, expected, r.output);
  });
});
