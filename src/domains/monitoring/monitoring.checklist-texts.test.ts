// What users read of the institution checklist (信用制度清单) as the API sends it (/api/monitoring/checklist) and the
// exported .xlsx holds it: each item's 依据 (basis) cites documents as a person cites them — 《…》 and 文号 — with an
// unverified fact said as 待核实, and carries no development note (test/helpers/devText.ts: no docs/ path, DOMAIN or §
// citation, [M]/[V]/[P] or [公开文件] tag, English word). A database seeded before the wording changed gets the new
// text on the next start (installChecklistBasis, run by openContext); a basis the credit office wrote is left alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';
import { userTextProblems } from '../../../test/helpers/devText.ts';
import { defaultChecklist } from './checklist.ts';
import { installChecklistBasis } from './checklist.service.ts';

let t: TestApp;
let auditor: Awaited<ReturnType<typeof loginAs>>;
before(async () => {
  t = await createTestApp();
  auditor = await loginAs(t, 'auditor');
});
after(() => t.close());

interface Item {
  id: string;
  numberLabel: string;
  domain: string;
  subdomain: string | null;
  name: string;
  statusLabel: string;
  document: { title: string; number: string | null; issuer: string | null } | null;
  basis: string | null;
  updatedAt: string;
}

const view = async (): Promise<{ items: Item[]; summary: { text: string } }> => (await t.app.inject({ method: 'GET', url: '/api/monitoring/checklist', headers: { cookie: auditor.cookie } })).json();
const shipped = new Map(defaultChecklist().map((i) => [i.id, i.basis]));

function itemProblems(items: Item[]): string[] {
  return items.flatMap((i) => [
    ...userTextProblems(`${i.id} 编号`, i.numberLabel),
    ...userTextProblems(`${i.id} 制度名称`, i.name),
    ...userTextProblems(`${i.id} 状态`, i.statusLabel),
    ...userTextProblems(`${i.id} 文件名称`, i.document?.title),
    ...userTextProblems(`${i.id} 文号`, i.document?.number),
    ...userTextProblems(`${i.id} 发布机关`, i.document?.issuer),
    ...userTextProblems(`${i.id} 依据`, i.basis),
  ]);
}

/** The exported .xlsx as rows of header → cell text. */
async function exported(): Promise<Record<string, string>[]> {
  const r = await t.app.inject({ method: 'GET', url: '/api/monitoring/checklist/export.xlsx', headers: { cookie: auditor.cookie } });
  assert.equal(r.statusCode, 200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.rawPayload as unknown as ExcelJS.Buffer);
  const ws = wb.worksheets[0];
  const cells = (row: number) => Array.from({ length: ws.columnCount }, (_, k) => ws.getRow(row).getCell(k + 1).text);
  const header = cells(1);
  return Array.from({ length: ws.rowCount - 1 }, (_, n) => Object.fromEntries(cells(n + 2).map((v, k) => [header[k], v])));
}

// The columns of the export a user reads as text (编号 is the code files keep and imports match on; links and dates aside).
const TEXT_COLUMNS = ['领域', '子领域', '制度名称', '状态', '文件名称', '文号', '发布机关', '依据'];

test('the checklist reads as plain Chinese in the API and the exported .xlsx, citing documents by title and 文号', async () => {
  assert.equal(await installChecklistBasis(t.db), 0, 'nothing to change before the checklist is first seeded');
  const { items } = await view();
  assert.equal(items.length, 153);
  assert.deepEqual(itemProblems(items), []);
  const rows = await exported();
  assert.equal(rows.length, 153);
  assert.deepEqual(
    rows.flatMap((r) => TEXT_COLUMNS.flatMap((c) => userTextProblems(`${r['编号']} ${c}`, r[c]))),
    [],
  );
  // The file's 依据 is the text the API sends.
  assert.deepEqual(
    rows.map((r) => [r['编号'], r['依据']]),
    items.map((i) => [i.id, i.basis]),
  );
  // Citations as a person writes them, and an unverified fact in words.
  const basis = (id: string) => items.find((i) => i.id === id)!.basis!;
  assert.match(basis('GEN-05'), /^《信用修复管理办法》（国家发展改革委）自2026年4月1日起施行；原《失信行为纠正后的信用信息修复管理办法（试行）》（国家发展改革委令第58号/);
  assert.match(basis('GEN-05'), /新办法的令号待核实。$/);
  assert.equal(basis('SUB-02-4'), '《企业经营异常名录管理暂行办法》（国家工商行政管理总局令第68号）。文号待核实。');
  assert.match(basis('GEN-14'), /国家标准《法人和其他组织统一社会信用代码编码规则》（GB 32100-2015）/);
  assert.match(basis('GEN-25'), /^《企业信息公示暂行条例》（国务院令第654号，2014年10月1日起施行）。$/);
});

