// Search indexing off the receipt path (issue 18), end to end on a real database: an import commits its new
// subjects without their search columns; they are found by exact USCC at once, and by name and 拼音 once the
// `subject-search` job has run (driven here by calling the job's function, never by waiting for time). A crash
// between the commit and the indexing, or in the middle of it, leaves the rest pending for the next run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { AppContext } from '../../platform/http.ts';
import type { ServiceJob } from '../../platform/jobs.ts';
import { openIngestBed, type IngestBed } from '../../../test/helpers/ingestBed.ts';
import { generatePenaltyRows, PENALTY_HEADERS } from '../ingest/fixtures.ts';
import { importRows } from '../ingest/import.service.ts';
import { searchColumns } from './search.ts';
import { subjectsJobs } from './subjects.jobs.ts';
import { backfillSearchColumns, getPublicSubject, searchSubjects, startSearchIndexer } from './subjects.service.ts';

let t: IngestBed;
before(async () => {
  t = await openIngestBed();
});
after(() => t?.close());

const NAME = PENALTY_HEADERS.indexOf('行政相对人名称');
const USCC = PENALTY_HEADERS.indexOf('行政相对人代码_1（统一社会信用代码）');
const CATEGORY = PENALTY_HEADERS.indexOf('行政相对人类别');

/** Imports one penalty row per name (legal persons with a USCC) and returns each name's USCC; the batch commits. */
async function importNames(names: readonly string[], seed: number): Promise<string[]> {
  const generated = [...generatePenaltyRows(names.length, seed)];
  const rows = generated.map((r, i) =>
    Object.fromEntries(PENALTY_HEADERS.map((h, j) => [h, j === NAME ? names[i] : j === CATEGORY ? '法人及非法人组织' : r.cells[j]])),
  );
  const receipt = await importRows(t.rowsOptions(rows));
  assert.equal(receipt.status, 'committed', JSON.stringify(receipt));
  assert.equal(receipt.new, names.length, JSON.stringify(receipt));
  return generated.map((r) => r.cells[USCC]);
}

const names = async (q: string) => (await searchSubjects(t.db, q)).items.map((i) => i.name);
const pending = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM subjects WHERE pinyin_initials IS NULL`.execute(t.db)).rows[0].n;
const indexerJob = () => subjectsJobs.find((j) => j.name === 'subject-search') as ServiceJob;
const ctx = () => ({ db: t.db, pool: t.pool }) as unknown as AppContext;

test('after an import commits, its new subject is found by exact USCC at once, and by name and 拼音 only after the indexer job has run', async () => {
  const [uscc, usccTrad] = await importNames(['西宁瑞禾商贸有限公司', '湟中通盛便利店（城東）'], 1801);
  assert.ok(uscc && usccTrad);

  // Before indexing: the exact code finds it (tier 0 by the unique index), and its public page is complete.
  const byCode = await searchSubjects(t.db, uscc);
  assert.deepEqual(byCode.items.map((i) => [i.name, i.uscc]), [['西宁瑞禾商贸有限公司', uscc]]);
  const page = await getPublicSubject(t.db, byCode.items[0].id);
  assert.equal(page?.name, '西宁瑞禾商贸有限公司');
  // Its normalised name is written at insert (what pre-action checks match names on, issue 14), so the prefix
  // tier finds it at once; not yet by 拼音 (pinyin_initials NULL): the search says so with an empty page. (By a
  // fragment it is found at once only where the search scans names rather than the bigram index, which has no
  // entry for it yet.)
  assert.deepEqual(await names('西宁瑞禾'), ['西宁瑞禾商贸有限公司'], 'by a prefix, at once');
  assert.deepEqual(await names('xnrhsm'), []);
  assert.equal(await pending(), 2);

  // The job's function (what the server runs after the commit's NOTIFY, and `citycredit jobs run` runs).
  assert.match(await indexerJob().once!(ctx()), /已补全 2 个主体的检索字段/);
  assert.equal(await pending(), 0);
  assert.deepEqual(await names('瑞禾商贸'), ['西宁瑞禾商贸有限公司'], 'by a fragment (bigram index)');
  assert.deepEqual(await names('西宁瑞禾'), ['西宁瑞禾商贸有限公司'], 'by a prefix');
  assert.deepEqual(await names('XNRHSM'), ['西宁瑞禾商贸有限公司'], 'by 拼音首字母');
  assert.deepEqual(await names('城东'), ['湟中通盛便利店（城東）'], 'traditional → simplified');
  const stored = await sql<{ name_norm: string; pinyin_initials: string; same: boolean }>`
    SELECT name_norm, pinyin_initials, name_bigrams = subject_name_bigrams(name_norm) AS same FROM subjects WHERE uscc = ${usccTrad}`.execute(t.db);
  const want = searchColumns('湟中通盛便利店（城東）');
  assert.deepEqual(stored.rows[0], { name_norm: want.nameNorm, pinyin_initials: want.pinyinInitials, same: true }, 'JS bigrams = SQL bigrams');
  // Run again, it finds nothing to do.
  assert.match(await indexerJob().once!(ctx()), /已补全 0 个主体/);
});

test('a crash between the commit and the indexing, or in the middle of it, leaves the rest to the next run', async () => {
  const list = ['海东安和物流有限公司', '海东安和餐饮有限公司', '海东安和建材有限公司'];
  const usccs = await importNames(list, 4242);
  // The commit's notification went to nobody (no indexer running: the process had died). An indexer that then
  // dies after its first batch of one subject: that batch is committed, the rest is untouched and pending.
  const died = backfillSearchColumns(t.db, {
    batchSize: 1,
    workers: 1,
    onBatch: () => {
      throw new Error('killed');
    },
  });
  await assert.rejects(died, /killed/);
  assert.equal(await pending(), 2);
  assert.equal((await names('hdah')).length, 1, 'the committed batch is searchable by 拼音, the rest not yet');
  for (const u of usccs) assert.equal((await searchSubjects(t.db, u)).items.length, 1, 'every subject is found by its USCC meanwhile');

  // The next start of the service completes them without any notification (it looks at start-up).
  const indexer = startSearchIndexer(t.db, t.pool);
  try {
    while ((await pending()) > 0) await indexer.idle();
  } finally {
    await indexer.stop();
  }
  assert.deepEqual((await names('安和')).sort(), [...list].sort());
  assert.deepEqual((await names('hdah')).sort(), [...list].sort());
});

test('a subject written by plain SQL (seed, forms) is still searchable by name at once: only the bulk path defers', async () => {
  await sql`INSERT INTO subjects (kind, name, uscc) VALUES ('legal', '西宁即时可查有限公司', '91630100MA7C9T8E2X')`.execute(t.db);
  assert.deepEqual(await names('即时可查'), ['西宁即时可查有限公司']);
  await backfillSearchColumns(t.db);
});
