// 归集 through HTTP: console upload with receipt and error file, oversized upload, department scope,
// online form, signed API (sync and async), concurrent uploads, hostile strings, records and statistics.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { createTestApp, deptId, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { signRequest } from '../auth/apikeys.service.ts';
import { generatePenaltyRows, PENALTY_HEADERS, penaltyCsvChunks } from './fixtures.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp({ uploadMaxBytes: 1024 * 1024, apiSyncMaxRows: 5 });
  // The departments that upload generated rows may report the six authorities those rows name (issue 11 §1).
  for (const code of ['SCJGJ', 'SWUJU']) await allowFixtureAuthorities(t.db, code);
});
after(async () => {
  await t?.close();
});

type Batch = { batchId: string; status: string; total: number; accepted: number; rejected: number; new: number; updated: number; duplicates: number; late: number; errors: Array<{ code: string }> };

async function waitBatch(headers: Record<string, string>, id: string, url = `/api/ingest/batches/${id}`): Promise<Batch> {
  for (let i = 0; i < 400; i++) {
    const r = await t.app.inject({ method: 'GET', url, headers });
    assert.equal(r.statusCode, 200, r.body);
    const b = r.json() as Batch;
    if (b.status !== 'processing') return b;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('batch did not finish');
}

async function upload(s: { headers: Record<string, string> }, name: string, content: Buffer, query = 'catalog=行政处罚') {
  const m = multipartFile(name, content);
  return t.app.inject({ method: 'POST', url: `/api/ingest/upload?${encodeURI(query)}`, headers: { ...s.headers, ...m.headers }, payload: m.payload });
}

const gbkCsv = (n: number, seed: number, invalidRate = 0.1) => Buffer.concat([...penaltyCsvChunks(n, seed, { encoding: 'gb18030', invalidRate })]);

function rowObject(cells: readonly string[]): Record<string, string> {
  return Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, cells[i]]));
}

