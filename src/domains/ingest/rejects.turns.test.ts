// Issue 18: a commit protects its rejected rows' cells (rejects.ts protectRejectCells: masking of personal columns,
// the detector over every other cell, the originals sealed) in slices with turns of the event loop, on the thread
// that serves HTTP. rejectCopyLines must write exactly the lines the commit wrote row by row before (`formerLine`,
// kept below), and give the loop turns on a large input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as onNextTurn } from 'node:timers';
import { generateIdNumber, idCheckChar } from '../codes/index.ts';
import { esc } from './copytext.ts';
import { generatePenaltyRows, PENALTY_HEADERS } from './fixtures.ts';
import { protectRejectCells, rejectCopyLines, type PendingReject } from './rejects.ts';

const col = (h: string) => PENALTY_HEADERS.indexOf(h);
// A stand-in for the batch's sealer: deterministic (AES-GCM's random nonce would make the lines differ) and not the plain text.
const seal = (s: string) => `sealed:${Buffer.from(s).toString('base64')}`;
const TODAY = new Date('2026-12-07T00:00:00Z');
const BATCH = '42';

/** The line commit.ts wrote for a rejected row before issue 18's slicing, verbatim. */
function formerLine(r: PendingReject, personal: ReadonlySet<number>, sealWith?: (s: string) => string): string {
  const p = protectRejectCells(r.cells, personal, TODAY, sealWith);
  return `${BATCH}\t${r.rowNumber}\t${esc(JSON.stringify(p.cells))}\t${esc(JSON.stringify(r.errors))}\t${p.piiEnc ?? '\\N'}\tt\n`;
}

const generated = [...generatePenaltyRows(400, 2026)].map((r) => r.cells);
const person = generated.find((c) => c[col('行政相对人类别')] === '自然人')!;
const org = generated.find((c) => c[col('行政相对人类别')] === '法人及非法人组织')!;
const idBase = '63010219850315123';
const otherId = idBase + idCheckChar(idBase);
const ERR = [{ code: 'date_invalid', message: '处罚决定日期格式错误', column: 3 }] as unknown as PendingReject['errors'];
const personalCols = new Set([col('证件号码')]);

const CASES: { name: string; rows: PendingReject[]; personal: ReadonlySet<number>; seal?: (s: string) => string }[] = [
  { name: 'a person: the ID column masked whole, sealed', rows: [{ rowNumber: 2, cells: person, errors: ERR }], personal: personalCols, seal },
  {
    name: 'an ID number and a mobile in free text of another column',
    rows: [{ rowNumber: 3, cells: org.map((c, i) => (i === col('违法事实') ? `雇员（身份证 ${otherId}，电话 13912345678）无证经营` : c)), errors: ERR }],
    personal: personalCols,
    seal,
  },
  { name: 'nothing personal: no sealed originals', rows: [{ rowNumber: 4, cells: org, errors: ERR }], personal: personalCols, seal },
  { name: 'empty and missing cells, quotes, tabs and backslashes', rows: [{ rowNumber: 5, cells: ['', 'a\tb', 'C:\\路径', '"引号"', '\n'], errors: ERR }], personal: new Set([0, 1]), seal },
  { name: 'masking for output only (no sealer)', rows: [{ rowNumber: 6, cells: person, errors: ERR }], personal: personalCols },
  {
    name: 'duplicate rows (the same cells twice) and many rows',
    rows: Array.from({ length: 300 }, (_, i) => ({ rowNumber: 10 + i, cells: generated[i % 40], errors: ERR })),
    personal: personalCols,
    seal,
  },
];

for (const c of CASES) {
  test(`rejectCopyLines writes the lines the commit wrote row by row: ${c.name}`, async () => {
    const lines = await rejectCopyLines(BATCH, c.rows, c.personal, TODAY, c.seal);
    assert.deepEqual(lines, c.rows.map((r) => formerLine(r, c.personal, c.seal)));
  });
}

test('the cases exercise masking: the ID number is not in the lines, and the sealed originals are', async () => {
  const [line] = await rejectCopyLines(BATCH, CASES[1].rows, personalCols, TODAY, seal);
  assert.ok(!line.includes(otherId) && !line.includes('13912345678'), line);
  assert.match(line, /\tsealed:/);
  const [own] = await rejectCopyLines(BATCH, CASES[0].rows, personalCols, TODAY, seal);
  assert.ok(!own.includes(person[col('证件号码')]));
});

test('the event loop gets turns while a large batch of rejected rows is protected', async () => {
  // 3,000 rows of about 30 cells, each run through the detector: many slices of work on any machine.
  const rows: PendingReject[] = Array.from({ length: 3000 }, (_, i) => {
    const cells = [...generated[i % generated.length]];
    cells[col('违法事实')] = `当事人（身份证号 ${generateIdNumber(() => ((i * 7919) % 1000) / 1000)}）${cells[col('违法事实')]}`;
    return { rowNumber: i + 2, cells, errors: ERR };
  });
  let turned = false;
  onNextTurn(() => (turned = true)); // registered before the call: runs only if the call gives the loop a turn
  const lines = await rejectCopyLines(BATCH, rows, personalCols, TODAY, seal);
  assert.ok(turned, 'a callback registered before the call ran before its promise resolved');
  assert.equal(lines.length, rows.length);
});
