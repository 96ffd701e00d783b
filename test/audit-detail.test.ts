// The audit log's detail in words (issue 17 §4, found by the auditor's journey): the keys the demo city's load,
// score imports and checklist changes write have Chinese labels, checklist statuses are named, and a detail nested
// two levels deep is shown as bracketed fields, never as JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeAuditDetail } from '../src/platform/auditActions.ts';

const CASES: Array<{ name: string; detail: unknown; fields: Array<[string, string]> }> = [
  {
    name: 'demo.city summary',
    detail: { today: '2026-12-06', batches: 222, late: 214, repaired: 48, listEntries: 86, events: 389, scoreRows: 8208, ms: 19479 },
    fields: [['截至日期', '2026-12-06'], ['批次数', '222'], ['超期条数', '214'], ['已修复条数', '48'], ['名单条目数', '86'], ['信用事件数', '389'], ['得分行数', '8208'], ['用时（毫秒）', '19479']],
  },
  {
    name: 'monitoring.scores.import',
    detail: { fileName: '得分.csv', sha256: 'ab12', importId: 1, cities: 36, stored: 8208, replaced: 0 },
    fields: [['文件名', '得分.csv'], ['文件摘要（SHA-256）', 'ab12'], ['导入编号', '1'], ['城市数', '36'], ['存储行数', '8208'], ['替换行数', '0']],
  },
  {
    name: 'monitoring.checklist.update, nested two levels',
    detail: { before: { status: 'blank', document: null }, after: { status: 'municipal', online: null, document: { title: '实施办法', number: '宁政办〔2026〕18号', issuer: '市政府办公厅' } } },
    fields: [
      ['修改前', '（状态：空白；文件：—）'],
      ['修改后', '（状态：市级已出台；网上公开：—；文件：（标题：实施办法；文号：宁政办〔2026〕18号；发文机关：市政府办公厅））'],
    ],
  },
  { name: 'demo.seed', detail: { subjects: 3000, users: ['admin', 'auditor'] }, fields: [['主体数', '3000'], ['账号', 'admin、auditor']] },
];

for (const c of CASES) {
  test(`audit detail in words: ${c.name}`, () => {
    const fields = describeAuditDetail(c.detail);
    assert.deepEqual(fields.map((f) => [f.label, f.value]), c.fields);
    for (const f of fields) assert.doesNotMatch(f.value, /[{}"]/, 'no JSON');
  });
}

// Values only the caller can name (the audit service passes department names and role names).
const NAMES = (key: string, value: unknown) =>
  key === 'role' && value === 'reporter' ? '填报员' : key === 'departmentId' && value === 66 ? '西宁市城东区人民政府' : undefined;
const NAMED: Array<{ detail: unknown; fields: Array<[string, string]> }> = [
  { detail: { username: 'chengdong_li', role: 'reporter', departmentId: 66 }, fields: [['用户名', 'chengdong_li'], ['角色', '填报员'], ['部门', '西宁市城东区人民政府']] },
  { detail: { before: { role: 'reporter', departmentId: 66 } }, fields: [['修改前', '（角色：填报员；部门：西宁市城东区人民政府）']] },
  { detail: { role: 'auditor', departmentId: 7 }, fields: [['角色', 'auditor'], ['部门', '7']] },
];

test('audit detail values named by the caller: roles and departments, nested too; unknown ones as written', () => {
  for (const c of NAMED) assert.deepEqual(describeAuditDetail(c.detail, NAMES).map((f) => [f.label, f.value]), c.fields);
});
