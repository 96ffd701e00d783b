// A data folder of this test process's own (CITYCREDIT_DATA_DIR), instead of the checkout's ./data: the app writes
// uploads, screening results and instance secrets there, and test files run in parallel (one process each under
// `node --test`), so a shared folder let one file's clean-up or secret meet another's. Made on first use, set in
// process.env for the CLI processes a test starts with it, and removed when the process exits. `npm start` keeps ./data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | null = null;

/** This test process's data folder (created on first call, removed at exit). */
export function testDataDir(): string {
  if (dir) return dir;
  const made = mkdtempSync(join(tmpdir(), 'citycredit-test-data-'));
  dir = made;
  process.env.CITYCREDIT_DATA_DIR = made;
  process.on('exit', () => rmSync(made, { recursive: true, force: true }));
  return made;
}
