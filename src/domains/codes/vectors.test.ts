import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as V from './vectors.test-data.ts';

// shared/ sits beside the repository (locally and in CI); the copies must match it when it is there.
const shared = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const files: Record<string, string[]> = {
  'uscc_invalid.txt': V.USCC_INVALID,
  'uscc_float_mangled.txt': V.USCC_FLOAT_MANGLED,
  'ric_valid.txt': V.RIC_VALID,
  'ric_invalid.txt': V.RIC_INVALID,
  'ric15_valid.txt': V.RIC15_VALID,
  'ric15_invalid.txt': V.RIC15_INVALID,
};

for (const [file, copy] of Object.entries(files)) {
  // In a checkout without shared/ beside it, only the shipped copy is checked.
  test(`vector copy matches shared/data/${file}`, () => {
    assert.ok(copy.length > 0);
    if (!existsSync(shared + file)) return;
    const lines = readFileSync(shared + file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
    assert.deepEqual(copy, lines);
  });
}
