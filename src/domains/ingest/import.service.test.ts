// End-to-end import on a real database: receipts add up, re-imports add nothing, a crash leaves no partial batch.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { TestDb } from '../../../test/helpers/db.ts';
import { openIngestBed, type IngestBed } from '../../../test/helpers/ingestBed.ts';
import { findActiveItem } from '../catalog/catalog.repository.ts';
import { createReadStream } from 'node:fs';
import { generatePenaltyRows, PENALTY_HEADERS, penaltyCsvChunks } from './fixtures.ts';
import { importFile, importRows, type Receipt } from './import.service.ts';
import { validateUpload, type UploadSummary } from './pipeline.ts';
import { loadCalendar } from '../../platform/calendar.service.ts';
import { reportingAuthorities } from '../auth/authorities.service.ts';
import { sweepAbandonedBatches } from './ingest.service.ts';
import { regNoCheckDigit } from '../codes/regno.ts';
import { searchColumns } from '../subjects/search.ts';
import { backfillSearchColumns } from '../subjects/subjects.service.ts';
import { refreshPublicity } from '../publicity/publicity.service.ts';

// The generated rows name six authorities: the bed's department may report them all (issue 11 §1).
let t: IngestBed;
before(async () => {
  t = await openIngestBed({ dir: 'cc-import-' });
});
after(() => t?.close());

async function csv(name: string, n: number, seed: number, opts: Parameters<typeof penaltyCsvChunks>[2] = {}): Promise<string> {
  const p = join(t.dir, name);
  await writeFile(p, Buffer.concat([...penaltyCsvChunks(n, seed, opts)]));
  return p;
}

const run = (path: string, extra: Parameters<IngestBed['fileOptions']>[1] = {}) => importFile(t.fileOptions(path, extra));

