// Issue 11 §1 over HTTP: a department may change only its own records, and may name only its own authority or
// one it reports for; the credit office corrects any record with a reason. Every channel: form, file, signed API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { createTestApp, deptId, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';
import { signRequest } from '../auth/apikeys.service.ts';
import { demoDepartmentUscc } from '../auth/departments.data.ts';
import { findActiveItem } from '../catalog/catalog.repository.ts';
import { FIXTURE_AUTHORITIES, generatePenaltyRows, PENALTY_HEADERS } from './fixtures.ts';
import { importRows } from './import.service.ts';

let t: TestApp;
const MARKET = FIXTURE_AUTHORITIES.find((a) => a.department === 'SCJGJ')!;
const ENV = FIXTURE_AUTHORITIES.find((a) => a.department === 'STHJJ')!;
// 城东区 reports for the market authority (代报, added by the credit office in before()).
const DISTRICT = 'QX630102';
let districtUscc: string;

type Session = Awaited<ReturnType<typeof loginAs>>;
let market: Session;
let env: Session;
let district: Session;
let admin: Session;

type Row = Record<string, string>;
const header = (part: string) => PENALTY_HEADERS.find((h) => h.includes(part))!;
const H = { docNo: header('文号'), authority: '处罚机关统一社会信用代码', source: '数据来源单位统一社会信用代码', status: '当前状态', fact: header('违法事实') };

before(async () => {
  t = await createTestApp({ apiSyncMaxRows: 50 });
  // The seeded departments get their placeholder codes, as the demo does; the fixture rows name them.
  for (const code of ['SCJGJ', 'STHJJ']) {
    await t.db.updateTable('departments').set({ uscc: demoDepartmentUscc(code, '630100') }).where('code', '=', code).execute();
  }
  districtUscc = demoDepartmentUscc(DISTRICT, '630102');
  await t.db.updateTable('departments').set({ uscc: districtUscc }).where('code', '=', DISTRICT).execute();
  [market, env, district, admin] = [await loginAs(t, 'reporter', 'SCJGJ'), await loginAs(t, 'reporter', 'STHJJ'), await loginAs(t, 'reporter', DISTRICT), await loginAs(t, 'admin')];
  const r = await t.app.inject({
    method: 'POST',
    url: `/api/departments/${await deptId(t.db, DISTRICT)}/authorities`,
    headers: admin.headers,
    payload: { uscc: MARKET.uscc, name: MARKET.name, note: '区市场监管所代报' },
  });
  assert.equal(r.statusCode, 201, r.body);
});
after(async () => {
  await t?.close();
});

let seed = 900;
/** A fresh 行政处罚 row of the given authority (处罚机关 and 数据来源单位), decided last month. */
function penalty(authority: { uscc: string; name: string } = MARKET): Row {
  for (;;) {
    const [g] = [...generatePenaltyRows(1, seed++, { from: '2026-11-02', to: '2026-11-20' })];
    const row = Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, g.cells[i]]));
    // 警告-only penalties are not published (publicity rules); keep rows the portal shows.
    if (!/罚款/.test(row[header('处罚类别')])) continue;
    // Generated 文号 restart at 1 per call: give each row its own.
    return { ...row, [H.docNo]: `宁罚〔2026〕${seed}号`, [H.authority]: authority.uscc, 处罚机关: authority.name, [H.source]: authority.uscc, 数据来源单位: authority.name };
  }
}

