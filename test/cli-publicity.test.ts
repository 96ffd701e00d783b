// `citycredit publicity explain` as the credit office runs it on a department's file: JSON Lines, nothing stored.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { installBuiltinCatalog } from '../src/domains/catalog/catalog.repository.ts';
import { csvEscape, generatePenaltyRows, PENALTY_HEADERS } from '../src/domains/ingest/fixtures.ts';
import { seedDepartments } from '../src/shell/seed.ts';
import { savePublicitySettings } from '../src/domains/publicity/index.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { runCli } from './helpers/cli.ts';

let t: TestDb;
let dir: string;

before(async () => {
  t = await createTestDb();
  dir = await mkdtemp(join(tmpdir(), 'cc-cli-publicity-'));
  await seedDepartments(t.db, loadConfig({}));
  await installBuiltinCatalog(t.db);
});
after(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]) {
  return runCli(args, { ...process.env, DATABASE_URL: t.url, CITYCREDIT_DATA_DIR: dir, LOG_LEVEL: 'silent' }).done;
}

/** A valid 行政处罚 row of an organisation from the fixtures, with the named cells replaced. */
function row(over: Record<string, string>): string {
  const base = generatePenaltyRows(1, 7).next().value!.cells;
  const cells = PENALTY_HEADERS.map((h, i) => over[h] ?? base[i]);
  return cells.map(csvEscape).join(',');
}

test('publicity explain prints one JSON line per data row with its decision, errors for invalid rows, and stores nothing', async () => {
  const lines = [
    PENALTY_HEADERS.map(csvEscape).join(','),
    // Case 1: a 2024 市场监管 food fine: order 58, 1-year minimum.
    row({ 处罚有效期: '2024-04-01', 公示截止期: '2027-03-01', 处罚依据: '依据《中华人民共和国食品安全法》第一百二十四条', 行政处罚决定书文号: '宁市监罚〔2024〕1号', 违法行为类型: '经营不符合食品安全标准的食品', 违法事实: '经查，当事人经营不符合食品安全标准的食品。', 处罚类别: '罚款', 处罚内容: '罚款人民币5000元', '罚款金额（万元）': '0.5', 处罚决定日期: '2024-03-01' }),
    // Case 6: a 警告 the day before the 2026 rules.
    row({ 处罚有效期: '2026-04-30', 公示截止期: '2027-03-31', 行政处罚决定书文号: '宁市监罚〔2026〕2号', 违法行为类型: '未按规定公示信息', 违法事实: '经查，当事人未按规定公示信息。', 处罚类别: '警告', 处罚内容: '警告', '罚款金额（万元）': '', 处罚决定日期: '2026-03-31' }),
    row({ 行政处罚决定书文号: '宁市监罚〔2026〕3号', 处罚决定日期: '不是日期' }),
  ];
  const file = join(dir, 'penalties.csv');
  await writeFile(file, lines.join('\r\n') + '\r\n');

  const r = await cli(['publicity', 'explain', file, '--catalog', '行政处罚', '--at', '2026-06-01']);
  assert.equal(r.code, 0, r.err);
  const out = r.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(out.length, 3);
  assert.deepEqual(
    { ...out[0], reasons: undefined, warnings: undefined, reasonCodes: undefined },
    {
      row: 2,
      ok: true,
      regime: '2023',
      severity: '一般',
      public: true,
      publicFrom: '2024-03-01',
      publicUntil: '2027-03-01',
      repairable: true,
      repairableFrom: '2025-03-02',
      audience: 'public',
      sector: '食品药品',
      transition: 'decision_date',
      reasons: undefined,
      warnings: undefined,
      reasonCodes: undefined,
    },
  );
  assert.ok(out[0].reasons.includes('食品药品领域最短公示期 1 年'), out[0].reasons.join('；'));
  assert.ok(out[0].reasonCodes.includes('sector_minimum'));
  assert.ok(Array.isArray(out[0].warnings));
  assert.equal(out[1].public, true);
  assert.equal(out[1].publicUntil, '2029-03-31');
  assert.ok(out[1].reasons.some((s: string) => s.startsWith('过渡规则：施行前作出的决定适用决定时的规则')), out[1].reasons.join('；'));
  assert.equal(out[2].row, 4);
  assert.equal(out[2].ok, false);
  assert.ok(out[2].errors.some((e: { code: string }) => e.code === 'date_invalid'), JSON.stringify(out[2].errors));

  // What a transition choice would do: new rules for all ends the 警告's publicity on 2026-04-01.
  const alt = await cli(['publicity', 'explain', file, '--catalog', 'sgs_cf_v2', '--at', '2026-06-01', '--transition', 'new_for_all']);
  assert.equal(alt.code, 0, alt.err);
  const second = JSON.parse(alt.out.trim().split('\n')[1]);
  assert.deepEqual([second.public, second.regime, second.severity, second.audience, second.transition], [false, '2026', '轻微', 'government', 'new_for_all']);

  // Nothing was stored: no batch, no record.
  const n = await t.db.selectFrom('ingest_batches').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  assert.equal(n.n, 0);
  const m = await t.db.selectFrom('records').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  assert.equal(m.n, 0);

  const bad = await cli(['publicity', 'explain', file, '--catalog', '行政处罚', '--transition', 'whatever']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /过渡规则“whatever”无效/);
});