const count = async (table: 'records' | 'record_versions' | 'ingest_rejects' | 'subjects') =>
  (await t.db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;

function addsUp(r: Receipt) {
  assert.equal(r.total, r.accepted + r.rejected);
  assert.equal(r.accepted, r.new + r.updated + r.duplicates);
}

test('a GB18030 CSV with invalid and duplicate rows: the receipt adds up and rejected rows are kept with reasons', async () => {
  const path = await csv('penalty-gbk.csv', 400, 7, { encoding: 'gb18030', invalidRate: 0.05, duplicateRate: 0.05 });
  const r = await run(path);
  assert.equal(r.status, 'committed', JSON.stringify(r.errors));
  assert.equal(r.encoding, 'gb18030');
  assert.equal(r.total, 400);
  addsUp(r);
  assert.ok(r.rejected > 0 && r.rejected < 60, `rejected ${r.rejected}`);
  assert.ok(r.duplicates > 0, 'in-file duplicates are counted');
  assert.equal(await count('records'), r.new);
  assert.equal(await count('ingest_rejects'), r.rejected);
  const rej = await t.db.selectFrom('ingest_rejects').select(['errors']).limit(1).executeTakeFirstOrThrow();
  const e = (rej.errors as Array<{ code: string; message: string }>)[0];
  assert.match(e.code, /^[a-z_]+$/);
  assert.match(e.message, /[\u4e00-\u9fff]/, 'messages are Chinese');
  // Every version knows where it came from.
  const v = await t.db.selectFrom('record_versions').selectAll().limit(1).executeTakeFirstOrThrow();
  assert.equal(v.batch_id, r.batchId);
  assert.equal(v.channel, 'cli');
  assert.equal(v.department_id, t.dept);
  assert.equal(v.catalog_version, t.item.version);
  assert.ok(v.row_number! >= 2);
  // Every record is linked to a subject.
  const unlinked = await t.db.selectFrom('records').select('id').where('subject_id', 'is', null).execute();
  assert.equal(unlinked.length, 0);

  // The same file again adds nothing and says so.
  const versionsBefore = await count('record_versions');
  const again = await run(path);
  addsUp(again);
  assert.equal(again.new, 0);
  assert.equal(again.updated, 0);
  assert.equal(again.duplicates, again.accepted);
  assert.equal(again.sameAsBatch, r.batchId);
  assert.equal(await count('record_versions'), versionsBefore);
});

test('one validation chain: an import rejects exactly the rows, with the same codes, that validateUpload finds in the same file', async () => {
  const path = await csv('chain.csv', 300, 11, { encoding: 'gb18030', invalidRate: 0.1 });
  const r = await run(path);
  assert.equal(r.status, 'committed', JSON.stringify(r.errors));
  // The context the import builds: the department's authority defaults and the credit office's calendar.
  const auth = await reportingAuthorities(t.db, t.dept);
  const now = new Date();
  const ctx = {
    today: now,
    reportDate: now,
    calendar: await loadCalendar(t.db),
    defaults: { source_name: auth.departmentName, ...(auth.own ? { authority_uscc: auth.own, source_uscc: auth.own } : {}) },
  };
  const dryRun = new Map<number, string[]>();
  let summary: UploadSummary | null = null;
  for await (const ev of validateUpload(createReadStream(path), { item: t.item, ctx, filename: 'chain.csv' })) {
    if (ev.type === 'row' && !ev.result.ok) dryRun.set(ev.rowNumber, [...new Set(ev.result.errors.map((e) => e.code))]);
    if (ev.type === 'end') summary = ev.summary;
  }
  const stored = await t.db.selectFrom('ingest_rejects').select(['row_number', 'errors']).where('batch_id', '=', r.batchId).orderBy('row_number').execute();
  const imported = new Map(stored.map((x) => [x.row_number, [...new Set((x.errors as { code: string }[]).map((e) => e.code))]]));
  assert.ok(dryRun.size > 10, `rejected rows in the dry run: ${dryRun.size}`);
  assert.deepEqual(imported, dryRun);
  assert.equal(summary?.rows, r.total);
  assert.equal(summary?.rejected, r.rejected);
  assert.equal(summary?.accepted, r.accepted);
});

test('a crash before the merge leaves no partial batch; the batch is marked failed and the retry succeeds', async () => {
  const path = await csv('penalty-crash.csv', 120, 99, { encoding: 'utf-8' });
  const before = await count('record_versions');
  await assert.rejects(
    run(path, {
      beforeMerge: async () => {
        throw new Error('simulated crash');
      },
    }),
    /simulated crash/,
  );
  assert.equal(await count('record_versions'), before, 'nothing of the failed batch was written');
  assert.equal(await sweepAbandonedBatches(t.db), 1);
  const failed = await t.db.selectFrom('ingest_batches').select(['status', 'file_errors']).where('status', '=', 'failed').executeTakeFirstOrThrow();
  assert.match(JSON.stringify(failed.file_errors), /导入中断/);
  const retry = await run(path);
  assert.equal(retry.status, 'committed');
  assert.equal(retry.accepted, 120);
  addsUp(retry);
  // Keys shared with the earlier test's file become new versions of those records, the rest are new.
  assert.equal(retry.new + retry.updated, 120);
  assert.equal(await count('record_versions'), before + retry.new + retry.updated);
});

test('a file without the required columns is rejected at once with the list of what is missing', async () => {
  const p = join(t.dir, 'bad-columns.csv');
  await writeFile(p, '行政相对人名称,备注\n某公司,测试\n');
  const r = await run(p);
  assert.equal(r.status, 'rejected');
  assert.ok(r.errors.some((e) => e.code === 'missing_columns'), JSON.stringify(r.errors));
  assert.match(r.errors[0].message, /缺少/);
});

test('an empty file, a headers-only file and a file that is not a spreadsheet are rejected clearly', async () => {
  const empty = join(t.dir, 'empty.csv');
  await writeFile(empty, '');
  assert.equal((await run(empty)).errors[0].code, 'empty_file');
  const headersOnly = await csv('headers-only.csv', 0, 1);
  const h = await run(headersOnly);
  assert.equal(h.status, 'rejected');
  assert.equal(h.errors[0].code, 'no_data_rows');
  const png = join(t.dir, 'photo.csv');
  await writeFile(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
  const p = await run(png);
  assert.equal(p.status, 'rejected');
  assert.match(p.errors[0].code, /not_a_spreadsheet|file_type_mismatch/);
});

test('one 文号 for two parties (joint decision): two records by default; one record with two versions when the key leaves out the subject', async () => {
  const [a, b] = [...generatePenaltyRows(2, 31337)];
  const docIdx = PENALTY_HEADERS.findIndex((h) => h.includes('文号'));
  const authIdx = PENALTY_HEADERS.findIndex((h) => h === '处罚机关统一社会信用代码');
  const orgIdx = PENALTY_HEADERS.findIndex((h) => h === '处罚机关');
  const srcIdx = PENALTY_HEADERS.findIndex((h) => h === '数据来源单位统一社会信用代码');
  const srcNameIdx = PENALTY_HEADERS.findIndex((h) => h === '数据来源单位');
  const joint = [a.cells, b.cells.map((c, i) => ([docIdx, authIdx, orgIdx, srcIdx, srcNameIdx].includes(i) ? a.cells[i] : c))];
  const rows = joint.map((cells) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, cells[i]])));
  const docNo = a.cells[docIdx];
  const recordsOf = () => t.db.selectFrom('records').select(['record_key', 'current_version']).where('doc_no', '=', docNo).where('authority_uscc', '=', a.cells[authIdx]).execute();
  // The generator reuses small document numbers, so other tests' records may share this 文号: count the difference.
  const before = (await recordsOf()).length;
  const withSubject = await importRows(t.rowsOptions(rows));
  assert.equal(withSubject.accepted, 2, JSON.stringify(withSubject));
  assert.equal(withSubject.new, 2);
  assert.equal((await recordsOf()).length, before + 2);

  const other = await findActiveItem(t.db, '行政处罚');
  const merged = await importRows(t.rowsOptions(rows, { item: other!, keyWithSubject: false }));
  assert.equal(merged.new + merged.updated, 2);
  const subjectless = (await recordsOf()).filter((k) => k.record_key.split('\u001f').length === 2);
  assert.equal(subjectless.length, 1, 'one record without the subject in its key');
  assert.equal(subjectless[0].current_version, 2, 'the second party became a new version of it');
});