const form = (s: Session, values: Row, extra: Record<string, unknown> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/ingest/form', headers: s.headers, payload: { catalog: 'sgs_cf_v2', values, ...extra } });

/** The columns of a CSV of these rows: the template's, then 当前状态 (not a template column) when a row has it. */
const columnsOf = (rows: Row[]) => [...PENALTY_HEADERS, ...(rows.some((r) => H.status in r) ? [H.status] : [])];

function csv(rows: Row[]): Buffer {
  const q = (c: string) => `"${c.replaceAll('"', '""')}"`;
  const cols = columnsOf(rows);
  return Buffer.from([cols.map(q).join(','), ...rows.map((r) => cols.map((h) => q(r[h] ?? '')).join(','))].join('\r\n') + '\r\n');
}

async function waitBatch(s: Session, id: string) {
  for (let i = 0; i < 400; i++) {
    const r = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${id}`, headers: s.headers });
    assert.equal(r.statusCode, 200, r.body);
    if (r.json().status !== 'processing') return r.json();
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('batch did not finish');
}

async function upload(s: Session, rows: Row[], query = '') {
  const m = multipartFile('处罚.csv', csv(rows));
  const r = await t.app.inject({ method: 'POST', url: `/api/ingest/upload?catalog=${encodeURIComponent('行政处罚')}${query}`, headers: { ...s.headers, ...m.headers }, payload: m.payload });
  assert.equal(r.statusCode, 202, r.body);
  return waitBatch(s, r.json().batchId);
}

const keys = new Map<string, { appKey: string; secret: string }>();
async function api(deptCode: string, rows: Row[]) {
  if (!keys.has(deptCode)) {
    const r = await t.app.inject({ method: 'POST', url: '/api/apikeys', headers: admin.headers, payload: { departmentId: await deptId(t.db, deptCode), name: '办案系统' } });
    keys.set(deptCode, r.json());
  }
  const k = keys.get(deptCode)!;
  const url = `/api/ext/ingest/${encodeURIComponent('行政处罚')}`;
  const raw = JSON.stringify({ rows });
  const r = await t.app.inject({ method: 'POST', url, headers: { ...signRequest(k.appKey, k.secret, 'POST', url, raw), 'content-type': 'application/json' }, payload: raw });
  assert.equal(r.statusCode, 200, r.body);
  return r.json();
}

/** Everything a refused row must leave as it was: the record, its versions, the subjects and their names. */
async function snapshot(docNo: string) {
  const record = await t.db.selectFrom('records').selectAll().where('doc_no', '=', docNo).executeTakeFirstOrThrow();
  const versions = await t.db.selectFrom('record_versions').select(['version', 'content_hash', 'batch_id']).where('record_id', '=', record.id).orderBy('version').execute();
  const n = async (table: 'subjects' | 'subject_names') => (await t.db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
  return { record, versions, subjects: await n('subjects'), names: await n('subject_names') };
}

const isPublic = async (id: string) => (await t.app.inject({ method: 'GET', url: `/api/public/records/${id}` })).statusCode === 200;

async function rejects(s: Session, batchId: string) {
  const r = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${batchId}/rejects`, headers: s.headers });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().items as Array<{ rowNumber: number; errors: Array<{ code: string; message: string }> }>;
}

/** The market authority's penalty, reported by the market department itself and public on the portal. */
async function marketRecord() {
  const row = penalty();
  const r = await form(market, row);
  assert.equal(r.json().new, 1, r.body);
  const snap = await snapshot(row[H.docNo]);
  assert.equal(snap.record.department_id, await deptId(t.db, 'SCJGJ'));
  assert.ok(await isPublic(snap.record.id), 'the penalty is on the portal');
  return { row, snap };
}

const OWNED = '该记录由西宁市市场监督管理局报送，本部门无权修改';