describe('console upload', () => {
  test('a GBK CSV with errors: 202, the receipt adds up, rejected rows list reasons, the error file round-trips', async () => {
    const s = await loginAs(t, 'reporter', 'SCJGJ');
    const r = await upload(s, '处罚数据.csv', gbkCsv(200, 21));
    assert.equal(r.statusCode, 202, r.body);
    const b = await waitBatch(s.headers, r.json().batchId);
    assert.equal(b.status, 'committed', JSON.stringify(b.errors));
    assert.equal(b.total, 200);
    assert.equal(b.total, b.accepted + b.rejected);
    assert.equal(b.accepted, b.new + b.updated + b.duplicates);
    assert.ok(b.rejected > 0);
    const rej = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${b.batchId}/rejects`, headers: s.headers });
    assert.equal(rej.json().items.length, b.rejected);
    assert.match(rej.json().items[0].errors[0].message, /[\u4e00-\u9fff]/);

    const x = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${b.batchId}/errors.xlsx`, headers: s.headers });
    assert.equal(x.statusCode, 200);
    assert.match(String(x.headers['content-disposition']), /filename\*=UTF-8''/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    assert.deepEqual(header.slice(0, PENALTY_HEADERS.length), [...PENALTY_HEADERS]);
    assert.equal(header[PENALTY_HEADERS.length], '错误说明');
    assert.equal(ws.rowCount, 1 + b.rejected);
    // Uploading the error file unchanged: same headers match, and the same rows are rejected again.
    const again = await upload(s, '错误数据.xlsx', x.rawPayload);
    const b2 = await waitBatch(s.headers, again.json().batchId);
    assert.equal(b2.status, 'committed', JSON.stringify(b2.errors));
    assert.equal(b2.total, b.rejected);
    // XML cannot carry control characters, so rows rejected only for one come back without it and pass.
    const onlyControl = (rej.json().items as Array<{ errors: Array<{ code: string }> }>).filter((x) => x.errors.every((e) => e.code === 'control_char')).length;
    assert.equal(b2.rejected, b.rejected - onlyControl);
  });

  test('an upload over the size limit is refused with 413 and creates no batch', async () => {
    const s = await loginAs(t, 'reporter', 'SCJGJ');
    const before = (await t.db.selectFrom('ingest_batches').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
    const big = Buffer.concat([gbkCsv(10, 1, 0), Buffer.alloc(2 * 1024 * 1024, 0x41)]);
    const r = await upload(s, 'big.csv', big);
    assert.equal(r.statusCode, 413);
    assert.equal(r.json().error.code, 'file_too_large');
    assert.match(r.json().error.message, /上限/);
    const after = (await t.db.selectFrom('ingest_batches').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
    assert.equal(after, before);
  });

  test('a file renamed from another format and an unknown catalogue item are rejected clearly', async () => {
    const s = await loginAs(t, 'reporter', 'SCJGJ');
    const png = await upload(s, 'photo.xlsx', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]));
    const b = await waitBatch(s.headers, png.json().batchId);
    assert.equal(b.status, 'rejected');
    assert.match(b.errors[0].code, /not_a_spreadsheet|file_type_mismatch/);
    const unknown = await upload(s, 'a.csv', gbkCsv(3, 2), 'catalog=没有这个目录');
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().error.code, 'catalog_not_found');
    // A 行政处罚 file sent as 行政许可: the header check names the right item.
    const wrong = await upload(s, 'a.csv', gbkCsv(3, 2), 'catalog=行政许可');
    const w = await waitBatch(s.headers, wrong.json().batchId);
    assert.equal(w.status, 'rejected');
    assert.ok(w.errors.some((e) => e.code === 'wrong_catalog_item' || e.code === 'missing_columns'), JSON.stringify(w.errors));
  });

  test("department scope: a reporter cannot upload for, or read, another department's batches (403, audited)", async () => {
    const other = await deptId(t.db, 'SWUJU');
    const tax = await loginAs(t, 'reporter', 'SWUJU');
    const mine = await upload(tax, 'tax.csv', gbkCsv(5, 3, 0));
    const id = mine.json().batchId as string;
    await waitBatch(tax.headers, id);
    const s = await loginAs(t, 'reporter', 'SCJGJ');
    const r = await upload(s, 'x.csv', gbkCsv(5, 4, 0), `catalog=行政处罚&departmentId=${other}`);
    assert.equal(r.statusCode, 403);
    const read = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${id}`, headers: s.headers });
    assert.equal(read.statusCode, 403);
    const list = await t.app.inject({ method: 'GET', url: '/api/ingest/batches', headers: s.headers });
    assert.ok((list.json().items as Array<{ department: { id: number } }>).every((b) => b.department.id !== other));
    const denied = await t.db.selectFrom('audit_log').select('action').where('outcome', '=', 'denied').where('action', 'like', 'ingest.%').execute();
    assert.ok(denied.length >= 2);
    const admin = await loginAs(t, 'admin');
    const noDept = await upload(admin, 'x.csv', gbkCsv(5, 4, 0));
    assert.equal(noDept.statusCode, 400);
    assert.equal(noDept.json().error.code, 'department_required');
  });

  test('two departments uploading at the same time: both batches commit with correct counts', async () => {
    const a = await loginAs(t, 'reporter', 'SCJGJ');
    const b = await loginAs(t, 'reporter', 'SWUJU');
    const [ra, rb] = await Promise.all([upload(a, 'a.csv', gbkCsv(150, 101, 0)), upload(b, 'b.csv', gbkCsv(150, 202, 0))]);
    const [ba, bb] = await Promise.all([waitBatch(a.headers, ra.json().batchId), waitBatch(b.headers, rb.json().batchId)]);
    for (const x of [ba, bb]) {
      assert.equal(x.status, 'committed');
      assert.equal(x.accepted, 150);
      assert.equal(x.accepted, x.new + x.updated + x.duplicates);
    }
  });
});

describe('online form and records', () => {
  test('issue 13: the credit office lists the batches whose receipt has fine_unit_suspect rows (fines entered in 元)', async () => {
    const s = await loginAs(t, 'reporter', 'SCJGJ');
    const [row] = [...generatePenaltyRows(1, 13013)];
    const values = { ...rowObject(row.cells), '罚款金额（万元）': '5000', 处罚内容: '罚款人民币5000元', 处罚类别: '罚款' };
    const r = await t.app.inject({ method: 'POST', url: '/api/ingest/form', headers: s.headers, payload: { catalog: 'sgs_cf_v2', values } });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().accepted, 1, r.body);
    const admin = await loginAs(t, 'admin');
    const list = await t.app.inject({ method: 'GET', url: '/api/ingest/batches?warning=fine_unit_suspect', headers: admin.headers });
    assert.equal(list.statusCode, 200, list.body);
    const items = list.json().items as Array<{ batchId: string; warnings: Array<{ code: string; rowNumbers: number[] }> }>;
    assert.deepEqual(items.map((b) => b.batchId), [r.json().batchId]);
    assert.deepEqual(items[0].warnings.find((w) => w.code === 'fine_unit_suspect')?.rowNumbers, [1], 'the form is one row');
    const none = await t.app.inject({ method: 'GET', url: '/api/ingest/batches?warning=bank_card_in_public_field', headers: admin.headers });
    assert.equal(none.json().items.some((b: { batchId: string }) => b.batchId === r.json().batchId), false);
    const bad = await t.app.inject({ method: 'GET', url: '/api/ingest/batches?warning=DROP%20TABLE', headers: admin.headers });
    assert.equal(bad.statusCode, 400);
  });

  test('a valid single record is accepted; an invalid one is rejected with field errors', async () => {
    const s = await loginAs(t, 'reporter', 'SCJGJ');
    const [good] = [...generatePenaltyRows(1, 777)];
    const ok = await t.app.inject({ method: 'POST', url: '/api/ingest/form', headers: s.headers, payload: { catalog: 'sgs_cf_v2', values: rowObject(good.cells) } });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.json().accepted, 1);
    assert.equal(ok.json().channel, 'form');
    const bad = { ...rowObject(good.cells), [PENALTY_HEADERS[0]]: '' };
    const no = await t.app.inject({ method: 'POST', url: '/api/ingest/form', headers: s.headers, payload: { catalog: 'sgs_cf_v2', values: bad } });
    assert.equal(no.json().rejected, 1);
    const rej = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${no.json().batchId}/rejects`, headers: s.headers });
    assert.ok(rej.json().items[0].errors.length > 0);
  });

  test('HTML and formula strings are stored as text and come back unchanged; the error file neutralises formulas', async () => {
    const s = await loginAs(t, 'reporter', 'SCJGJ');
    const [row] = [...generatePenaltyRows(1, 4242)];
    const values = rowObject(row.cells);
    const factHeader = PENALTY_HEADERS.find((h) => h.includes('违法事实'))!;
    values[factHeader] = '<script>alert("x")</script> =HYPERLINK("http://evil","点击") \' OR 1=1; DROP TABLE records;--';
    const r = await t.app.inject({ method: 'POST', url: '/api/ingest/form', headers: s.headers, payload: { catalog: 'sgs_cf_v2', values } });
    assert.equal(r.json().accepted, 1, r.body);
    const list = await t.app.inject({ method: 'GET', url: '/api/ingest/records?q=' + encodeURIComponent(values[PENALTY_HEADERS.find((h) => h.includes('文号'))!]), headers: s.headers });
    const rec = list.json().items[0];
    const detail = await t.app.inject({ method: 'GET', url: `/api/ingest/records/${rec.id}`, headers: s.headers });
    assert.ok(JSON.stringify(detail.json().versions.at(-1).content).includes('<script>alert(\\"x\\")</script>'));
    assert.equal((await t.db.selectFrom('records').select('id').execute()).length > 0, true, 'the records table is still there');

    // A rejected row starting with "=" is exported with a leading apostrophe.
    const evil = { ...values, [PENALTY_HEADERS[0]]: '=1+1' };
    const rr = await t.app.inject({ method: 'POST', url: '/api/ingest/form', headers: s.headers, payload: { catalog: 'sgs_cf_v2', values: { ...evil, [factHeader]: '' } } });
    assert.equal(rr.json().rejected, 1);
    const x = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${rr.json().batchId}/errors.xlsx`, headers: s.headers });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    assert.equal(wb.worksheets[0].getRow(2).getCell(1).value, "'=1+1");
  });

  test('records keep versions; only the credit office may unmask personal data, and that read is audited', async () => {
    const s = await loginAs(t, 'reporter', 'SCJGJ');
    // A company's row: it carries a 法定代表人证件号码, which is masked.
    const row = [...generatePenaltyRows(20, 9090)].find((r) => /^\d{17}[\dX]$/.test(rowObject(r.cells)['法定代表人证件号码']))!;
    const values = rowObject(row.cells);
    await t.app.inject({ method: 'POST', url: '/api/ingest/form', headers: s.headers, payload: { catalog: 'sgs_cf_v2', values } });
    const factHeader = PENALTY_HEADERS.find((h) => h.includes('违法事实'))!;
    const changed = await t.app.inject({ method: 'POST', url: '/api/ingest/form', headers: s.headers, payload: { catalog: 'sgs_cf_v2', values: { ...values, [factHeader]: values[factHeader] + '（更正）' } } });
    assert.equal(changed.json().updated, 1, changed.body);
    const docNo = values[PENALTY_HEADERS.find((h) => h.includes('文号'))!];
    const list = await t.app.inject({ method: 'GET', url: '/api/ingest/records?q=' + encodeURIComponent(docNo), headers: s.headers });
    const id = list.json().items[0].id;
    const d = await t.app.inject({ method: 'GET', url: `/api/ingest/records/${id}`, headers: s.headers });
    assert.equal(d.json().versions.length, 2);
    assert.equal(d.json().record.version, 2);
    // 法定代表人证件号码 is masked in the stored content; the original comes back only unmasked.
    const repId = values['法定代表人证件号码'];
    assert.match(repId, /^\d{17}[\dX]$/);
    const masked = `${repId.slice(0, 6)}********${repId.slice(-4)}`;
    for (const v of d.json().versions) {
      assert.equal(v.content.CF_FR_ZJHM, masked);
      assert.ok(!d.body.includes(repId));
    }
    const no = await t.app.inject({ method: 'GET', url: `/api/ingest/records/${id}?unmask=true`, headers: s.headers });
    assert.equal(no.statusCode, 403);
    const admin = await loginAs(t, 'admin');
    const yes = await t.app.inject({ method: 'GET', url: `/api/ingest/records/${id}?unmask=true`, headers: admin.headers });
    assert.equal(yes.statusCode, 200);
    assert.deepEqual(yes.json().versions.map((v: { content: Record<string, unknown> }) => v.content.CF_FR_ZJHM), [repId, repId]);
    // Apart from the masked member, the stored content is the row as validated.
    assert.deepEqual({ ...yes.json().versions[0].content, CF_FR_ZJHM: masked }, d.json().versions[0].content);
    const reads = await t.db.selectFrom('audit_log').select(['outcome', 'actor_username']).where('action', '=', 'personal_data.read').execute();
    assert.ok(reads.some((x) => x.outcome === 'ok' && x.actor_username === admin.username));
    assert.ok(reads.some((x) => x.outcome === 'denied' && x.actor_username === s.username));
  });

  test('statistics per department: volume, rejection rate and late share; a department sees only itself', async () => {
    const s = await loginAs(t, 'reporter', 'SCJGJ');
    const r = await t.app.inject({ method: 'GET', url: '/api/ingest/stats', headers: s.headers });
    const items = r.json().items as Array<{ departmentName: string; rows: number; rejected: number; rejectionRate: number }>;
    assert.equal(items.length, 1);
    assert.equal(items[0].departmentName, '西宁市市场监督管理局');
    assert.ok(items[0].rows > 0);
    assert.equal(items[0].rejectionRate, items[0].rejected / items[0].rows);
    const admin = await loginAs(t, 'admin');
    const all = await t.app.inject({ method: 'GET', url: '/api/ingest/stats', headers: admin.headers });
    assert.ok(all.json().items.length >= 2);
    // Issue 17 §4: every active member department is listed, those that sent nothing with zeros.
    const members = await t.db.selectFrom('departments').select(['id', 'name']).where('active', '=', true).where('kind', '!=', 'office').execute();
    const listed = all.json().items as Array<{ departmentId: number; batches: number; rows: number; rejectionRate: number | null }>;
    for (const m of members) assert.ok(listed.some((i) => i.departmentId === m.id), `${m.name} is listed`);
    const silent = listed.filter((i) => i.batches === 0);
    assert.ok(silent.length > 0, 'some seeded department has sent nothing');
    assert.ok(silent.every((i) => i.rows === 0 && i.rejectionRate === null));
    assert.ok(listed.findIndex((i) => i.batches === 0) >= listed.filter((i) => i.batches > 0).length, 'the silent ones come last');
    // Dates are Beijing calendar days and the range includes its last day: a batch made at 00:30 on
    // 2020-03-01 Beijing time (16:30 UTC on 29 February) counts for 1 March only.
    const batch = await t.db.selectFrom('ingest_batches').select(['id', 'total']).where('status', '=', 'committed').where('total', '>', 0).orderBy('id').executeTakeFirstOrThrow();
    await t.db.updateTable('ingest_batches').set({ created_at: new Date('2020-02-29T16:30:00Z') }).where('id', '=', batch.id).execute();
    const rowsIn = async (from: string, to: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/ingest/stats?from=${from}&to=${to}`, headers: admin.headers });
      assert.equal(res.statusCode, 200, res.body);
      return (res.json().items as Array<{ rows: number }>).reduce((n, i) => n + i.rows, 0);
    };
    assert.equal(await rowsIn('2020-03-01', '2020-03-01'), batch.total);
    assert.equal(await rowsIn('2020-02-01', '2020-02-29'), 0);
  });
});

