// parse.wire.ts: a batch packed in the worker is unpacked into the same rows, in file order, with the staged versions
// as stageRow makes them (same fields, same order), views on the same buffers, and one result per set of flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineArena } from './copytext.ts';
import { packRows, unpackRows } from './parse.wire.ts';
import type { StagedRow, StagedVersion } from './staging.ts';
import type { RowResult } from './validate.ts';

function staged(rowNumber: number, arena: LineArena, over: Partial<StagedVersion> = {}): StagedVersion {
  return {
    rowNumber,
    key: `91310000MA1FL8XQ3C\u001f沪罚〔2026〕${rowNumber}号\u001f91440300MA5G6K0X2L`,
    authority: '91310000MA1FL8XQ3C',
    docNo: `沪罚〔2026〕${rowNumber}号`,
    hash: 'ab'.repeat(32),
    withdrawn: false,
    late: false,
    workingDays: 3,
    provisional: false,
    decision: '2026-11-02',
    kind: 'legal',
    name: '上海某某贸易有限公司',
    uscc: '91440300MA5G6K0X2L',
    idHash: null,
    idNumber: null,
    orgCode: null,
    regNo: null,
    json: arena.add(`{"n":${rowNumber},"名称":"上海某某贸易有限公司"}`),
    line: null,
    cells: arena.add(`["${rowNumber}","上海某某贸易有限公司"]`),
    ...over,
  };
}

function accepted(s: StagedVersion): Extract<StagedRow, { kind: 'accepted' }> {
  const result: RowResult = { ok: true, values: { a: 'x' }, errors: [], warnings: [], late: s.late, workingDays: s.workingDays, provisional: s.provisional, withdrawn: s.withdrawn, subject: { category: '法人及非法人组织', name: s.name } };
  return { kind: 'accepted', rowNumber: s.rowNumber, result, cells: ['x'], staged: s };
}

test('a packed batch unpacks to the same rows in file order, staged versions field for field', () => {
  const a = new LineArena();
  const b = new LineArena();
  const versions = [
    staged(2, a),
    staged(3, a, { workingDays: null, late: true, decision: null }),
    staged(5, b, { workingDays: 0, withdrawn: true, provisional: true, kind: 'natural_person', uscc: null, idHash: 'cd'.repeat(32), idNumber: '11010519491231002X', name: null }),
    staged(6, b, { workingDays: -2, orgCode: 'MA1FL8XQ3', regNo: '310000000000001' }),
    staged(7, a),
  ];
  const rejected: StagedRow = { kind: 'rejected', rowNumber: 4, cells: ['坏', ''], errors: [{ field: 'x', header: 'X', code: 'required', message: '必填' }] };
  const review: StagedRow = { kind: 'accepted', rowNumber: 8, result: accepted(versions[0]).result, cells: ['留待审核'] };
  const batch = [accepted(versions[0]), accepted(versions[1]), rejected, accepted(versions[2]), accepted(versions[3]), accepted(versions[4]), review];

  // What the views hold, read before their buffers are transferred (which detaches them here).
  const texts = versions.map((v) => ({ json: v.json.toString(), cells: v.cells.toString() }));
  const wire = packRows(batch);
  assert.equal(wire.buffers.length, 2, 'each arena once');
  assert.deepEqual(wire.rows, [rejected, review], 'rows that are not staged cross as they are');
  const out = unpackRows(structuredClone(wire, { transfer: wire.buffers }));
  assert.equal(versions[0].json.byteLength, 0, 'the arenas were transferred, not copied');

  assert.deepEqual(out.map((r) => r.rowNumber), [2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(out[2], rejected);
  assert.deepEqual(out[6], review);
  const got = out.filter((r): r is Extract<StagedRow, { kind: 'accepted' }> => r.kind === 'accepted' && !!r.staged);
  assert.equal(got.length, versions.length);
  for (const [i, r] of got.entries()) {
    const want = versions[i];
    const s = r.staged!;
    assert.deepEqual(Object.keys(s), Object.keys(want), 'the fields of stageRow, in its order');
    assert.ok(Buffer.isBuffer(s.json) && Buffer.isBuffer(s.cells));
    assert.deepEqual({ ...s, json: s.json.toString(), cells: s.cells.toString() }, { ...want, ...texts[i] });
    assert.deepEqual(
      { late: r.result.late, withdrawn: r.result.withdrawn, provisional: r.result.provisional, workingDays: r.result.workingDays },
      { late: want.late, withdrawn: want.withdrawn, provisional: want.provisional, workingDays: want.workingDays },
    );
    assert.deepEqual(r.cells, [], 'the cells are in the staged version');
  }
  // Rows 2 and 7 have the same flags: one result object; null working days is not 0.
  assert.equal(got[0].result, got[4].result);
  assert.notEqual(got[1].result, got[2].result);
  assert.equal(got[1].result.workingDays, null);
  assert.equal(got[2].result.workingDays, 0);
});

test('a batch without staged rows (held for review, or all rejected) crosses as it is', () => {
  const rejected: StagedRow = { kind: 'rejected', rowNumber: 2, cells: ['a'], errors: [] };
  const wire = packRows([rejected]);
  assert.equal(wire.buffers.length, 0);
  assert.deepEqual(unpackRows(structuredClone(wire)), [rejected]);
});
