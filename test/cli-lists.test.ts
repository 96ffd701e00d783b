// `citycredit lists screen` as an operator runs it: the same screening as the console, the result table written,
// the check stored for the department; an unknown scenario refused with the valid ones.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { loadConfig } from '../src/config.ts';
import { registerEntry } from '../src/domains/lists/index.ts';
import { installShippedMeasures } from '../src/domains/sanctions/index.ts';
import { seedDepartments } from '../src/shell/seed.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { runCli } from './helpers/cli.ts';
import { installBuiltinListTypes } from '../src/domains/lists/index.ts';

let t: TestDb;
let dir: string;
const LISTED = '91350100M000100Y43';

before(async () => {
  t = await createTestDb();
  dir = await mkdtemp(join(tmpdir(), 'cc-cli-lists-'));
  await seedDepartments(t.db, loadConfig({}));
  await installShippedMeasures(t.db);
  await installBuiltinListTypes(t.db); // the lists domain's shipped types (SXBZXR, ZFCGSX, ANSRX …)
  const s = await t.db.insertInto('subjects').values({ kind: 'legal', name: '福州某某建材有限公司', uscc: LISTED, created_at: new Date(), updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  await registerEntry(t.db, { listType: 'ZFCGSX', subjectId: s.id, decisionNo: '榕财采〔2026〕3号', origin: 'collected', status: 'listed' });
  await writeFile(join(dir, 'in.csv'), `统一社会信用代码\n${LISTED}\n91350100M00010399X\n`);
});
after(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args, { ...process.env, DATABASE_URL: t.url, CITYCREDIT_DATA_DIR: dir, LOG_LEVEL: 'silent' }).done;

test('lists screen writes the result table and stores the check for the department', async () => {
  const out = join(dir, 'out.xlsx');
  const r = await cli(['lists', 'screen', join(dir, 'in.csv'), '--scenario', '政府采购', '--dept', 'CZJ', '--out', out]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /比对 2 行，找到 1，命中黑名单 1/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await readFile(out)) as unknown as ExcelJS.Buffer);
  assert.equal(wb.worksheets[0]!.getRow(2).getCell(5).value, '命中');
  const c = await t.db.selectFrom('sanction_checks').select(['channel', 'subjects', 'hits']).executeTakeFirstOrThrow();
  assert.deepEqual(c, { channel: 'screening', subjects: 2, hits: 1 });
});

test('an unknown scenario is refused with the valid ones, and nothing is written', async () => {
  const out = join(dir, 'none.xlsx');
  const r = await cli(['lists', 'screen', join(dir, 'in.csv'), '--scenario', '采购', '--dept', 'CZJ', '--out', out]);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /未知的业务场景.*政府采购/);
  await assert.rejects(readFile(out));
});