describe('signed API for department systems', () => {
  async function key() {
    const admin = await loginAs(t, 'admin');
    const r = await t.app.inject({ method: 'POST', url: '/api/apikeys', headers: admin.headers, payload: { departmentId: await deptId(t.db, 'SCJGJ'), name: '执法办案系统' } });
    return r.json() as { appKey: string; secret: string };
  }
  const post = (k: { appKey: string; secret: string }, url: string, body: unknown) => {
    const raw = JSON.stringify(body);
    return t.app.inject({ method: 'POST', url, headers: { ...signRequest(k.appKey, k.secret, 'POST', url, raw), 'content-type': 'application/json' }, payload: raw });
  };
  const get = (k: { appKey: string; secret: string }, url: string) => t.app.inject({ method: 'GET', url, headers: signRequest(k.appKey, k.secret, 'GET', url, '') });

  test('a small batch gets its receipt at once; a large one gets a batch id to poll', async () => {
    const k = await key();
    const rows = [...generatePenaltyRows(3, 5151)].map((r) => rowObject(r.cells));
    const url = `/api/ext/ingest/${encodeURIComponent('行政处罚')}`;
    const sync = await post(k, url, { rows });
    assert.equal(sync.statusCode, 200, sync.body);
    assert.equal(sync.json().accepted, 3);
    assert.equal(sync.json().channel, 'api');
    const many = [...generatePenaltyRows(20, 6161)].map((r) => rowObject(r.cells));
    const async_ = await post(k, url, { rows: many });
    assert.equal(async_.statusCode, 202);
    let b: Batch | undefined;
    for (let i = 0; i < 200; i++) {
      const r = await get(k, `/api/ext/ingest/batches/${async_.json().batchId}`);
      b = r.json();
      if (b!.status !== 'processing') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(b!.status, 'committed');
    assert.equal(b!.accepted, 20);
    // Unsigned calls are refused.
    const unsigned = await t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ rows }) });
    assert.equal(unsigned.statusCode, 401);
  });
});