test('publicity explain shows the new reasons and warnings (issue 13) and decides with the settings the credit office saved', async () => {
  // The 处罚 file with the local columns of catalogue version 3 (出生日期, 处罚程序, 当前状态).
  const headers = [...PENALTY_HEADERS, '出生日期', '当前状态'];
  const person = {
    行政相对人名称: 'John Smith',
    行政相对人类别: '自然人',
    '行政相对人代码_1（统一社会信用代码）': '',
    法定代表人: '',
    法定代表人证件类型: '',
    法定代表人证件号码: '',
    证件类型: '护照',
    证件号码: 'E12345678',
  };
  const line = (over: Record<string, string>, extra: [string, string] = ['', '']) => row(over) + ',' + extra.map(csvEscape).join(',');
  const dated = { 处罚决定日期: '2026-05-10', 处罚有效期: '2026-06-10', 公示截止期: '2027-05-10' };
  const lines = [
    headers.map(csvEscape).join(','),
    // [what the row is] → what the line must say; before: a passport passed as an adult, 注销 was withdrawn, 2000 万元 was 严重.
    line({ ...dated, ...person, 行政处罚决定书文号: '宁市监罚〔2026〕11号', 处罚类别: '罚款', 处罚内容: '罚款人民币5000元', '罚款金额（万元）': '0.5' }),
    line({ ...dated, ...person, 行政处罚决定书文号: '宁市监罚〔2026〕12号', 处罚类别: '罚款', 处罚内容: '罚款人民币5000元', '罚款金额（万元）': '0.5' }, ['1980-05-01', '']),
    line({ ...dated, 行政处罚决定书文号: '宁市监罚〔2026〕13号', 处罚类别: '罚款', 处罚内容: '责令改正，并处罚款', '罚款金额（万元）': '2000' }),
    line({ ...dated, 行政处罚决定书文号: '宁市监罚〔2026〕14号', 处罚类别: '罚款', 处罚内容: '罚款人民币100000元', '罚款金额（万元）': '10' }, ['', '注销']),
    line({ ...dated, 行政处罚决定书文号: '宁市监罚〔2026〕15号', 处罚类别: '行政拘留', 处罚内容: '行政拘留五日', '罚款金额（万元）': '' }),
  ];
  const file = join(dir, 'penalties-v3.csv');
  await writeFile(file, lines.join('\r\n') + '\r\n');
  const explain = async () => {
    const r = await cli(['publicity', 'explain', file, '--catalog', '行政处罚', '--at', '2026-06-01']);
    assert.equal(r.code, 0, r.err);
    return r.out.trim().split('\n').map((l) => JSON.parse(l));
  };
  const out = await explain();
  // [row, public, audience, a reason code, in warnings]
  const cases: [number, boolean, string, string | null, string | null][] = [
    [2, false, 'government', 'age_unconfirmed', 'age_unconfirmed'],
    [3, true, 'public', null, null],
    [4, true, 'public', 'fine_implausible', 'fine_implausible'],
    [5, false, 'government', 'ended', null],
    [6, true, 'public', null, null],
  ];
  for (const [rowNo, pub, audience, code, warning] of cases) {
    const o = out.find((x) => x.row === rowNo);
    assert.deepEqual([o.ok, o.public, o.audience], [true, pub, audience], JSON.stringify(o));
    if (code) assert.ok(o.reasonCodes.includes(code), JSON.stringify(o));
    if (warning) assert.ok(o.warnings.includes(warning), JSON.stringify(o));
  }
  assert.ok(out[0].reasons[0].startsWith('暂不公示：当事人为自然人'), out[0].reasons.join('；'));
  assert.equal(out[2].severity, '一般');
  assert.ok(out[2].reasons.some((s: string) => s.includes('超过平台设定的合理上限 1000 万元')), out[2].reasons.join('；'));
  assert.deepEqual([out[4].severity, out[4].publicUntil], ['严重', '2029-05-10']);

  // The credit office sets 行政拘留 to 一般 and raises the ceiling: explain follows the stored settings.
  await savePublicitySettings(t.db, { categorySeverity: { '13': '一般' }, fineCeiling: 5000 }, { actor: null });
  const after = await explain();
  assert.deepEqual([after[4].severity, after[4].publicUntil], ['一般', '2027-05-10']);
  assert.deepEqual([after[2].severity, after[2].reasonCodes.includes('fine_implausible')], ['严重', false]);
});
