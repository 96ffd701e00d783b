// Personal data on the ingest side over HTTP (issue 11 §5): uploads kept 0600 in the data folder, removed after
// the batch and swept at start-up; error files masked by default, unmasked only for the uploader, every
// download audited, other departments refused; formula injection still neutralised.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';
import { csvEscape, generatePenaltyRows, PENALTY_HEADERS } from './fixtures.ts';
import { saveUpload } from './uploads.ts';

let t: TestApp;
let dataDir: string;
const STALE = '99999999-1700000000000-stale.upload'; // saved by a process that no longer exists
const LIVE = '1-1700000000000-live.upload'; // saved by a process that is alive (pid 1)

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cc-ingest-pii-'));
  await mkdir(join(dataDir, 'uploads'), { mode: 0o755 });
  await writeFile(join(dataDir, 'uploads', STALE), 'old upload with 632123199001011239');
  await writeFile(join(dataDir, 'uploads', LIVE), 'in use elsewhere');
  t = await createTestApp({ dataDir });
  // 市场监管局 may report the authorities the generated rows name (issue 11 §1).
  await allowFixtureAuthorities(t.db, 'SCJGJ');
});
after(async () => {
  await t?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const col = (h: string) => PENALTY_HEADERS.indexOf(h);
const uploads = () => readdir(join(dataDir, 'uploads'));

/** A CSV with one valid organisation row and one natural person's row rejected for its date. */
function csvWithRejectedPerson(): { csv: Buffer; id: string } {
  let person: string[] | undefined;
  let org: string[] | undefined;
  for (const r of generatePenaltyRows(300, 5)) {
    if (!person && r.cells[col('行政相对人类别')] === '自然人') person = [...r.cells];
    if (!org && r.cells[col('行政相对人类别')] === '法人及非法人组织') org = [...r.cells];
  }
  assert.ok(person && org);
  person[col('处罚决定日期')] = '不是日期';
  person[col('备注')] = '=HYPERLINK("http://evil.example","x")';
  org[col('违法事实')] += '（举报人电话 138 0013 8000）';
  const lines = [PENALTY_HEADERS, org, person].map((cells) => cells.map(csvEscape).join(','));
  return { csv: Buffer.from(lines.join('\r\n') + '\r\n', 'utf8'), id: person[col('证件号码')] };
}

async function upload(headers: Record<string, string>, name: string, content: Buffer): Promise<string> {
  const m = multipartFile(name, content);
  const r = await t.app.inject({ method: 'POST', url: `/api/ingest/upload?${encodeURI('catalog=行政处罚')}`, headers: { ...headers, ...m.headers }, payload: m.payload });
  assert.equal(r.statusCode, 202, r.body);
  const id = r.json().batchId as string;
  for (let i = 0; i < 400; i++) {
    const b = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${id}`, headers });
    if (b.json().status !== 'processing') return id;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('batch did not finish');
}

async function sheetCells(payload: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(payload as unknown as ArrayBuffer);
  const rows: string[][] = [];
  wb.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  return rows;
}

const auditOf = (action: string, target: string) =>
  t.db.selectFrom('audit_log').select(['actor_username', 'outcome', 'detail']).where('action', '=', action).where('target', '=', target).orderBy('id').execute();

describe('uploads in the data folder', () => {
  test('start-up swept the file of a process that is gone, kept the live one, and made the folder 0700', async () => {
    assert.deepEqual(await uploads(), [LIVE]);
    assert.equal((await stat(join(dataDir, 'uploads'))).mode & 0o777, 0o700);
  });

  test('a saved upload is 0600', async () => {
    const path = await saveUpload(join(dataDir, 'uploads'), Readable.from([Buffer.from('a,b\r\n')]));
    try {
      assert.equal((await stat(path)).mode & 0o777, 0o600);
    } finally {
      await rm(path);
    }
  });

  test('the file is removed when its batch ends, committed or rejected', async () => {
    const s = await loginAs(t, 'reporter', 'SCJGJ');
    const committed = await upload(s.headers, 'ok.csv', csvWithRejectedPerson().csv);
    assert.equal((await t.db.selectFrom('ingest_batches').select('status').where('id', '=', committed).executeTakeFirstOrThrow()).status, 'committed');
    const rejected = await upload(s.headers, 'bad.csv', Buffer.from('甲,乙\r\n1,2\r\n'));
    assert.equal((await t.db.selectFrom('ingest_batches').select('status').where('id', '=', rejected).executeTakeFirstOrThrow()).status, 'rejected');
    // The file goes right after the import settles, a moment after the receipt shows the end (bounded wait).
    for (let i = 0; i < 400 && (await uploads()).length > 1; i++) await new Promise((res) => setTimeout(res, 25));
    assert.deepEqual(await uploads(), [LIVE]);
  });
});

describe('error file (下载错误数据)', () => {
  let batch: string;
  let id: string;
  let uploader: Awaited<ReturnType<typeof loginAs>>;
  before(async () => {
    uploader = await loginAs(t, 'reporter', 'SCJGJ');
    const f = csvWithRejectedPerson();
    id = f.id;
    batch = await upload(uploader.headers, 'person.csv', f.csv);
  });
  const download = (headers: Record<string, string>, query = '') => t.app.inject({ method: 'GET', url: `/api/ingest/batches/${batch}/errors.xlsx${query}`, headers });

  test('the receipt lists the row accepted with a mobile number in a public field (warning of the screen)', async () => {
    const r = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${batch}`, headers: uploader.headers });
    const b = r.json();
    assert.equal(b.accepted, 1);
    assert.deepEqual(
      b.warnings.map((w: { code: string; rows: number; rowNumbers: number[] }) => [w.code, w.rows, w.rowNumbers]),
      [['mobile_in_public_field', 1, [2]]],
    );
    assert.match(b.warnings[0].message, /违法事实.*138\*{4}8000/);
  });

  test('masked by default for everyone in scope, formula cells neutralised, and every download audited', async () => {
    const reviewer = await loginAs(t, 'reviewer', 'SCJGJ');
    const auditor = await loginAs(t, 'auditor');
    for (const who of [uploader, reviewer, auditor]) {
      const r = await download(who.headers);
      assert.equal(r.statusCode, 200, r.body);
      const rows = await sheetCells(r.rawPayload);
      assert.equal(rows.length, 2);
      assert.equal(rows[1][col('证件号码')], `${id.slice(0, 6)}********${id.slice(-4)}`);
      assert.ok(!r.rawPayload.toString('latin1').includes(id));
      assert.ok(rows[1][col('备注')].startsWith("'="), 'formula injection stays neutralised');
    }
    const entries = await auditOf('ingest.errors.download', `batch:${batch}`);
    assert.deepEqual(
      entries.map((e) => [e.actor_username, e.outcome, (e.detail as { masked: boolean }).masked]),
      [uploader, reviewer, auditor].map((u) => [u.username, 'ok', true]),
    );
    assert.equal((await auditOf('personal_data.read', `batch:${batch}`)).length, 0);
  });

  test('the uploader gets their rows unmasked on request, audited as a personal-data read', async () => {
    // The receipt names its uploader, so the console offers the unmasked download to them alone.
    const receipt = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${batch}`, headers: uploader.headers });
    assert.equal(receipt.json().createdBy, uploader.userId);
    const r = await download(uploader.headers, '?unmasked=1');
    assert.equal(r.statusCode, 200, r.body);
    const rows = await sheetCells(r.rawPayload);
    assert.equal(rows[1][col('证件号码')], id);
    assert.equal(rows[1][col('处罚决定日期')], '不是日期');
    const reads = await auditOf('personal_data.read', `batch:${batch}`);
    assert.deepEqual(reads.map((e) => [e.actor_username, e.outcome]), [[uploader.username, 'ok']]);
    const last = (await auditOf('ingest.errors.download', `batch:${batch}`)).at(-1)!;
    assert.deepEqual([last.actor_username, (last.detail as { masked: boolean }).masked], [uploader.username, false]);
  });

  test('anyone else asking for it unmasked is refused (403, audited), the credit office included', async () => {
    for (const role of ['reviewer', 'admin'] as const) {
      const other = await loginAs(t, role, role === 'admin' ? null : 'SCJGJ');
      const r = await download(other.headers, '?unmasked=1');
      assert.equal(r.statusCode, 403);
      assert.equal(r.json().error.code, 'unmask_forbidden');
      const denied = (await auditOf('personal_data.read', `batch:${batch}`)).filter((e) => e.actor_username === other.username);
      assert.deepEqual(denied.map((e) => e.outcome), ['denied']);
    }
  });

  test("another department's users are refused the file, masked or not", async () => {
    const tax = await loginAs(t, 'reporter', 'SWUJU');
    for (const q of ['', '?unmasked=1']) {
      const r = await download(tax.headers, q);
      assert.equal(r.statusCode, 403);
      assert.equal(r.json().error.code, 'department_forbidden');
    }
  });
});