describe('the reproduction: another department withdraws a 市场监督管理局 penalty (当前状态 = 撤销)', () => {
  const channels = {
    form: async (s: Session, code: string, row: Row) => {
      const b = (await form(s, row)).json();
      return { b, rejects: await rejects(s, b.batchId) };
    },
    file: async (s: Session, code: string, row: Row) => {
      const b = await upload(s, [row]);
      return { b, rejects: await rejects(s, b.batchId) };
    },
    api: async (s: Session, code: string, row: Row) => {
      const b = await api(code, [row]);
      return { b, rejects: await rejects(admin, b.batchId) };
    },
  };
  for (const [channel, send] of Object.entries(channels)) {
    test(`through the ${channel === 'api' ? 'signed API' : channel === 'file' ? 'file upload' : 'online form'}: refused with its reason; the record is unchanged and still public`, async () => {
      const { row, snap } = await marketRecord();
      const attack = { ...row, [H.status]: '撤销' };

      // 西宁市生态环境局 may not name the market authority at all.
      const byEnv = await send(env, 'STHJJ', attack);
      assert.equal(byEnv.b.status, 'committed');
      assert.deepEqual([byEnv.b.total, byEnv.b.accepted, byEnv.b.rejected, byEnv.b.withdrawn], [1, 0, 1, 0]);
      assert.deepEqual(byEnv.rejects[0].errors.map((e) => e.code).sort(), ['authority_not_allowed', 'source_not_allowed']);
      assert.match(byEnv.rejects[0].errors.find((e) => e.code === 'authority_not_allowed')!.message, /^处罚机关统一社会信用代码“\w{18}”不是本部门或本部门可代报的机关/);

      // 城东区 may report for the market authority, but this record is the market department's own.
      const byDistrict = await send(district, DISTRICT, attack);
      assert.deepEqual([byDistrict.b.total, byDistrict.b.accepted, byDistrict.b.rejected, byDistrict.b.new, byDistrict.b.updated, byDistrict.b.withdrawn], [1, 0, 1, 0, 0, 0]);
      assert.equal(byDistrict.rejects[0].errors[0].code, 'record_owned_by_other_department');
      assert.equal(byDistrict.rejects[0].errors[0].message, OWNED);

      assert.deepEqual(await snapshot(row[H.docNo]), snap, 'no version, no subject change, no publicity change');
      assert.equal(snap.record.status, 'active');
      assert.ok(await isPublic(snap.record.id), 'the penalty is still on the portal');
    });
  }

  test('in a file with other rows: the refused row is counted in the receipt and is in the error file as uploaded', async () => {
    const { row, snap } = await marketRecord();
    const own = penalty(MARKET);
    const attack = { ...row, [H.status]: '撤销', [H.fact]: row[H.fact] + '（改）' };
    const b = await upload(district, [own, attack, attack]);
    assert.deepEqual([b.total, b.accepted, b.rejected, b.new, b.updated, b.duplicates, b.withdrawn], [3, 1, 2, 1, 0, 0, 0]);
    assert.deepEqual((await rejects(district, b.batchId)).map((r) => [r.rowNumber, r.errors[0].code]), [
      [3, 'record_owned_by_other_department'],
      [4, 'record_owned_by_other_department'],
    ]);
    const x = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${b.batchId}/errors.xlsx`, headers: district.headers });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    assert.equal(ws.rowCount, 3);
    const cols = columnsOf([own, attack]);
    const cells = (ws.getRow(2).values as unknown[]).slice(1);
    assert.deepEqual(cells.slice(0, cols.length), cols.map((h) => attack[h] ?? ''));
    assert.equal(cells[cols.length], OWNED);
    const now = await snapshot(row[H.docNo]);
    assert.deepEqual([now.record, now.versions, now.names], [snap.record, snap.versions, snap.names]);
    assert.equal(now.subjects, snap.subjects + 1, 'only the own row added a subject');
    // The district's own row is the district's record, under the authority it reports for.
    const mine = await t.db.selectFrom('records').select(['department_id', 'authority_uscc']).where('doc_no', '=', own[H.docNo]).executeTakeFirstOrThrow();
    assert.deepEqual(mine, { department_id: await deptId(t.db, DISTRICT), authority_uscc: MARKET.uscc });
  });

  test('within one batch merged in chunks: every row on a key another department created earlier is refused, in every chunk', async () => {
    const taken = [penalty(), penalty(), penalty()];
    for (const r of taken) assert.equal((await form(market, r)).json().new, 1);
    const fresh = [penalty(), penalty(), penalty()];
    // Interleaved, with repeats in later chunks: own new keys and the market's keys.
    const rows = [fresh[0], taken[0], fresh[1], taken[1], taken[0], fresh[2], taken[2], fresh[0], taken[1]].map((r, i) => ({ ...r, [H.fact]: `${r[H.fact]}#${i}` }));
    const item = (await findActiveItem(t.db, '行政处罚'))!;
    const merges: number[] = [];
    const receipt = await importRows({
      db: t.db, pool: t.ctx.pool, secret: t.ctx.config.secret, item, departmentId: await deptId(t.db, DISTRICT), channel: 'api', rows, chunkRows: 2,
      afterChunkMerge: async (n) => {
        merges.push(n);
      },
    });
    assert.ok(merges.length >= 4, `merged in ${merges.length} chunks`);
    assert.deepEqual([receipt.total, receipt.accepted, receipt.rejected, receipt.new, receipt.updated], [9, 4, 5, 3, 1]);
    const refused = (await rejects(admin, receipt.batchId)).map((r) => r.rowNumber);
    assert.deepEqual(refused, [2, 4, 5, 7, 9]);
    for (const r of taken) {
      const rec = await t.db.selectFrom('records').select(['current_version', 'department_id']).where('doc_no', '=', r[H.docNo]).executeTakeFirstOrThrow();
      assert.deepEqual(rec, { current_version: 1, department_id: await deptId(t.db, 'SCJGJ') });
    }
  });
});

