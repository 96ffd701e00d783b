// Table ownership (issue 12 §2): monitoring and assessment read collection, registry and catalogue data
// only through the owners' exported functions (ingest/stats.ts, subjects/stats.ts, catalog/index.ts),
// never by naming the owners' tables in their own SQL. A source scan, so a new query fails here first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
// Tables owned by ingest, subjects and catalog (ARCHITECTURE.md table ownership).
const FOREIGN = ['ingest_batches', 'ingest_rejects', 'records', 'record_versions', 'subjects', 'subject_identifiers', 'subject_names', 'catalog_versions'];
const names = FOREIGN.join('|');
// Raw SQL names tables after FROM / JOIN / INTO / UPDATE (upper case, as the code writes SQL); Kysely by string.
const RAW = new RegExp(`\\b(?:FROM|JOIN|INTO|UPDATE)\\s+(${names})\\b`, 'g');
const KYSELY = new RegExp(`\\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin)\\(\\s*'(${names})(?:\\s+as\\s+\\w+)?'`, 'g');
// Importing another domain's repository reaches its tables too.
const REPOSITORY = /from '\.\.\/(ingest|subjects|catalog)\/[\w.]+\.repository\.ts'/g;

function sources(domain: string): string[] {
  return readdirSync(join(ROOT, domain))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(domain, f));
}

/** Every place a source file of the domain names a foreign table or repository. */
function reaches(domain: string): string[] {
  return sources(domain).flatMap((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    return [...text.matchAll(RAW), ...text.matchAll(KYSELY), ...text.matchAll(REPOSITORY)].map((m) => `${file}: ${m[0]}`);
  });
}

test('the scan finds a foreign table in SQL text (the check can fail)', () => {
  assert.deepEqual([...'SELECT 1 FROM ingest_batches b JOIN records r'.matchAll(RAW)].map((m) => m[1]), ['ingest_batches', 'records']);
  assert.deepEqual([..."db.selectFrom('record_versions as v')".matchAll(KYSELY)].map((m) => m[1]), ['record_versions']);
});

for (const domain of ['monitoring', 'assessment']) {
  test(`${domain} names no table of ingest, subjects or catalog and imports no repository of theirs`, () => {
    assert.deepEqual(reaches(domain), []);
  });
}
