// Test processes never share a data folder (the checkout's ./data): each test file's process has its own
// CITYCREDIT_DATA_DIR (test/helpers/dataDir.ts), the app over a test database writes its uploads and screenings
// there, and the folder is gone when the process ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestApp } from './helpers/app.ts';
import { testDataDir } from './helpers/dataDir.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The data folder another test process gets (it prints it and exits). */
function otherProcessDir(): string {
  const probe = `import { testDataDir } from ${JSON.stringify(join(root, 'test/helpers/dataDir.ts'))}; const d = testDataDir(); console.log(d, process.env.CITYCREDIT_DATA_DIR === d);`;
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { cwd: root, encoding: 'utf8' }).trim();
}

test('the app of a test file writes into the file’s own data folder, not ./data', async () => {
  const t = await createTestApp();
  try {
    assert.equal(t.ctx.config.dataDir, testDataDir());
    assert.notEqual(resolve(t.ctx.config.dataDir), resolve(root, 'data'));
    assert.equal(process.env.CITYCREDIT_DATA_DIR, testDataDir(), 'CLI processes started with process.env get it too');
    // The ingest routes made their uploads folder in it when the app started.
    assert.ok(existsSync(join(testDataDir(), 'uploads')));
  } finally {
    await t.close();
  }
});

test('two test processes get two folders, each removed when its process exits', () => {
  const [a, sameA] = otherProcessDir().split(' ');
  const [b] = otherProcessDir().split(' ');
  assert.equal(sameA, 'true');
  assert.notEqual(a, b);
  assert.notEqual(a, testDataDir());
  assert.equal(existsSync(a), false, 'removed at exit');
  assert.equal(existsSync(b), false, 'removed at exit');
});