describe('what stays allowed', () => {
  test('a department updates and withdraws its own record', async () => {
    const { row, snap } = await marketRecord();
    const changed = (await form(market, { ...row, [H.fact]: row[H.fact] + '（更正）' })).json();
    assert.deepEqual([changed.accepted, changed.updated], [1, 1]);
    const withdrawn = (await form(market, { ...row, [H.status]: '撤销' })).json();
    assert.deepEqual([withdrawn.accepted, withdrawn.updated, withdrawn.withdrawn], [1, 1, 1]);
    assert.equal((await snapshot(row[H.docNo])).record.status, 'withdrawn');
    assert.equal(await isPublic(snap.record.id), false);
  });

  test('a district reports for an authority on its list, and keeps its own records; the market department cannot change them', async () => {
    const row = penalty(MARKET);
    assert.equal((await form(district, row)).json().new, 1);
    const again = (await api(DISTRICT, [{ ...row, [H.fact]: row[H.fact] + '（补正）' }]));
    assert.deepEqual([again.accepted, again.updated], [1, 1]);
    const byMarket = (await form(market, { ...row, [H.status]: '撤销' })).json();
    assert.equal(byMarket.rejected, 1);
    assert.equal((await rejects(market, byMarket.batchId))[0].errors[0].message, '该记录由西宁市城东区人民政府报送，本部门无权修改');
    // Its own code is allowed too; an authority on no list is not.
    assert.equal((await form(district, penalty({ uscc: districtUscc, name: '西宁市城东区人民政府' }))).json().new, 1);
    const other = (await form(district, penalty(ENV))).json();
    assert.equal(other.rejected, 1);
  });

  test('a row whose 数据来源单位 is not the department or one it reports for is refused with its own reason', async () => {
    const row = { ...penalty(ENV), [H.source]: MARKET.uscc };
    const b = (await form(env, row)).json();
    assert.equal(b.rejected, 1);
    assert.deepEqual((await rejects(env, b.batchId))[0].errors.map((e) => e.code), ['source_not_allowed']);
  });

  test('a department without a USCC is told to ask the credit office to set it', async () => {
    const s = await loginAs(t, 'reporter', 'JTJ');
    const b = (await form(s, penalty(FIXTURE_AUTHORITIES.find((a) => a.department === 'JTJ')!))).json();
    assert.equal(b.rejected, 1);
    const e = (await rejects(s, b.batchId))[0].errors[0];
    assert.equal(e.code, 'department_uscc_missing');
    assert.match(e.message, /尚未设置统一社会信用代码.*信用办/);
  });
});

describe('credit-office corrections', () => {
  test('with a reason the credit office corrects another department’s record: the owner stays, the reason and the record are audited', async () => {
    const { row, snap } = await marketRecord();
    const reason = '市场监管局来函，决定书已依法撤销（宁市监函〔2026〕8号）';
    const r = await form(admin, { ...row, [H.status]: '撤销' }, { departmentId: await deptId(t.db, 'STHJJ'), correctionReason: reason });
    assert.equal(r.statusCode, 201, r.body);
    assert.deepEqual([r.json().accepted, r.json().updated, r.json().withdrawn, r.json().rejected], [1, 1, 1, 0]);
    assert.equal(r.json().correctionReason, reason);
    const after = await snapshot(row[H.docNo]);
    assert.equal(after.record.department_id, snap.record.department_id, 'the record keeps its owning department');
    assert.equal(after.record.current_version, 2);
    assert.equal(after.record.status, 'withdrawn');
    assert.equal(await isPublic(snap.record.id), false);
    const entry = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'ingest.correction').where('outcome', '=', 'ok').where('target', '=', `batch:${r.json().batchId}`).executeTakeFirstOrThrow();
    assert.equal(entry.actor_username, admin.username);
    const detail = entry.detail as { reason: string; records: Array<{ id: string; departmentId: number; otherDepartment: boolean }>; recordCount: number };
    assert.equal(detail.reason, reason);
    assert.deepEqual(detail.records, [{ id: snap.record.id, departmentId: snap.record.department_id, otherDepartment: true }]);

    // The same through a file upload: the reason travels in the query.
    const fix = { ...row, [H.status]: '有效', [H.fact]: row[H.fact] + '（信用办更正）' };
    const b = await upload(admin, [fix], `&departmentId=${await deptId(t.db, 'STHJJ')}&correctionReason=${encodeURIComponent('撤销决定有误，恢复公示')}`);
    assert.deepEqual([b.accepted, b.updated, b.rejected], [1, 1, 0]);
    assert.equal((await snapshot(row[H.docNo])).record.department_id, snap.record.department_id);
    assert.ok(await isPublic(snap.record.id));
    assert.ok(await t.db.selectFrom('audit_log').select('id').where('action', '=', 'ingest.correction').where('target', '=', `batch:${b.batchId}`).executeTakeFirst());
  });

  test('without a reason the credit office’s row is refused like any other; other roles may never give one', async () => {
    const { row, snap } = await marketRecord();
    // For a department that may name the authority, the record is still not its own …
    const r = (await form(admin, { ...row, [H.status]: '撤销' }, { departmentId: await deptId(t.db, DISTRICT) })).json();
    assert.deepEqual([r.accepted, r.rejected], [0, 1]);
    const e = (await rejects(admin, r.batchId))[0].errors[0];
    assert.equal(e.code, 'record_owned_by_other_department');
    assert.match(e.message, /^该记录由西宁市市场监督管理局报送，本部门无权修改；信用办如需更正，请填写更正原因/);
    // … and for one that may not, the authority is refused first; both tell the credit office how to correct.
    const blank = (await form(admin, { ...row, [H.status]: '撤销' }, { departmentId: await deptId(t.db, 'STHJJ'), correctionReason: '   ' })).json();
    assert.equal(blank.rejected, 1, 'a blank reason is no reason');
    const b = (await rejects(admin, blank.batchId))[0].errors.find((x) => x.code === 'authority_not_allowed')!;
    assert.match(b.message, /信用办如需更正，请填写更正原因/);

    const byClerk = await form(district, { ...row, [H.status]: '撤销' }, { correctionReason: '我要更正' });
    assert.equal(byClerk.statusCode, 403);
    assert.equal(byClerk.json().error.code, 'correction_forbidden');
    const m = multipartFile('x.csv', csv([row]));
    const byUpload = await t.app.inject({ method: 'POST', url: `/api/ingest/upload?catalog=${encodeURIComponent('行政处罚')}&correctionReason=x`, headers: { ...district.headers, ...m.headers }, payload: m.payload });
    assert.equal(byUpload.statusCode, 403);
    const denied = await t.db.selectFrom('audit_log').select('actor_username').where('action', '=', 'ingest.correction').where('outcome', '=', 'denied').execute();
    assert.equal(denied.filter((d) => d.actor_username === district.username).length, 2);
    assert.deepEqual(await snapshot(row[H.docNo]), snap);
  });
});

