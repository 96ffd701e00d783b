import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as V from './vectors.test-data.ts';

// The reference vectors live in the repository (test/fixtures/ingest/reference, see its README); the copies
// in vectors.test-data.ts must equal them. A missing file is a failure, never a skip.
const reference = fileURLToPath(new URL('../../../test/fixtures/ingest/reference/', import.meta.url));
const files: Record<string, string[]> = {
  'uscc_invalid.txt': V.USCC_INVALID,
  'uscc_float_mangled.txt': V.USCC_FLOAT_MANGLED,
  'ric_valid.txt': V.RIC_VALID,
  'ric_invalid.txt': V.RIC_INVALID,
  'ric15_valid.txt': V.RIC15_VALID,
  'ric15_invalid.txt': V.RIC15_INVALID,
};

for (const [file, copy] of Object.entries(files)) {
  test(`vector copy matches test/fixtures/ingest/reference/${file}`, () => {
    assert.ok(copy.length > 0);
    assert.ok(existsSync(reference + file), `reference file missing: test/fixtures/ingest/reference/${file}`);
    const lines = readFileSync(reference + file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
    assert.deepEqual(copy, lines);
  });
}