test('a department or subject that still has records cannot be deleted or renumbered, nor a record or batch that has versions (guards instead of per-row foreign keys)', async () => {
  const r = await run(await csv('guard.csv', 5, 91));
  assert.equal(r.status, 'committed', JSON.stringify(r.errors));
  const rec = await t.db.selectFrom('records').select(['department_id', 'subject_id']).where('subject_id', 'is not', null).executeTakeFirstOrThrow();
  const code = async (q: Promise<unknown>) => q.then(() => 'ok', (e: { code?: string }) => e.code ?? String(e));
  assert.equal(await code(t.db.deleteFrom('departments').where('id', '=', rec.department_id).execute()), '23503');
  assert.equal(await code(t.db.deleteFrom('subjects').where('id', '=', rec.subject_id!).execute()), '23503');
  assert.equal(await code(sql`UPDATE subjects SET id = id + 1000000 WHERE id = ${rec.subject_id}`.execute(t.db)), '23503');
  // A subject without records is not held back.
  const lone = await t.db.insertInto('subjects').values({ kind: 'legal', name: '无记录的测试企业' }).returning('id').executeTakeFirstOrThrow();
  assert.equal(await code(t.db.deleteFrom('subjects').where('id', '=', lone.id).execute()), 'ok');
  // Versions keep their record and their batch the same way.
  const v = await t.db.selectFrom('record_versions').select(['record_id', 'batch_id']).where('batch_id', '=', r.batchId).executeTakeFirstOrThrow();
  assert.equal(await code(t.db.deleteFrom('records').where('id', '=', v.record_id).execute()), '23503');
  assert.equal(await code(sql`UPDATE records SET id = id + 1000000 WHERE id = ${v.record_id}`.execute(t.db)), '23503');
  assert.equal(await code(t.db.deleteFrom('ingest_batches').where('id', '=', r.batchId).execute()), '23503');
  assert.equal(await code(sql`UPDATE ingest_batches SET id = id + 1000000 WHERE id = ${r.batchId}`.execute(t.db)), '23503');
  // A rejected batch, which wrote no versions, is not held back.
  const empty = await run(await csv('guard-empty.csv', 0, 92));
  assert.equal(empty.status, 'rejected');
  assert.equal(await code(t.db.deleteFrom('ingest_batches').where('id', '=', empty.batchId).execute()), 'ok');
});

