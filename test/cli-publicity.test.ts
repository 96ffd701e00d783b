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
