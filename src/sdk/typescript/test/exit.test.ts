import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeHost, type FakeHost } from './helpers/server.js';

const run = promisify(execFile);
let host: FakeHost | undefined;
after(() => host?.close());

describe('flush on exit (Node)', () => {
  it('delivers what is queued when the process runs out of work, without flush or close', async () => {
    host = await startFakeHost();
    const child = fileURLToPath(new URL('./fixtures/exit-child.js', import.meta.url));
    const started = Date.now();
    const { stdout } = await run(process.execPath, [child, host.url, 'wk_test_123456'], { timeout: 20_000 });
    assert.equal(host.events().length, 2);
    assert.equal(stdout.trim(), 'delivery delivered\ndelivery delivered');
    // The 60 s batch timer did not hold the process: it is unref'd and beforeExit flushed.
    assert.ok(Date.now() - started < 15_000);
  });
});