describe('the list of authorities a department may report for', () => {
  test('the credit office adds and removes entries (audited); others may only read their own department’s list', async () => {
    const id = await deptId(t.db, 'STHJJ');
    const url = `/api/departments/${id}/authorities`;
    const detachment = demoDepartmentUscc('STHJJ-ZFZD', '630100');
    const add = await t.app.inject({ method: 'POST', url, headers: admin.headers, payload: { uscc: detachment.toLowerCase(), name: '西宁市生态环境保护综合行政执法支队' } });
    assert.equal(add.statusCode, 201, add.body);
    assert.equal(add.json().uscc, detachment);
    assert.equal((await t.app.inject({ method: 'POST', url, headers: admin.headers, payload: { uscc: detachment, name: '重复' } })).json().error.code, 'authority_exists');
    assert.equal((await t.app.inject({ method: 'POST', url, headers: admin.headers, payload: { uscc: ENV.uscc, name: '本部门' } })).json().error.code, 'authority_is_own');
    assert.equal((await t.app.inject({ method: 'POST', url, headers: admin.headers, payload: { uscc: '11630100MB1234567X', name: '无效' } })).json().error.code, 'invalid_uscc');
    assert.equal((await t.app.inject({ method: 'POST', url, headers: env.headers, payload: { uscc: MARKET.uscc, name: MARKET.name } })).statusCode, 403);

    const list = await t.app.inject({ method: 'GET', url, headers: env.headers });
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual({ own: list.json().own, items: list.json().items.map((i: { uscc: string }) => i.uscc) }, { own: ENV.uscc, items: [detachment] });
    assert.equal((await t.app.inject({ method: 'GET', url, headers: market.headers })).statusCode, 403);

    // The detachment's penalties are now the environment department's to report.
    const row = penalty({ uscc: detachment, name: '西宁市生态环境保护综合行政执法支队' });
    assert.equal((await form(env, row)).json().new, 1);
    const del = await t.app.inject({ method: 'DELETE', url: `${url}/${detachment}`, headers: admin.headers });
    assert.equal(del.statusCode, 200, del.body);
    assert.equal((await t.app.inject({ method: 'DELETE', url: `${url}/${detachment}`, headers: admin.headers })).statusCode, 404);
    assert.equal((await form(env, penalty({ uscc: detachment, name: '西宁市生态环境保护综合行政执法支队' }))).json().rejected, 1);

    const entries = await t.db.selectFrom('audit_log').select(['action', 'detail']).where('action', 'like', 'departments.authorities.%').where('outcome', '=', 'ok').where('target', '=', `department:${id}`).orderBy('id').execute();
    assert.deepEqual(entries.map((e) => [e.action, (e.detail as { uscc: string }).uscc]), [
      ['departments.authorities.add', detachment],
      ['departments.authorities.remove', detachment],
    ]);
  });
});
