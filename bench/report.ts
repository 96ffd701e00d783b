// Credit report (公共信用信息报告) speed, printed, never asserted.
// Run: `npm run bench -- report [--n 50] [--records 20] [--no-db]`.
//
//  1. the renderer alone: renderReportPdf on a realistic model (a legal person with `records` public
//     行政处罚 records, shaped by the public API's own toPublic), after a few warm-up renders; wall time
//     and this process's CPU time per report (CPU time is what the machine's other load does not inflate);
//  2. one DB round trip per report: issueReport (subject, publicRecordsOfSubject, the day's number, render,
//     insert + audit in one transaction) and both verifications, on a throw-away embedded PostgreSQL with
//     the subject's records imported through importRows and decided by the publicity job.
// The server runs in a temporary folder on a free port and is stopped, and the folder removed, at the end,
// on error and on Ctrl-C.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { createDb, migrate, type Db } from '../src/db/index.ts';
import { startEmbedded, type EmbeddedServer } from '../src/db/embedded.ts';
import { findActiveItem, installBuiltinCatalog } from '../src/domains/catalog/catalog.repository.ts';
import { generateUscc } from '../src/domains/codes/index.ts';
import { importRows } from '../src/domains/ingest/import.service.ts';
import { refreshPublicity } from '../src/domains/publicity/publicity.service.ts';
import { companyPenaltyRows, sampleReportModel } from '../src/domains/reports/reports.fixtures.ts';
import { renderReportPdf, warmUpReportRenderer } from '../src/domains/reports/reports.render.ts';
import { issueReport, verifyByCode, verifyByPdf, type ReportSettings } from '../src/domains/reports/reports.service.ts';
import { mulberry32 } from '../src/platform/random.ts';
import { seedDepartments } from '../src/shell/seed.ts';
import { arg, freePort, onInterrupt, removeFolders } from './lib.ts';
import { allowFixtureAuthorities } from '../test/helpers/authorities.ts';

const SECRET = 'bench-report-secret-0123456789-abcdefghij';
const WARM_UP = 5;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
const ms = (x: number) => `${x.toFixed(1)} ms`;
const summary = (label: string, xs: number[]) => `${label}: p50 ${ms(quantile(xs, 0.5))}, p95 ${ms(quantile(xs, 0.95))}, max ${ms(Math.max(...xs))}`;

/** Runs fn n times; wall and CPU milliseconds of each run. */
async function timed<T>(n: number, fn: (i: number) => Promise<T>): Promise<{ wall: number[]; cpu: number[]; last: T }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  let last!: T;
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    last = await fn(i);
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return { wall, cpu, last };
}

export async function run(args: string[]): Promise<void> {
  const n = arg(args, 'n', 50);
  const records = arg(args, 'records', 20);
  const withDb = !args.includes('--no-db');
  console.log(`report benchmark: ${n} reports of a legal person with ${records} public records; Node ${process.version}`);

  // ---- 1. the renderer
  let t = performance.now();
  warmUpReportRenderer();
  console.log(`\n1. renderReportPdf (pure)\n  fonts loaded in ${ms(performance.now() - t)}`);
  const model = sampleReportModel(records);
  t = performance.now();
  await renderReportPdf(model);
  console.log(`  first report (cold: JIT, font tables): ${ms(performance.now() - t)}`);
  for (let i = 1; i < WARM_UP; i++) await renderReportPdf(model);
  const r = await timed(n, () => renderReportPdf(model));
  const pages = (r.last.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
  console.log(`  ${summary('wall', r.wall)}`);
  console.log(`  ${summary('CPU ', r.cpu)}`);
  console.log(`  ${r.last.length.toLocaleString('en-US')} bytes, ${pages} pages`);
  if (!withDb) return;

  // ---- 2. with the database
  const pgDir = await mkdtemp(join(tmpdir(), 'citycredit-bench-pg-'));
  let server: EmbeddedServer | null = null;
  let db: Db | null = null;
  const finish = onInterrupt(`stopping PostgreSQL and removing ${pgDir}`, async () => {
    await db?.destroy().catch(() => undefined);
    await server?.stop().catch((e) => console.error(`stopping PostgreSQL failed: ${String(e)}`));
    await removeFolders(pgDir);
  });
  try {
    server = await startEmbedded({ dataDir: pgDir, port: await freePort(), database: 'postgres' });
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE bench ENCODING 'UTF8' TEMPLATE template0`);
    await admin.end();
    const conn = createDb(server.url('bench'), 4);
    db = conn.db;
    await migrate(db);
    const config = loadConfig({});
    await seedDepartments(db, config);
    await installBuiltinCatalog(db);
    const company = { name: '西宁昆仑高原商贸有限公司', uscc: generateUscc(mulberry32(7), { prefix: '91', region: '630104' }), legalRepresentative: '王建国' };
    const over = { CF_CFLB: '罚款', CF_NR_FK: '0.5', CF_NR_WFFF: '', CF_NR_ZKDX: '', CF_NR: '罚款人民币5000元' };
    const item = (await findActiveItem(db, '行政处罚'))!;
    // 市场监管局 may report every authority the generated rows name (issue 11 §1).
    const dept = await allowFixtureAuthorities(db, 'SCJGJ');
    const receipt = await importRows({
      db,
      pool: conn.pool,
      secret: SECRET,
      item,
      departmentId: dept.id,
      channel: 'api',
      rows: companyPenaltyRows(records, 20261128, { company, from: '2026-06-01', to: '2026-11-20', docPrefix: 1, over }),
    });
    await refreshPublicity(db, SECRET, { batchId: receipt.batchId });
    const subject = await db.selectFrom('subjects').select('id').where('uscc', '=', company.uscc).executeTakeFirstOrThrow();
    const shown = await db.selectFrom('records').select(db.fn.countAll<number>().as('n')).where('subject_id', '=', subject.id).where('audience', '=', 'public').executeTakeFirstOrThrow();
    console.log(`\n2. with embedded PostgreSQL ${server.port}: ${receipt.accepted} records imported, ${Number(shown.n)} public`);
    const settings: ReportSettings = { secret: SECRET, cityName: config.cityName, cityRegionCode: config.cityRegionCode, siteTitle: config.siteTitle };
    const ctx = { baseUrl: 'https://credit.example', audit: { actor: null, ip: '127.0.0.1' } };
    for (let i = 0; i < WARM_UP; i++) await issueReport(db, settings, subject.id, ctx);
    const issued = await timed(n, () => issueReport(db!, settings, subject.id, ctx));
    console.log(`  issueReport   ${summary('wall', issued.wall)}`);
    console.log(`                ${summary('CPU ', issued.cpu)}`);
    const byCode = await timed(n, () => verifyByCode(db!, settings, issued.last.number, issued.last.verificationCode));
    console.log(`  verifyByCode  ${summary('wall', byCode.wall)} (genuine: ${byCode.last.genuine})`);
    const wrong = await timed(n, () => verifyByCode(db!, settings, issued.last.number, 'AAAAAAAA'));
    console.log(`  wrong code    ${summary('wall', wrong.wall)} (genuine: ${wrong.last.genuine})`);
    const byPdf = await timed(n, () => verifyByPdf(db!, settings, issued.last.pdf));
    console.log(`  verifyByPdf   ${summary('wall', byPdf.wall)} (genuine: ${byPdf.last.genuine})`);
  } finally {
    await finish();
  }
}