test('subjects created by an import get complete search columns from the indexer: what the backfill writes, with the bigrams the row trigger derives', async () => {
  const nameIdx = PENALTY_HEADERS.indexOf('行政相对人名称');
  // Full-width letters and brackets, traditional characters, a quote, a backslash, spaces, one character,
  // a polyphonic character read by context (银行: háng), a name with no Chinese at all.
  const names = ['ＡＢＣ（西宁）商贸 有限公司', "O'Brien 贸易\\行", '西寧城東物流中心', '湟', '【海东】餐饮·管理—部', '西宁农村商业银行', 'XINING-TECH'];
  const rows = [...generatePenaltyRows(names.length, 4242)].map((r, i) =>
    Object.fromEntries(PENALTY_HEADERS.map((h, j) => [h, j === nameIdx ? names[i] : r.cells[j]])),
  );
  const r = await importRows(t.rowsOptions(rows));
  assert.equal(r.accepted, names.length, JSON.stringify(r));
  // Issue 18: the import leaves them pending; the search indexer (the subject-search job) completes them.
  assert.ok((await backfillSearchColumns(t.db)) >= names.length);
  const got = await sql<{ name: string; name_norm: string; pinyin_initials: string | null; same_bigrams: boolean; lexemes: number }>`
    SELECT name, name_norm, pinyin_initials, name_bigrams = subject_name_bigrams(name_norm) AS same_bigrams, length(name_bigrams) AS lexemes
    FROM subjects WHERE name = ANY(${names})`.execute(t.db);
  assert.deepEqual(got.rows.map((x) => x.name).sort(), [...names].sort());
  for (const x of got.rows) {
    const want = searchColumns(x.name);
    assert.equal(x.name_norm, want.nameNorm, `name_norm of ${x.name}`);
    assert.equal(x.pinyin_initials, want.pinyinInitials, `pinyin_initials of ${x.name}`);
    assert.ok(x.same_bigrams, `name_bigrams of ${x.name}`);
  }
  assert.equal(got.rows.find((x) => x.name === '西寧城東物流中心')!.name_norm, '西宁城东物流中心', 'traditional → simplified');
  assert.equal(got.rows.find((x) => x.name === '西宁农村商业银行')!.pinyin_initials, 'xnncsyyh');
  assert.equal(got.rows.find((x) => x.name === '湟')!.lexemes, 0);
});

test('merging in chunks gives the receipt and the stored records, versions and subjects of a single merge', async () => {
  // Keys recur across chunk boundaries: unchanged duplicates, changed content (new versions) and a 撤销 row.
  const factIdx = PENALTY_HEADERS.findIndex((h) => h.includes('违法事实'));
  const base = [...generatePenaltyRows(40, 5150, { duplicateRate: 0.15, invalidRate: 0.1 })];
  const rows = base.map((r) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, r.cells[i]])) as Record<string, string>);
  for (const i of [2, 9, 17]) rows.push({ ...rows[i], [PENALTY_HEADERS[factIdx]]: `${rows[i][PENALTY_HEADERS[factIdx]]}（更正${i}）` });
  rows.push({ ...rows[5], 当前状态: '2' });
  rows.push(...rows.slice(0, 6));
  const other = await openIngestBed();
  try {
    const single = await importRows(other.rowsOptions(rows));
    const dump = async (d: TestDb) => {
      const r = await sql<{ v: unknown }>`SELECT json_build_object(
        'records', (SELECT json_agg(json_build_array(r.record_key, r.current_version, r.current_hash, r.status, s.name, s.uscc) ORDER BY r.record_key)
                    FROM records r JOIN subjects s ON s.id = r.subject_id
                    WHERE r.id IN (SELECT record_id FROM record_versions WHERE batch_id = (SELECT max(id) FROM ingest_batches))),
        'versions', (SELECT json_agg(json_build_array(r.record_key, v.version, v.content_hash, v.row_number, v.withdrawn) ORDER BY r.record_key, v.version)
                     FROM record_versions v JOIN records r ON r.id = v.record_id WHERE v.batch_id = (SELECT max(id) FROM ingest_batches))) AS v`.execute(d.db);
      return r.rows[0].v;
    };
    const merges: number[] = [];
    const chunked = await importRows(
      t.rowsOptions(rows, {
        chunkRows: 7,
        afterChunkMerge: async (n) => {
          merges.push(n);
        },
      }),
    );
    assert.ok(merges.length >= 6, `merged in ${merges.length} chunks`);
    const strip = ({ batchId: _b, ...r }: Receipt) => r;
    assert.deepEqual(strip(chunked), strip(single));
    assert.ok(chunked.updated >= 3 && chunked.duplicates >= 6 && chunked.withdrawn === 1, JSON.stringify(chunked));
    const [a, b] = [(await dump(t)) as { records: unknown[]; versions: unknown[] }, (await dump(other)) as { records: unknown[]; versions: unknown[] }];
    assert.equal(a.versions.length, single.new + single.updated);
    assert.ok(a.records.length >= single.new);
    assert.deepEqual(a, b);
  } finally {
    await other.close();
  }
});