test('an earlier install’s development notes are replaced on the next start; the office’s own text and items are untouched', async () => {
  // As earlier releases seeded them (the DOMAIN § form came before the docs/domain/ links), or as a file exported
  // then brings them back on import.
  const old: Record<string, string> = {
    'GEN-05': 'docs/domain/03-publicity.md §3.3 [V]：《信用修复管理办法》2026-04-01 起施行；原《失信行为纠正后的信用信息修复管理办法（试行）》（国家发展改革委令第58号，2023-05-01 施行）自 2026-04-01 起废止。新办法令号未核实 [M]',
    'GEN-01': 'DOMAIN §5.1、DOMAIN §1.1 [V]',
    'SUB-02-4': '[M 文号待核]',
    'SUB-02-3': 'docs/domain/04-joint-measures.md §4.1a [V/P]：2021-09-01 施行',
    'GEN-25': '企业信息公示暂行条例（2014-10-01 施行） [公开文件]',
  };
  for (const [id, basis] of Object.entries(old)) await t.db.updateTable('checklist_items').set({ basis }).where('id', '=', id).execute();
  const own = '市信用办据国家文件原文整理，异议处理时限按省里通知执行';
  await t.db.updateTable('checklist_items').set({ basis: own }).where('id', '=', 'GEN-06').execute();
  const added = { id: '本市-01', position: 999, domain: '综合', name: '本市信用承诺示范办法', status: 'blank', basis: '市信用办自拟，待市政府审定' } as const;
  await t.db.insertInto('checklist_items').values(added).execute();
  const before = await view();
  for (const id of Object.keys(old)) assert.ok(itemProblems(before.items.filter((i) => i.id === id)).length > 0, `${id}: the old note is what the guard finds`);

  assert.equal(await installChecklistBasis(t.db), Object.keys(old).length);
  const after = await view();
  assert.deepEqual(itemProblems(after.items), []);
  const byId = new Map(after.items.map((i) => [i.id, i]));
  for (const id of Object.keys(old)) {
    assert.equal(byId.get(id)!.basis, shipped.get(id), id);
    assert.equal(byId.get(id)!.updatedAt, before.items.find((i) => i.id === id)!.updatedAt, `${id}: the text is the installer's, not a change by staff`);
  }
  assert.equal(byId.get('GEN-06')!.basis, own, 'a basis the credit office wrote is never touched');
  assert.equal(byId.get('本市-01')!.basis, added.basis, 'an item the office added is never touched');
  assert.equal(await installChecklistBasis(t.db), 0, 'a later start changes nothing');
});

test('importing a file exported by an earlier release does not bring its development notes back, not even until the next start', async () => {
  const admin = await loginAs(t, 'admin');
  const r = await t.app.inject({ method: 'GET', url: '/api/monitoring/checklist/export.xlsx', headers: { cookie: auditor.cookie } });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.rawPayload as unknown as ExcelJS.Buffer);
  const ws = wb.worksheets[0];
  const header = (ws.getRow(1).values as unknown[]).map((v) => String(v ?? ''));
  const basisCol = header.indexOf('依据');
  const rowOf = new Map<string, number>();
  for (let n = 2; n <= ws.rowCount; n++) rowOf.set(ws.getRow(n).getCell(header.indexOf('编号')).text, n);
  // As an earlier release exported them: its notes in 依据, beside a text the office wrote into the file itself.
  const oldNote = 'docs/domain/03-publicity.md §3.3 [V]：新办法令号未核实 [M]';
  ws.getRow(rowOf.get('GEN-05')!).getCell(basisCol).value = oldNote;
  const own = '市信用办在导出文件中补写的依据说明';
  ws.getRow(rowOf.get('GEN-07')!).getCell(basisCol).value = own;
  const m = multipartFile('信用制度清单.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
  const imp = await t.app.inject({ method: 'POST', url: '/api/monitoring/checklist/import', payload: m.payload, headers: { ...admin.headers, ...m.headers } });
  assert.equal(imp.statusCode, 200, imp.body);

  const after = await view();
  assert.deepEqual(itemProblems(after.items), []);
  const byId = new Map(after.items.map((i) => [i.id, i]));
  assert.equal(byId.get('GEN-05')!.basis, shipped.get('GEN-05'));
  assert.equal(byId.get('GEN-07')!.basis, own, 'a basis the office wrote in the file is imported as written');
});
