import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const root = new URL('../../', import.meta.url); // build/test/ → package root
const dist = (path: string) => new URL(`dist/${path}`, root);

describe('published builds', () => {
  it('the ESM build loads through the exports map', async () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
    const esm = await import(dist('esm/index.js').href);
    assert.equal(typeof esm.createClient, 'function');
    assert.equal(pkg.exports['.'].import.default, './dist/esm/index.js');
    assert.equal(pkg.exports['.'].import.types, './dist/esm/index.d.ts');
    readFileSync(dist('esm/index.d.ts'));
  });

  it('the CJS build loads with require', () => {
    const require = createRequire(import.meta.url);
    const cjs = require(dist('cjs/index.js').pathname);
    assert.equal(typeof cjs.createClient, 'function');
    assert.equal(typeof cjs.IngestError, 'function');
    assert.equal(JSON.parse(readFileSync(dist('cjs/package.json'), 'utf8')).type, 'commonjs');
    readFileSync(dist('cjs/index.d.ts'));
  });

  it('no build imports anything from Node (the browser uses the same files)', () => {
    for (const flavour of ['esm', 'cjs']) {
      for (const file of readdirSync(dist(flavour)).filter((f) => f.endsWith('.js'))) {
        const text = readFileSync(dist(`${flavour}/${file}`), 'utf8');
        const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)["']([^"']+)["']/g)].map((m) => m[1]);
        for (const s of specifiers) assert.ok(s.startsWith('./'), `${flavour}/${file} imports ${s}`);
        assert.doesNotMatch(text, /\bBuffer\b|node:/, `${flavour}/${file} uses a Node-only API`);
      }
    }
  });
});