test('a failure after some chunks are merged leaves nothing of the batch', async () => {
  const rows = [...generatePenaltyRows(30, 6161)].map((r) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, r.cells[i]])));
  const before = { versions: await count('record_versions'), subjects: await count('subjects') };
  await assert.rejects(
    importRows(
      t.rowsOptions(rows, {
        chunkRows: 10,
        afterChunkMerge: async (n) => {
          if (n === 2) throw new Error('simulated crash after two chunks');
        },
      }),
    ),
    /simulated crash/,
  );
  assert.equal(await count('record_versions'), before.versions);
  assert.equal(await count('subjects'), before.subjects);
});

test('legacy codes link rows to the registry (the USCC that embeds the organisation code, a known link, or a new subject kept for next time); other reported names become name variants', async () => {
  const h = (part: string) => PENALTY_HEADERS.find((x) => x.includes(part))!;
  const [usccH, regH, orgH, nameH] = [h('统一社会信用代码）'), h('工商注册号'), h('组织机构代码'), '行政相对人名称'];
  const legal = [...generatePenaltyRows(60, 8080)]
    .map((r) => Object.fromEntries(PENALTY_HEADERS.map((x, i) => [x, r.cells[i]])) as Record<string, string>)
    .filter((r) => r['行政相对人类别'] === '法人及非法人组织');
  const embeddedOrg = legal[0][usccH].slice(8, 17);
  const freshOrg = legal[1][usccH].slice(8, 17);
  const regNo = `63010000${String(Date.now()).slice(-6)}`;
  const fullRegNo = regNo + regNoCheckDigit(regNo);
  const legacyOnly = (r: Record<string, string>, code: Record<string, string>, name: string) => ({ ...r, [usccH]: '', [nameH]: name, ...code });
  const known = legal[0];
  const rows = [
    known,
    legacyOnly(legal[2], { [orgH]: embeddedOrg }, '西宁某旧名称商贸公司'),
    legacyOnly(legal[3], { [orgH]: freshOrg }, '西宁老字号食品厂'),
    legacyOnly(legal[4], { [regH]: fullRegNo }, '西宁旧注册号商行'),
    // In a chunk of its own: found through the link the chunk before created.
    legacyOnly(legal[5], { [orgH]: freshOrg }, '西宁老字号食品厂（分厂）'),
  ];
  const subjectsBefore = await count('subjects');
  const r = await importRows(t.rowsOptions(rows, { chunkRows: 2 }));
  assert.equal(r.accepted, 5, JSON.stringify(r));
  assert.equal(r.new, 5);
  const byRow = async (i: number) =>
    t.db.selectFrom('record_versions').innerJoin('records', 'records.id', 'record_versions.record_id').innerJoin('subjects', 'subjects.id', 'records.subject_id')
      .select(['subjects.id', 'subjects.name', 'subjects.uscc']).where('record_versions.batch_id', '=', r.batchId).where('record_versions.row_number', '=', i + 1)
      .executeTakeFirstOrThrow();
  const [k, viaEmbedded, fresh, viaReg, viaLink] = await Promise.all(rows.map((_, i) => byRow(i)));
  assert.equal(k.uscc, known[usccH]);
  assert.equal(viaEmbedded.id, k.id, 'the organisation code embedded in a USCC finds that subject');
  assert.equal(fresh.name, '西宁老字号食品厂');
  assert.equal(fresh.uscc, null);
  assert.equal(viaLink.id, fresh.id, 'a later chunk finds the subject through the new link');
  assert.equal(viaReg.name, '西宁旧注册号商行');
  assert.notEqual(viaReg.id, fresh.id);
  const subjectsAfter = await count('subjects');
  assert.equal(subjectsAfter - subjectsBefore, 3, 'one subject for the USCC, one per unknown legacy code');
  const links = await t.db.selectFrom('subject_identifiers').select(['kind', 'value', 'subject_id']).where('value', 'in', [embeddedOrg, freshOrg, fullRegNo]).orderBy('value').execute();
  assert.deepEqual(
    links.map((l) => [l.kind, l.value, l.subject_id]).sort(),
    [['org', embeddedOrg, k.id], ['org', freshOrg, fresh.id], ['regno', fullRegNo, viaReg.id]].sort(),
  );
  const variants = await t.db.selectFrom('subject_names').select(['subject_id', 'name']).where('subject_id', 'in', [k.id, fresh.id]).execute();
  assert.deepEqual(
    variants.map((v) => [v.subject_id, v.name]).sort(),
    [[k.id, '西宁某旧名称商贸公司'], [fresh.id, '西宁老字号食品厂（分厂）']].sort(),
  );

  // A later batch with the same old registration number joins that subject; no new subject.
  const again = await importRows(t.rowsOptions([legacyOnly(legal[6], { [regH]: fullRegNo }, '西宁旧注册号商行')]));
  assert.equal(again.new, 1, JSON.stringify(again));
  const later = await t.db.selectFrom('record_versions').innerJoin('records', 'records.id', 'record_versions.record_id')
    .select('records.subject_id').where('record_versions.batch_id', '=', again.batchId).executeTakeFirstOrThrow();
  assert.equal(later.subject_id, viaReg.id);
  assert.equal(await count('subjects'), subjectsAfter);
});

