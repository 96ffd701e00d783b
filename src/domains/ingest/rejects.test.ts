// Rejected rows keep no personal number in plain text (issue 11 §5): new rejects are stored masked with the
// originals encrypted, and rows stored before that are protected by the reject-cells job.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { JOBS } from '../../shell/jobs.ts';
import type { PeriodicJob } from '../../platform/jobs.ts';
import type { AppContext } from '../../platform/http.ts';
import { openIngestBed, type IngestBed } from '../../../test/helpers/ingestBed.ts';
import { generatePenaltyRows, PENALTY_HEADERS } from './fixtures.ts';
import { importRows } from './import.service.ts';
import { startBatch } from './ingest.service.ts';
import { protectStoredRejects, revealRejectCells } from './rejects.ts';

let t: IngestBed;
const col = (h: string) => PENALTY_HEADERS.indexOf(h);
const fullWidth = (s: string) => s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

// SCJGJ as seeded, without the fixture authorities (what is tested here is how rejected rows are stored).
before(async () => {
  t = await openIngestBed({ authorities: false });
});
after(() => t?.close());

/** Valid generated rows: one natural person (with an ID number) and one organisation. */
function sampleRows(): { person: string[]; org: string[] } {
  let person: string[] | undefined;
  let org: string[] | undefined;
  for (const r of generatePenaltyRows(200, 77)) {
    if (!person && r.cells[col('行政相对人类别')] === '自然人') person = r.cells;
    if (!org && r.cells[col('行政相对人类别')] === '法人及非法人组织') org = r.cells;
  }
  assert.ok(person && org);
  return { person, org };
}

const asObject = (cells: readonly string[]) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, cells[i]]));

test('new rejects hold no plain ID number: personal columns and numbers in other cells are masked, the originals encrypted', async () => {
  const { person, org } = sampleRows();
  const id = person[col('证件号码')];
  const badDate = [...person];
  badDate[col('处罚决定日期')] = '不是日期'; // rejected for the date; the ID column is personal
  const idInText = [...org];
  const otherId = id.slice(0, 6) + '19800101' + '001';
  const { idCheckChar } = await import('../codes/index.ts');
  const other = otherId + idCheckChar(otherId);
  idInText[col('违法事实')] = `当事人雇员李四（身份证号 ${fullWidth(other)}）无证经营`; // rejected by the screen
  const r = await importRows(t.rowsOptions([badDate, idInText].map(asObject)));
  assert.equal(r.rejected, 2, JSON.stringify(r));
  const rows = await t.db.selectFrom('ingest_rejects').select(['row_number', 'cells', 'errors', 'pii_enc', 'cells_masked']).where('batch_id', '=', r.batchId).orderBy('row_number').execute();
  const stored = await sql<{ t: string }>`SELECT string_agg(cells::text || errors::text, ' ') AS t FROM ingest_rejects WHERE batch_id = ${r.batchId}`.execute(t.db);
  for (const plain of [id, other, fullWidth(other)]) assert.ok(!stored.rows[0].t.includes(plain), `no plain ${plain} in the table`);
  assert.ok(rows.every((x) => x.cells_masked && x.pii_enc));
  assert.equal((rows[0].cells as string[])[col('证件号码')], `${id.slice(0, 6)}********${id.slice(-4)}`);
  assert.match((rows[1].cells as string[])[col('违法事实')], /身份证号 \d{6}\*{8}\w{4}）/);
  // The originals come back only through the secret.
  assert.deepEqual(revealRejectCells(rows[0].cells as string[], rows[0].pii_enc, t.secret), badDate);
  assert.deepEqual(revealRejectCells(rows[1].cells as string[], rows[1].pii_enc, t.secret), idInText);
});

test('rows stored before the migration are protected once by the reject-cells job, which then finds nothing', async () => {
  const { person } = sampleRows();
  const id = person[col('证件号码')];
  const batchId = await startBatch(t.db, { departmentId: t.dept, item: t.item, channel: 'file', fileName: 'old.csv' });
  await t.db.updateTable('ingest_batches').set({ header: JSON.stringify(PENALTY_HEADERS), status: 'committed' }).where('id', '=', batchId).execute();
  // As the old code wrote them: cells in plain text, cells_masked left at its default.
  await t.db.insertInto('ingest_rejects').values({ batch_id: batchId, row_number: 2, cells: JSON.stringify(person), errors: '[]', pii_enc: null }).execute();
  const job = JOBS.find((j) => j.name === 'reject-cells') as PeriodicJob;
  const ctx = { db: t.db, config: { secret: t.secret } } as unknown as AppContext;
  assert.match(await job.run(ctx), /加密退回行 1 行/);
  const row = await t.db.selectFrom('ingest_rejects').selectAll().where('batch_id', '=', batchId).executeTakeFirstOrThrow();
  assert.equal(row.cells_masked, true);
  assert.ok(!JSON.stringify(row.cells).includes(id));
  assert.deepEqual(revealRejectCells(row.cells as string[], row.pii_enc, t.secret), person);
  assert.equal(await protectStoredRejects(t.db, t.secret), 0);
});
