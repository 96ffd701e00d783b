// The work queues' filters and paging (issue 15 §4), as a table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterQueue, pageOf, type QueueFilter } from './queueFilter';

const rows = [
  { id: '1', departmentId: 3, overdue: true, name: '西宁甲商贸有限公司', uscc: '91630104MA0000001X' },
  { id: '2', departmentId: 3, overdue: false, name: '西宁乙建材有限公司', uscc: '91630104MA0000002X' },
  { id: '3', departmentId: 5, overdue: true, name: '湟中丙餐饮店', uscc: null },
  { id: '4', departmentId: 5, overdue: false, name: '西宁丁科技有限公司', uscc: '91630104ma0000004x' },
];
const texts = (r: (typeof rows)[number]) => [r.name, r.uscc];

const cases: Array<{ name: string; f: QueueFilter; ids: string[] }> = [
  { name: 'no filter: all, in the server’s order', f: {}, ids: ['1', '2', '3', '4'] },
  { name: 'a department', f: { departmentId: 5 }, ids: ['3', '4'] },
  { name: 'cleared department (null) is all', f: { departmentId: null }, ids: ['1', '2', '3', '4'] },
  { name: 'overdue only', f: { overdueOnly: true }, ids: ['1', '3'] },
  { name: 'department and overdue', f: { departmentId: 3, overdueOnly: true }, ids: ['1'] },
  { name: 'name part', f: { search: '建材' }, ids: ['2'] },
  { name: 'USCC, any case, spaces trimmed', f: { search: ' ma0000004X ' }, ids: ['4'] },
  { name: 'a row without a USCC still matches by name', f: { search: '湟中' }, ids: ['3'] },
  { name: 'a reminder’s ?id=', f: { id: '2' }, ids: ['2'] },
  { name: 'nothing matches', f: { search: '不存在' }, ids: [] },
];
for (const c of cases) test(`filterQueue: ${c.name}`, () => assert.deepEqual(filterQueue(rows, c.f, texts).map((r) => r.id), c.ids));

test('pageOf: pages of 2, the last one short, past the end empty', () => {
  const xs = [1, 2, 3, 4, 5];
  assert.deepEqual([pageOf(xs, 1, 2), pageOf(xs, 3, 2), pageOf(xs, 4, 2)], [[1, 2], [5], []]);
});