test('a subject removed from the registry between staging and merge is created again, with complete search columns', async () => {
  // The columns of new subjects are prepared while the chunk before merges, only for codes not registered
  // then; the merge decides again and computes what was not prepared.
  const [g] = [...generatePenaltyRows(1, 5353)];
  const row = Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, g.cells[i]]));
  const uscc = row['行政相对人代码_1（统一社会信用代码）'];
  const name = row['行政相对人名称'];
  assert.ok(uscc && name, 'the generated row has a USCC and a name');
  const lone = await t.db.insertInto('subjects').values({ kind: 'legal', name, uscc }).returning('id').executeTakeFirstOrThrow();
  const r = await importRows(
    t.rowsOptions([row], {
      beforeMerge: async () => {
        await t.db.deleteFrom('subjects').where('id', '=', lone.id).execute();
      },
    }),
  );
  assert.equal(r.new, 1, JSON.stringify(r));
  await backfillSearchColumns(t.db); // issue 18: the search columns come from the indexer after the commit
  const s = await t.db.selectFrom('subjects').select(['id', 'name_norm', 'pinyin_initials']).where('uscc', '=', uscc).executeTakeFirstOrThrow();
  assert.notEqual(s.id, lone.id);
  const want = searchColumns(name);
  assert.equal(s.name_norm, want.nameNorm);
  assert.equal(s.pinyin_initials, want.pinyinInitials);
});

test('an import decides publicity as it writes: at commit the records are public or not exactly as the publicity job decides, a later withdrawal takes one out, and a repaired record stays repaired in its new version', async () => {
  const factH = PENALTY_HEADERS.find((h) => h.includes('违法事实'))!;
  const rows = [...generatePenaltyRows(30, 7272)].map((r) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, r.cells[i]])) as Record<string, string>);
  const columns = ['records.id', 'records.doc_no', 'audience', 'public_from', 'public_until', 'publicity', 'publicity_review', 'publicity_checked_at', 'status'] as const;
  const ofBatch = (batchId: string) =>
    t.db.selectFrom('records').select([...columns]).where('records.id', 'in', t.db.selectFrom('record_versions').select('record_id').where('batch_id', '=', batchId)).orderBy('records.id').execute();
  // The job, run for the same batch at the moment the import decided for, finds nothing to change.
  const jobAgrees = async (batchId: string) => {
    const before = await ofBatch(batchId);
    assert.ok(before.length > 0 && before.every((x) => x.publicity_checked_at !== null), 'every record of the batch was decided at commit');
    const at = before[0].publicity_checked_at as Date;
    await refreshPublicity(t.db, t.secret, { batchId }, at);
    // The job stamps its own publicity_checked_at (now()); everything it decides must be what is stored.
    const decision = ({ publicity_checked_at: _at, ...rest }: (typeof before)[number]) => rest;
    assert.deepEqual((await ofBatch(batchId)).map(decision), before.map(decision));
    return before;
  };

  const first = await importRows(t.rowsOptions(rows));
  assert.ok(first.new > 20, JSON.stringify(first));
  const decided = await jobAgrees(first.batchId);
  assert.ok(decided.some((x) => x.audience === 'public'), 'generated penalties are public');
  const shown = decided.find((x) => x.audience === 'public')!;
  const shownRow = rows.find((r) => Object.values(r).includes(shown.doc_no))!;

  // 撤销: a withdrawal leaves publicity in the same commit.
  const withdrawal = await importRows(t.rowsOptions([{ ...shownRow, 当前状态: '2' }]));
  assert.equal(withdrawal.withdrawn, 1, JSON.stringify(withdrawal));
  const [gone] = await jobAgrees(withdrawal.batchId);
  assert.equal(gone.status, 'withdrawn');
  assert.notEqual(gone.audience, 'public');

  // A repaired record (信用修复) that gets a corrected version keeps its repair.
  const other = decided.find((x) => x.audience === 'public' && x.id !== shown.id)!;
  const otherRow = rows.find((r) => Object.values(r).includes(other.doc_no))!;
  await t.db.updateTable('records').set({ repaired_at: '2026-01-05' }).where('id', '=', other.id).execute();
  const corrected = await importRows(t.rowsOptions([{ ...otherRow, [factH]: `${otherRow[factH]}（更正）` }]));
  assert.equal(corrected.updated, 1, JSON.stringify(corrected));
  const [repaired] = await jobAgrees(corrected.batchId);
  assert.equal(repaired.id, other.id);
  assert.notEqual(repaired.audience, 'public', 'a repaired penalty is not shown again');
});