describe('legacy formats and department profiles', () => {
  test('a v1 (CF_) GBK file needs the department USCC, which the credit office enters; then it imports', async () => {
    const { readFile } = await import('node:fs/promises');
    const v1 = await readFile(new URL('../../../test/fixtures/ingest/cf_v1_gbk.csv', import.meta.url));
    const s = await loginAs(t, 'reporter', 'JTJ');
    const first = await upload(s, 'cf_v1.csv', v1);
    const b1 = await waitBatch(s.headers, first.json().batchId);
    assert.equal(b1.status, 'committed', JSON.stringify(b1.errors));
    assert.equal(b1.accepted, 0, 'without the department code no row has an authority');
    const admin = await loginAs(t, 'admin');
    const id = await deptId(t.db, 'JTJ');
    const bad = await t.app.inject({ method: 'PATCH', url: `/api/departments/${id}`, headers: admin.headers, payload: { uscc: '11630100MB1234567X' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'invalid_uscc');
    const { generateUscc } = await import('../codes/index.ts');
    const { mulberry32 } = await import('../../platform/random.ts');
    const code = generateUscc(mulberry32(5), { prefix: '11', region: '630100' });
    const ok = await t.app.inject({ method: 'PATCH', url: `/api/departments/${id}`, headers: admin.headers, payload: { uscc: code } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().uscc, code);
    const no = await t.app.inject({ method: 'PATCH', url: `/api/departments/${id}`, headers: s.headers, payload: { uscc: code } });
    assert.equal(no.statusCode, 403);
    const second = await upload(s, 'cf_v1.csv', v1);
    const b2 = await waitBatch(s.headers, second.json().batchId);
    assert.ok(b2.accepted > 0, JSON.stringify(b2));
    assert.equal(b2.total, b1.total);
  });
});

describe('bad files through the upload path', () => {
  test('each ends in a clear receipt: mixed encodings, bare quotes and ragged rows, renamed file, zip bomb, duplicate columns', async () => {
    const { readFile } = await import('node:fs/promises');
    const { buildZip, xlsxLike } = await import('../../../test/fixtures/ingest/zip.ts');
    const fixture = (n: string) => readFile(new URL(`../../../test/fixtures/ingest/${n}`, import.meta.url));
    const s = await loginAs(t, 'reporter', 'SCJGJ');
    const run = async (name: string, content: Buffer) => waitBatch(s.headers, (await upload(s, name, content)).json().batchId);

    const mixed = await run('mixed.csv', await fixture('mixed_encoding.csv'));
    assert.equal(mixed.status, 'rejected');
    assert.equal(mixed.errors[0].code, 'encoding_mixed');
    assert.equal(mixed.accepted, 0, 'nothing of a file with mixed encodings is stored');

    const ragged = await run('ragged.csv', await fixture('bad_quotes_ragged.csv'));
    assert.equal(ragged.status, 'committed', JSON.stringify(ragged.errors));
    const rej = (await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${ragged.batchId}/rejects`, headers: s.headers })).json();
    const codes = new Set((rej.items as Array<{ errors: Array<{ code: string }> }>).flatMap((i) => i.errors.map((e) => e.code)));
    assert.ok(codes.has('row_ragged'), [...codes].join());
    assert.ok(codes.has('row_bad_quote'), [...codes].join());

    const renamed = await run('report.xlsx', await fixture('report_renamed.xlsx'));
    assert.equal(renamed.status, 'rejected');
    assert.match(renamed.errors[0].code, /file_type_mismatch|not_a_spreadsheet|xlsx_unreadable/);

    const bomb = buildZip(xlsxLike({ data: Buffer.alloc(20 * 1024 * 1024, 0x20) }));
    const z = await run('bomb.xlsx', bomb);
    assert.equal(z.status, 'rejected');
    assert.equal(z.errors[0].code, 'zip_bomb');

    const header = PENALTY_HEADERS.join(',');
    const dup = await run('dup.csv', Buffer.from(`${header},行政相对人名称\n`));
    assert.equal(dup.status, 'rejected');
    assert.ok(dup.errors.some((e) => e.code === 'duplicate_column'), JSON.stringify(dup.errors));
  });
});