test('issue 13: a 文号 of "-" builds no key (two licences no longer collapse into versions of one record); an old decision date is kept and named in the receipt', async () => {
  const [a, b] = [...generatePenaltyRows(2, 4242)];
  const docIdx = PENALTY_HEADERS.findIndex((h) => h.includes('文号'));
  const contentIdx = PENALTY_HEADERS.indexOf('处罚内容');
  const dateIdx = PENALTY_HEADERS.indexOf('处罚决定日期');
  assert.ok(docIdx >= 0 && contentIdx >= 0 && dateIdx >= 0);
  const asRow = (cells: readonly string[]) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, cells[i]]));
  // Two decisions of one authority on one subject whose 文号 the department wrote as "-".
  const first = a.cells.map((c, i) => (i === docIdx ? '-' : c));
  const second = first.map((c, i) => (i === contentIdx ? c + '（另案）' : c));
  const dash = await importRows(t.rowsOptions([asRow(first), asRow(second)]));
  assert.deepEqual([dash.accepted, dash.rejected], [0, 2], JSON.stringify(dash));
  const rej = await t.db.selectFrom('ingest_rejects').select('errors').where('batch_id', '=', dash.batchId).execute();
  for (const r of rej) assert.deepEqual((r.errors as Array<{ code: string }>).map((e) => e.code), ['placeholder_as_empty']);
  assert.equal((await t.db.selectFrom('records').select('id').where('doc_no', '=', '-').execute()).length, 0);

  // A 1995 decision: accepted, flagged in the receipt per the configured floor.
  const old = b.cells.map((c, i) => (i === dateIdx ? '1995-06-01' : c));
  const kept = await importRows(t.rowsOptions([asRow(old)], { decisionDateWarnBefore: '2000-01-01' }));
  assert.equal(kept.accepted, 1, JSON.stringify(kept));
  assert.deepEqual(kept.warnings.map((w) => [w.code, w.rows]), [['decision_date_early', 1]]);
  const lower = await importRows(t.rowsOptions([asRow(old)], { decisionDateWarnBefore: '1990-01-01' }));
  assert.deepEqual(lower.warnings, []);
});

test('issue 13: a fine entered in 元 is accepted and listed in the receipt as fine_unit_suspect', async () => {
  const [a] = [...generatePenaltyRows(1, 5151)];
  const cells = [...a.cells];
  cells[PENALTY_HEADERS.indexOf('罚款金额（万元）')] = '5000';
  cells[PENALTY_HEADERS.indexOf('处罚内容')] = '罚款人民币5000元';
  cells[PENALTY_HEADERS.indexOf('处罚类别')] = '罚款';
  const r = await importRows(t.rowsOptions([Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, cells[i]]))]));
  assert.equal(r.accepted, 1, JSON.stringify(r));
  assert.deepEqual(r.warnings.map((w) => [w.code, w.rows]), [['fine_unit_suspect', 1]]);
  const stored = await t.db.selectFrom('ingest_batches').select('row_warnings').where('id', '=', r.batchId).executeTakeFirstOrThrow();
  assert.match(JSON.stringify(stored.row_warnings), /fine_unit_suspect/);
});
