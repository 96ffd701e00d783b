// The public side under a realistic load, over real HTTP, printed against the targets, never asserted (issue #5).
// Run: `npm run bench -- public [--subjects N] [--records N] [--queries N] [--duration S]`
// (defaults 1,000,000 subjects, 2,000,000 records, 1,000 queries per kind, 10 s of load per endpoint);
// also [--file-rows N] (rows per imported file, 200,000), [--connections N] (64), [--reports N] (100),
// [--import-rows N] (rows of the import the 2-character searches run during; --file-rows), [--cpu-profile PATH]
// (a CPU profile of the main thread during that import, and where it held the event loop for 10 ms or more),
// [--import-nice N] (the nice value of that import's parse worker and PostgreSQL backend; INGEST_IMPORT_NICE's default),
// [--db-probe] (a second such import with the search service run in a child process, without HTTP: PostgreSQL's share).
//
//  1. load through the import path (importFile, as `citycredit import`): 60% of the records as 行政许可
//     (UTF-8 CSV with BOM, generated here) and 40% as 行政处罚 (GB18030 CSV, generatePenaltyRows with its
//     `subjects` pool option), in files of --file-rows rows, each written, imported and deleted in turn.
//     Both draw their subjects from pooledSubject (fixtures.ts): permits from the top of the pool down,
//     penalties from the bottom up, so min(N, M) distinct subjects with realistic, distinct names;
//     then the search-column backfill, the publicity decision of every batch, VACUUM ANALYZE;
//  2. the real app (buildApp, logger off) on a free port, one sequential keep-alive HTTP client in this
//     process, after a warm-up: search by 2-, 3- and 4-character fragments of stored names, by exact
//     USCC, and the subject API by id;
//  3. autocannon in a child process (its own event loop and CPU, on the same 2 cores as the server and
//     PostgreSQL), --connections connections for --duration seconds against GET /api/public/subjects/:id
//     and GET /api/public/subjects/:id/records?tab=permit|penalty over random subject ids;
//  4. POST /api/public/reports (the credit-report PDF), sequential, once warm.
// Per-client rate limits: the search limit is set high through config.searchRateLimitPerMinute; the records
// tab (120/min) and the report (10/min) limits are fixed in code, so the app trusts the proxy header and
// every load request carries its own X-Forwarded-For address, as many visitors behind a reverse proxy would.
// PostgreSQL runs in a temporary folder on a free port; it is stopped, the child killed and every temporary
// file removed at the end, on error and on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp, ROOT_DIR } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createDb, migrationVersion, type Db } from '../src/db/index.ts';
import { startEmbedded, type EmbeddedServer } from '../src/db/embedded.ts';
import { findActiveItem } from '../src/domains/catalog/catalog.repository.ts';
import { compileItem } from '../src/domains/catalog/catalog.model.ts';
import { SGS_XK_V2 } from '../src/domains/catalog/builtin/index.ts';
import type { CatalogItem } from '../src/domains/catalog/catalog.schemas.ts';
import { generateUscc } from '../src/domains/codes/index.ts';
import { PENALTY_HEADERS, csvEscape, generatePenaltyRows, pooledSubject } from '../src/domains/ingest/fixtures.ts';
import { encodeGb18030 } from '../src/domains/ingest/gb18030.ts';
import { importFile, type Receipt } from '../src/domains/ingest/import.service.ts';
import { publicRecords } from '../src/domains/publicity/public.repository.ts';
import { refreshPublicity } from '../src/domains/publicity/publicity.service.ts';
import { backfillSearchColumns } from '../src/domains/subjects/subjects.service.ts';
import { type Percentiles, arg, close, createBenchDatabase, fmt, fragments, freePort, onInterrupt, percentiles, removeFolders, write } from './lib.ts';
import type { AppContext } from '../src/platform/http.ts';
import { mulberry32 } from '../src/platform/random.ts';
import { isoOfEpochDay } from '../src/platform/workCalendar.ts';

const SEED = 20261128;
const SECRET = 'bench-public-secret-0123456789-abcdefghij';
const PERMIT_SHARE = 0.6;
const WARM_UP = 50;
const TARGET = { searchP95: 30, searchP99: 60, lookupP99: 5, rps: 2000, reportP50: 150 };
/** 2-character name search (issue 18), quiet and while an import of --file-rows rows runs. */
const TARGET_2CHAR = { p95: 25, p99: 50 };
const MiB = 1024 * 1024;

const secs = (ms: number) => (ms / 1000).toFixed(1);
const mib = (bytes: number) => `${Math.round(bytes / MiB)} MiB`;
let T0 = performance.now();
const log = (msg: string) => console.log(`[${secs(performance.now() - T0)}s] ${msg}`);

// ---------------------------------------------------------------- 行政许可 rows (generated here)

const XK_FIELDS = compileItem(SGS_XK_V2).templateFields;
const XK_HEADERS = XK_FIELDS.map((f) => f.name);
const XK_COL: Record<string, number> = Object.fromEntries(XK_FIELDS.map((f, i) => [f.code, i]));

interface PermitKind {
  doc: string;
  cert: string;
  category: string;
  number: (region: string, rng: () => number) => string;
  content: readonly string[];
  /** Years of validity; 0 = long-term (2099/12/31). */
  years: number;
}
interface PermitAuthority {
  name: string;
  abbr: string;
  uscc: string;
  kinds: readonly PermitKind[];
}

const digits = (rng: () => number, n: number) => String(Math.floor(rng() * 10 ** n)).padStart(n, '0');

// Authorities get stable USCCs (11 = 机关, region 630100), like the penalty fixtures' authorities.
const PERMIT_AUTHORITIES: readonly PermitAuthority[] = (() => {
  const rng = mulberry32(630101);
  const mk = (name: string, abbr: string, kinds: PermitKind[]): PermitAuthority => ({ name, abbr, uscc: generateUscc(rng, { prefix: '11', region: '630100' }), kinds });
  return [
    mk('西宁市市场监督管理局', '宁市监许', [
      {
        doc: '食品经营许可决定书',
        cert: '食品经营许可证',
        category: '普通',
        number: (region, r) => `JY1${region}${digits(r, 8)}`,
        content: ['预包装食品（含冷藏冷冻食品）销售', '散装食品（不含冷藏冷冻食品）销售', '热食类食品制售', '冷食类食品制售', '保健食品销售'],
        years: 5,
      },
      { doc: '准予设立登记通知书', cert: '营业执照', category: '登记', number: (region, r) => `${region}${digits(r, 9)}`, content: ['准予设立登记', '准予变更登记（经营范围）', '准予变更登记（住所）'], years: 0 },
    ]),
    mk('西宁市生态环境局', '宁环许', [
      { doc: '排污许可决定书', cert: '排污许可证', category: '核准', number: (region, r) => `91${region}${digits(r, 10)}001V`, content: ['大气污染物排放', '水污染物排放', '固体废物贮存'], years: 5 },
    ]),
    mk('西宁市交通运输局', '宁交许', [
      { doc: '道路运输经营许可决定书', cert: '道路运输经营许可证', category: '普通', number: (region, r) => `青交运管许可宁字${region}${digits(r, 6)}号`, content: ['道路普通货物运输', '道路旅客运输', '机动车维修'], years: 4 },
    ]),
    mk('西宁市卫生健康委员会', '宁卫许', [
      { doc: '公共场所卫生许可决定书', cert: '公共场所卫生许可证', category: '普通', number: (_region, r) => `青卫公字〔${digits(r, 4)}〕第${digits(r, 6)}号`, content: ['住宿', '美容美发', '沐浴'], years: 4 },
    ]),
    mk('西宁市住房和城乡建设局', '宁建许', [
      { doc: '建筑工程施工许可决定书', cert: '建筑工程施工许可证', category: '认可', number: (region, r) => `${region}2026${digits(r, 8)}0101`, content: ['房屋建筑工程施工', '市政基础设施工程施工', '装饰装修工程施工'], years: 3 },
    ]),
  ];
})();

const MS_DAY = 86_400_000;
const dayOf = (iso: string) => Math.floor(Date.parse(iso + 'T00:00:00Z') / MS_DAY);
const slash = (iso: string) => iso.replace(/-/g, '/');

/**
 * n 行政许可 v2 rows (cells in XK_HEADERS order); row j is about pool subject `subjectOf(j)`. Decisions
 * 2023-01-01 … 2026-11-20; document numbers count per authority and year, so they never repeat.
 */
function* generatePermitRows(n: number, seed: number, subjectOf: (j: number) => number): Generator<string[]> {
  const rng = mulberry32(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng() * a.length)];
  const fromDay = dayOf('2023-01-01');
  const toDay = dayOf('2026-11-20');
  const seq = new Map<string, number>();
  for (let j = 0; j < n; j++) {
    const s = pooledSubject(subjectOf(j));
    const cells: string[] = new Array(XK_HEADERS.length).fill('');
    const set = (code: string, v: string) => {
      cells[XK_COL[code]] = v;
    };
    set('XK_XDR_MC', s.name);
    set('XK_XDR_LB', s.category);
    set('XK_XDR_SHXYM', s.uscc);
    if (s.orgCode) set('XK_XDR_ZZJG', s.orgCode);
    set('XK_FRDB', s.legalRepresentative);
    const auth = pick(PERMIT_AUTHORITIES);
    const kind = pick(auth.kinds);
    const day = fromDay + Math.floor(rng() * (toDay - fromDay + 1));
    const iso = isoOfEpochDay(day);
    const year = iso.slice(0, 4);
    const k = `${auth.abbr}${year}`;
    const no = (seq.get(k) ?? 0) + 1;
    seq.set(k, no);
    set('XK_XKWS', kind.doc);
    set('XK_WSH', `${auth.abbr}〔${year}〕${no}号`);
    set('XK_XKLB', kind.category);
    set('XK_XKZS', kind.cert);
    set('XK_XKBH', kind.number(s.regionCode, rng));
    set('XK_NR', `${pick(kind.content)}${rng() < 0.4 ? `，${pick(kind.content)}` : ''}`);
    set('XK_JDRQ', rng() < 0.5 ? iso : slash(iso));
    set('XK_YXQZ', iso);
    set('XK_YXQZI', kind.years ? isoOfEpochDay(day + kind.years * 365 - 1) : rng() < 0.5 ? '长期' : '2099/12/31');
    set('XK_XKJG', auth.name);
    set('XK_XKJGDM', auth.uscc);
    set('XK_ZT', '有效');
    set('XK_LYDW', auth.name);
    set('XK_LYDWDM', auth.uscc);
    yield cells;
  }
}

// ---------------------------------------------------------------- HTTP client (sequential, keep-alive)

interface Reply {
  status: number;
  body: Buffer;
}

function request(agent: http.Agent, port: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: payload ? { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length) } : headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A different client address for each request (see the header). */
const visitor = (rng: () => number) => `10.${Math.floor(rng() * 256)}.${Math.floor(rng() * 256)}.${1 + Math.floor(rng() * 254)}`;

// ---------------------------------------------------------------- autocannon in a child process

interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  cpuSeconds: number;
}

// Plain ESM for `node -e`: reads its options from the JSON file named by its argument and prints one JSON line.
const LOAD_SCRIPT = `
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
const o = JSON.parse(readFileSync(process.argv[1], 'utf8'));
const ids = o.ids;
const tabs = ['permit', 'penalty'];
const r = (n) => Math.floor(Math.random() * n);
const cpu0 = process.cpuUsage();
const res = await autocannon({
  url: o.url,
  connections: o.connections,
  duration: o.duration,
  requests: [{
    method: 'GET',
    setupRequest: (req) => {
      const id = ids[r(ids.length)];
      req.path = o.kind === 'records' ? '/api/public/subjects/' + id + '/records?tab=' + tabs[r(2)] : '/api/public/subjects/' + id;
      req.headers = { ...req.headers, 'x-forwarded-for': '10.' + r(256) + '.' + r(256) + '.' + (1 + r(254)) };
      return req;
    },
  }],
});
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({
  requests: res.requests.total, rps: res.requests.total / res.duration, p50: res.latency.p50, p90: res.latency.p90, p99: res.latency.p99,
  max: res.latency.max, ok: res['2xx'], non2xx: res.non2xx, errors: res.errors, timeouts: res.timeouts, seconds: res.duration,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
}) + '\\n');
`;

// ---------------------------------------------------------------- the search probe (--db-probe)

// Plain ESM for `node --import tsx -e`: reads a fragment per stdin line, runs the search service on it and prints its
// latency in ms (an empty line is answered 'ready'), so the parent paces it; exits when stdin closes.
const PROBE_SCRIPT = `
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
const o = JSON.parse(readFileSync(process.argv[1], 'utf8'));
const { createDb } = await import(o.db);
const { searchSubjects } = await import(o.subjects);
const { db } = createDb(o.url, 1);
for await (const q of createInterface({ input: process.stdin })) {
  if (!q) { process.stdout.write('ready\\n'); continue; }
  const t = performance.now();
  await searchSubjects(db, q);
  process.stdout.write((performance.now() - t).toFixed(3) + '\\n');
}
await db.destroy();
`;

// ---------------------------------------------------------------- where the event loop is held (--cpu-profile)

/** Stretches of the main thread's CPU profile at least this long without an idle sample are reported. */
const BLOCK_MS = 10;

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** Starts sampling this thread (0.5 ms interval). */
async function startProfile(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return session;
}

/** Stops sampling and returns the profile. */
async function stopProfile(session: Session): Promise<CpuProfile> {
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  return profile as unknown as CpuProfile;
}

/**
 * The stretches of busy samples (no idle sample between) of at least `minMs`, and for their samples the function
 * of ours (src/ or bench/) deepest on the stack, or the runtime's label (GC, program): where the loop is held.
 */
function blockingReport(p: CpuProfile, minMs: number): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ownerOf = new Map<number, string>();
  const owner = (id: number): string => {
    const known = ownerOf.get(id);
    if (known) return known;
    const leaf = byId.get(id)!.callFrame;
    let label = leaf.functionName.startsWith('(') ? leaf.functionName : '';
    for (let at: number | undefined = id; at !== undefined && !label; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      const m = /\/(src|bench)\/(.*)$/.exec(f.url);
      if (m) label = `${f.functionName || '(anonymous)'} ${m[1]}/${m[2]}:${f.lineNumber + 1}`;
    }
    label ||= `${leaf.functionName || '(anonymous)'} ${leaf.url.replace(/^.*node_modules\//, '')}`;
    ownerOf.set(id, label);
    return label;
  };
  const stretches: Array<{ ms: number; by: Map<string, number> }> = [];
  let cur: { ms: number; by: Map<string, number> } | null = null;
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i];
    const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
    if (byId.get(id)!.callFrame.functionName === '(idle)') {
      if (cur && cur.ms >= minMs) stretches.push(cur);
      cur = null;
      continue;
    }
    cur ??= { ms: 0, by: new Map() };
    cur.ms += ms;
    const o = owner(id);
    cur.by.set(o, (cur.by.get(o) ?? 0) + ms);
  }
  if (cur && cur.ms >= minMs) stretches.push(cur);
  const total = new Map<string, number>();
  for (const s of stretches) for (const [o, ms] of s.by) total.set(o, (total.get(o) ?? 0) + ms);
  const lengths = stretches.map((s) => s.ms).sort((a, b) => b - a);
  const sum = lengths.reduce((a, b) => a + b, 0);
  return [
    `${stretches.length} stretches, ${sum.toFixed(0)} ms in all; longest ${lengths.slice(0, 8).map((x) => x.toFixed(0)).join(', ')} ms`,
    ...[...total]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([o, ms]) => `${ms.toFixed(0).padStart(7)} ms  ${o}`),
  ];
}

// ---------------------------------------------------------------- the run

interface Loaded {
  db: Db;
  pool: pg.Pool;
  url: string;
  permit: CatalogItem;
  penalty: CatalogItem;
  departmentId: number;
}

/** A migrated database with the departments and the built-in catalogue. */
async function prepareDatabase(server: EmbeddedServer, name: string): Promise<Loaded> {
  const { db, pool, url, departmentId } = await createBenchDatabase(server, name);
  const permit = await findActiveItem(db, '行政许可');
  const penalty = await findActiveItem(db, '行政处罚');
  if (!permit || !penalty) throw new Error('行政许可 / 行政处罚 catalogue items missing');
  // The permits name their own authorities: the reporting department may report for them (代报, issue 11 §1),
  // or every permit row is refused as authority_not_allowed.
  await db
    .insertInto('department_authorities')
    .values(PERMIT_AUTHORITIES.map((a) => ({ department_id: departmentId, authority_uscc: a.uscc, authority_name: a.name })))
    .onConflict((oc) => oc.columns(['department_id', 'authority_uscc']).doNothing())
    .execute();
  return { db, pool, url, permit, penalty, departmentId };
}

interface Verdict {
  label: string;
  value: string;
  target: string;
  met: boolean;
}

/** Runs the benchmark and prints its figures; see the module comment. */
export async function run(args: string[]): Promise<void> {
  const nSubjects = arg(args, 'subjects', 1_000_000);
  const nRecords = arg(args, 'records', 2_000_000);
  const q = arg(args, 'queries', 1_000);
  const duration = arg(args, 'duration', 10);
  const fileRows = arg(args, 'file-rows', 200_000);
  const connections = arg(args, 'connections', 64);
  const nReports = arg(args, 'reports', 100);
  const importRows = arg(args, 'import-rows', fileRows);
  const dbProbe = args.includes('--db-probe');
  const importNiceAt = args.indexOf('--import-nice');
  const importNice = importNiceAt >= 0 ? Number(args[importNiceAt + 1]) : loadConfig({ LOG_LEVEL: 'silent', DEMO_DATA: 'false' }).ingestImportNice;
  if (!Number.isInteger(importNice) || importNice < 0 || importNice > 19) throw new Error('--import-nice 需要 0–19 的整数 / needs an integer 0–19');
  const cpuProfileAt = args.indexOf('--cpu-profile');
  const cpuProfilePath = cpuProfileAt >= 0 ? (args[cpuProfileAt + 1] ?? null) : null;
  const nPermits = Math.round(nRecords * PERMIT_SHARE);
  const nPenalties = nRecords - nPermits;
  T0 = performance.now();
  const pgDir = await mkdtemp(join(tmpdir(), 'citycredit-bench-public-pg-'));
  const tmp = await mkdtemp(join(tmpdir(), 'citycredit-bench-public-files-'));
  let server: EmbeddedServer | null = null;
  let loaded: Loaded | null = null;
  let app: FastifyInstance | null = null;
  let appDb: { db: Db; pool: pg.Pool } | null = null;
  let child: ChildProcess | null = null;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const finish = onInterrupt(`stopping the app and PostgreSQL, removing ${pgDir} and ${tmp}`, async () => {
    if (child && child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    // The app first: it lets a request in flight finish (and release its connection) before it closes.
    await app?.close().catch(() => undefined);
    agent.destroy();
    await appDb?.db.destroy().catch(() => undefined);
    await loaded?.db.destroy().catch(() => undefined);
    await server?.stop().catch((e) => console.error(`stopping PostgreSQL failed: ${String(e)}`));
    await removeFolders(tmp, pgDir);
  });

  try {
    console.log(
      `public benchmark: ${fmt(nSubjects)} subjects, ${fmt(nRecords)} records (${fmt(nPermits)} 行政许可 + ${fmt(nPenalties)} 行政处罚), ` +
        `${fmt(q)} queries per kind, ${duration} s of load at ${connections} connections, ${nReports} reports; Node ${process.version}; files in ${tmp}`,
    );
    server = await startEmbedded({ dataDir: pgDir, port: await freePort(), database: 'bench' });
    loaded = await prepareDatabase(server, 'bench');
    const d = loaded;
    const version = (await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(d.db)).rows[0].v;
    log(`embedded PostgreSQL ${version} on port ${server.port}: migrated, departments and built-in catalogue installed`);

    // ---- 1. load through the import path
    console.log(`\n1. load through importFile, files of ${fmt(fileRows)} rows`);
    const batches: string[] = [];
    let imported = 0;
    let importMs = 0;
    let genMs = 0;
    let bytes = 0;
    const totals = { accepted: 0, rejected: 0, new: 0, updated: 0 };
    const importOne = async (label: string, item: CatalogItem, path: string) => {
      const t0 = performance.now();
      let next = 100_000;
      const receipt: Receipt = await importFile({
        db: d.db,
        pool: d.pool,
        secret: SECRET,
        item,
        departmentId: d.departmentId,
        channel: 'cli',
        path,
        onProgress: ({ rows: r }) => {
          if (r < next) return;
          next += 100_000;
          log(`    ${label}: ${fmt(r)} rows staged, ${fmt(r / ((performance.now() - t0) / 1000))} rows/s`);
        },
      });
      const ms = performance.now() - t0;
      importMs += ms;
      imported += receipt.total;
      batches.push(receipt.batchId);
      totals.accepted += receipt.accepted;
      totals.rejected += receipt.rejected;
      totals.new += receipt.new;
      totals.updated += receipt.updated;
      log(
        `  ${label}: ${receipt.status}${receipt.encoding ? ` (${receipt.encoding})` : ''}, ${fmt(receipt.total)} rows in ${secs(ms)} s = ${fmt(receipt.total / (ms / 1000))} rows/s; ` +
          `new ${fmt(receipt.new)}, updated ${fmt(receipt.updated)}, rejected ${fmt(receipt.rejected)}; ` +
          `so far ${fmt(imported)} of ${fmt(nRecords)} at ${fmt(imported / (importMs / 1000))} rows/s; RSS ${mib(process.memoryUsage().rss)}`,
      );
      for (const e of receipt.errors.slice(0, 5)) console.log(`    file error ${e.code}: ${e.message}`);
      if (receipt.status !== 'committed' || receipt.rejected > 0) {
        const sample = await sql<{ row_number: number; errors: unknown }>`SELECT row_number, errors FROM ingest_rejects WHERE batch_id = ${receipt.batchId} ORDER BY row_number LIMIT 3`.execute(d.db);
        for (const r of sample.rows) console.log(`    row ${r.row_number}: ${JSON.stringify(r.errors)}`);
      }
    };
    // Writes one file from a row source, imports it, deletes it.
    const file = async (label: string, item: CatalogItem, name: string, rows: Iterable<string[]>, headers: readonly string[], gb: boolean) => {
      const t = performance.now();
      const path = join(tmp, name);
      const out = createWriteStream(path);
      const enc = (s: string) => (gb ? encodeGb18030(s) : Buffer.from(s, 'utf8'));
      await write(out, Buffer.concat([gb ? Buffer.alloc(0) : Buffer.from([0xef, 0xbb, 0xbf]), enc(headers.map(csvEscape).join(',') + '\r\n')]));
      let text = '';
      let n = 0;
      for (const cells of rows) {
        text += cells.map(csvEscape).join(',') + '\r\n';
        n++;
        if (text.length > 1 << 19) {
          await write(out, enc(text));
          text = '';
        }
      }
      if (text) await write(out, enc(text));
      await close(out);
      const size = (await stat(path)).size;
      bytes += size;
      genMs += performance.now() - t;
      log(`  ${label}: generated ${name}, ${fmt(n)} rows, ${mib(size)} in ${secs(performance.now() - t)} s`);
      await importOne(label, item, path);
      await rm(path, { force: true });
    };
    // Pulls `count` items from an iterator (the generators keep their state from file to file).
    function* take<T>(it: Iterator<T>, count: number): Generator<T> {
      for (let i = 0; i < count; i++) {
        const r = it.next();
        if (r.done) return;
        yield r.value;
      }
    }
    const tLoad = performance.now();
    const permits = generatePermitRows(nPermits, SEED, (j) => nSubjects - 1 - (j % nSubjects));
    const nPermitFiles = Math.ceil(nPermits / fileRows);
    for (let f = 0; f < nPermitFiles; f++) {
      const rows = Math.min(fileRows, nPermits - f * fileRows);
      await file(`行政许可 ${f + 1}/${nPermitFiles}`, d.permit, `permit-${f + 1}-utf8.csv`, take(permits, rows), XK_HEADERS, false);
    }
    const penalties = (function* () {
      for (const r of generatePenaltyRows(nPenalties, SEED + 1, { subjects: nSubjects })) yield r.cells;
    })();
    const nPenaltyFiles = Math.ceil(nPenalties / fileRows);
    for (let f = 0; f < nPenaltyFiles; f++) {
      const rows = Math.min(fileRows, nPenalties - f * fileRows);
      await file(`行政处罚 ${f + 1}/${nPenaltyFiles}`, d.penalty, `penalty-${f + 1}-gb18030.csv`, take(penalties, rows), PENALTY_HEADERS, true);
    }
    const importRate = imported / (importMs / 1000);
    log(
      `loaded ${fmt(imported)} rows in ${secs(performance.now() - tLoad)} s: importFile ${secs(importMs)} s = ${fmt(importRate)} rows/s, ` +
        `generating ${mib(bytes)} of CSV ${secs(genMs)} s; accepted ${fmt(totals.accepted)}, rejected ${fmt(totals.rejected)}, new ${fmt(totals.new)}, updated ${fmt(totals.updated)}`,
    );

    let t = performance.now();
    let last = 0;
    const filled = await backfillSearchColumns(d.db, {
      batchSize: 5000,
      waitForOthersMs: 0,
      onProgress: (n) => {
        if (n - last >= 100_000) {
          last = n;
          log(`  … backfill ${fmt(n)}`);
        }
      },
    });
    const backfillMs = performance.now() - t;
    log(`search-column backfill: ${fmt(filled)} subjects in ${secs(backfillMs)} s (${fmt(filled / (backfillMs / 1000))} /s)`);

    t = performance.now();
    let checked = 0;
    let changed = 0;
    for (const [i, batchId] of batches.entries()) {
      const r = await refreshPublicity(d.db, SECRET, { batchId });
      checked += r.checked;
      changed += r.changed;
      log(`  … publicity: batch ${i + 1}/${batches.length}, ${fmt(checked)} records decided`);
    }
    const publicityMs = performance.now() - t;
    // The import decided every record already (changed should be 0); this is what re-deciding them costs, as after a rule change.
    log(`publicity job over every batch: ${fmt(checked)} records re-decided, ${fmt(changed)} changed, in ${secs(publicityMs)} s`);

    t = performance.now();
    await sql`VACUUM ANALYZE`.execute(d.db);
    const vacuumMs = performance.now() - t;
    const counts = (
      await sql<{ subjects: number; records: number; public: number; permits: number; penalties: number; size: string }>`
        SELECT (SELECT count(*) FROM subjects)::int AS subjects, (SELECT count(*) FROM records)::int AS records,
          (SELECT count(*) FROM records WHERE audience = 'public')::int AS public,
          (SELECT count(*) FROM records WHERE audience = 'public' AND record_type = 'permit')::int AS permits,
          (SELECT count(*) FROM records WHERE audience = 'public' AND record_type = 'penalty')::int AS penalties,
          pg_size_pretty(pg_database_size(current_database())) AS size`.execute(d.db)
    ).rows[0];
    log(
      `VACUUM ANALYZE ${secs(vacuumMs)} s; database ${counts.size}: ${fmt(counts.subjects)} subjects, ${fmt(counts.records)} records, ` +
        `${fmt(counts.public)} public (${fmt(counts.permits)} 行政许可, ${fmt(counts.penalties)} 行政处罚)`,
    );

    // ---- 2. the app
    const baseConfig = loadConfig({ LOG_LEVEL: 'silent', DEMO_DATA: 'false' }, { databaseUrl: d.url });
    const config = { ...baseConfig, searchRateLimitPerMinute: 1_000_000, trustProxy: 1, secret: SECRET };
    appDb = createDb(d.url, config.dbPoolSize);
    const ctx: AppContext = { config, db: appDb.db, pool: appDb.pool, migrationVersion: () => migrationVersion(appDb!.db) };
    app = await buildApp(ctx, { logger: false, serveWeb: false });
    const port = await freePort();
    await app.listen({ port, host: '127.0.0.1' });
    log(`app listening on 127.0.0.1:${port} (logger off, DB pool ${config.dbPoolSize}, search limit ${fmt(config.searchRateLimitPerMinute)}/min, trustProxy 1 hop)`);

    await sql`SELECT setseed(0.20261128)`.execute(d.db);
    const sample = (
      await sql<{ id: string; name: string; uscc: string }>`
        SELECT id::text AS id, name, uscc FROM subjects WHERE uscc IS NOT NULL ORDER BY random() LIMIT ${Math.max(3 * q, 5000)}`.execute(d.db)
    ).rows;
    const names = sample.map((r) => r.name);
    log(`sampled ${fmt(sample.length)} subjects, e.g. ${names.slice(0, 4).join('、')}`);
    const rng = mulberry32(SEED + 2);
    const get = (path: string) => request(agent, port, 'GET', path);

    console.log(`\n2. sequential HTTP, one keep-alive client in this process, ${WARM_UP} warm-up requests per kind`);
    const runs: Array<{ label: string; kind: 'search' | 'lookup'; s: Percentiles; bad: number; hits: number; target?: { p95: number; p99: number } }> = [];
    const measure = async (label: string, kind: 'search' | 'lookup', paths: string[], count: (r: Reply) => number, target?: { p95: number; p99: number }) => {
      for (const p of paths.slice(0, WARM_UP)) await get(p);
      const ms: number[] = [];
      let bad = 0;
      let hits = 0;
      for (const p of paths) {
        const t0 = performance.now();
        const r = await get(p);
        ms.push(performance.now() - t0);
        if (r.status !== 200) bad++;
        else hits += count(r);
      }
      const s = percentiles(ms);
      runs.push({ label, kind, s, bad, hits, target });
      log(`  ${label}: p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms${bad ? `, ${bad} not 200` : ''}`);
    };
    const items = (r: Reply) => (JSON.parse(r.body.toString('utf8')) as { items: unknown[] }).items.length;
    for (const len of [2, 3, 4]) {
      await measure(`search, ${len}-character fragments`, 'search', fragments(names, len, q, rng).map((f) => `/api/public/search?q=${encodeURIComponent(f)}`), items, len === 2 ? TARGET_2CHAR : undefined);
    }
    // 2-character search while an import of --import-rows new rows runs in this process, as the app's import job
    // would (issue 18): the import's COPY and merge, then the search indexer completing its new subjects, compete
    // with the searches for the same 2 cores. Every search that starts before the import returns is counted.
    const during = async (seed: number, search: (path: string) => Promise<Reply | null>, profile: boolean) => {
      const path = join(tmp, `during-search-${seed}-gb18030.csv`);
      const out = createWriteStream(path);
      await write(out, encodeGb18030(PENALTY_HEADERS.map(csvEscape).join(',') + '\r\n'));
      let text = '';
      for (const r of generatePenaltyRows(importRows, seed, { invalidRate: 0.03, duplicateRate: 0.02 })) {
        text += r.cells.map(csvEscape).join(',') + '\r\n';
        if (text.length > 1 << 19) {
          await write(out, encodeGb18030(text));
          text = '';
        }
      }
      if (text) await write(out, encodeGb18030(text));
      await close(out);
      const paths = fragments(names, 2, q, rng).map((f) => `/api/public/search?q=${encodeURIComponent(f)}`);
      const load0 = loadavg()[0];
      // What the searches wait on (issue 18): the import runs in this process, as the server's import job does, so
      // its synchronous work on the main thread (merging each chunk) holds the event loop that also serves the
      // searches. The loop's delay is printed beside the latencies, quiet and during the import.
      const loopQuiet = monitorEventLoopDelay({ resolution: 5 });
      loopQuiet.enable();
      for (const p of paths.slice(0, 200)) await get(p);
      loopQuiet.disable();
      const session = profile ? await startProfile() : null;
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      let importing = true;
      // At the app's priority setting (config.ingestImportNice; the bench's server is embedded, as the app's default).
      const imp = importFile({ db: d.db, pool: d.pool, secret: SECRET, item: d.penalty, departmentId: d.departmentId, channel: 'cli', path, importNice, reniceBackend: true }).finally(() => {
        importing = false;
      });
      const ms: number[] = [];
      let bad = 0;
      let hits = 0;
      for (let i = 0; importing; i++) {
        const t = performance.now();
        const r = await search(paths[i % paths.length]);
        if (r === null) break;
        ms.push(performance.now() - t);
        if (r.status !== 200) bad++;
        else hits += items(r);
      }
      const receipt = await imp;
      const importMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      loop.disable();
      const cpuProfile = session ? await stopProfile(session) : null;
      await rm(path, { force: true });
      return { ms, bad, hits, receipt, importMs, cpuMs: (cpu.user + cpu.system) / 1000, loop, loopQuiet, load0, cpuProfile };
    };
    {
      const r = await during(SEED + 3, get, cpuProfilePath !== null);
      const s = percentiles(r.ms);
      const label = `search, 2-character fragments, during a ${fmt(importRows)}-row import (nice ${importNice})`;
      runs.push({ label, kind: 'search', s, bad: r.bad, hits: r.hits, target: TARGET_2CHAR });
      log(
        `  ${label}: ${fmt(s.n)} searches while the import ran (${r.receipt.status}, ${fmt(r.receipt.new)} new records in ${secs(r.importMs)} s, ` +
          `${fmt(r.receipt.total / (r.importMs / 1000))} rows/s, CPU of this process (all its threads) ${secs(r.cpuMs)} s): ` +
          `p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms${r.bad ? `, ${r.bad} not 200` : ''}; load average ${r.load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`,
      );
      const ms1 = (h: ReturnType<typeof monitorEventLoopDelay>, p: number) => (h.percentile(p) / 1e6).toFixed(1);
      log(
        `  event-loop delay of this process (app and import): quiet (200 searches) p99 ${ms1(r.loopQuiet, 99)} ms, max ${(r.loopQuiet.max / 1e6).toFixed(1)} ms; ` +
          `during the import p50 ${ms1(r.loop, 50)} ms, p99 ${ms1(r.loop, 99)} ms, max ${(r.loop.max / 1e6).toFixed(1)} ms`,
      );
      if (r.cpuProfile && cpuProfilePath) {
        await writeFile(cpuProfilePath, JSON.stringify(r.cpuProfile));
        log(`  main-thread CPU profile of the import written to ${cpuProfilePath}; where the event loop was held for ≥ ${BLOCK_MS} ms at a stretch:`);
        for (const line of blockingReport(r.cpuProfile, BLOCK_MS)) console.log(`    ${line}`);
      }
    }
    // The same search service without HTTP and outside this process (its own event loop, the same PostgreSQL and
    // cores), during a second import of as many new rows: PostgreSQL's share of a search under the import's load.
    // The difference from the figure above is what the searches lose to this process's event loop.
    if (dbProbe) {
      const optsPath = join(tmp, 'probe.json');
      await writeFile(optsPath, JSON.stringify({ url: d.url, db: pathToFileURL(join(ROOT_DIR, 'src/db/index.ts')).href, subjects: pathToFileURL(join(ROOT_DIR, 'src/domains/subjects/index.ts')).href }));
      const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE_SCRIPT, optsPath], { cwd: ROOT_DIR, stdio: ['pipe', 'pipe', 'inherit'] });
      child = c;
      const lines = createInterface({ input: c.stdout });
      const replies = lines[Symbol.asyncIterator]();
      // The child answers each query (a fragment on its stdin) with its latency in ms, or 'ready' once started.
      const ask = async (line: string): Promise<string | null> => {
        c.stdin.write(line + '\n');
        const a = await replies.next();
        return a.done ? null : String(a.value);
      };
      if ((await ask('')) !== 'ready') throw new Error('the search probe did not start');
      const probeMs: number[] = [];
      const r = await during(
        SEED + 4,
        async (p) => {
          const a = await ask(decodeURIComponent(p.slice(p.indexOf('=') + 1)));
          if (a === null) return null;
          probeMs.push(Number(a));
          return { status: 200, body: Buffer.from('{"items":[]}') };
        },
        false,
      );
      c.stdin.end();
      await once(c, 'exit');
      child = null;
      const s = percentiles(probeMs);
      log(
        `  search service (searchSubjects, no HTTP) in a separate process during a second ${fmt(importRows)}-row import (${fmt(r.receipt.total / (r.importMs / 1000))} rows/s): ` +
          `${fmt(s.n)} searches, p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms (PostgreSQL's share, with the cores shared)`,
      );
    }
    const lookups = Array.from({ length: q }, (_, i) => sample[i % sample.length]);
    await measure('search by exact USCC', 'lookup', lookups.map((s) => `/api/public/search?q=${s.uscc}`), items);
    await measure('subject API by id (GET /subjects/:id)', 'lookup', lookups.map((s) => `/api/public/subjects/${s.id}`), () => 1);

    // ---- 3. throughput under load
    console.log(`\n3. autocannon in a child process: ${connections} connections × ${duration} s per endpoint, random subject ids, one X-Forwarded-For per request`);
    const ids = sample.map((s) => s.id);
    for (const id of ids.slice(0, 200)) {
      await get(`/api/public/subjects/${id}`);
      await get(`/api/public/subjects/${id}/records?tab=${rng() < 0.5 ? 'permit' : 'penalty'}`);
    }
    // The records tab's query for one subject, as the route runs it, with its plan (for a reader of a slow figure).
    const plan = await publicRecords(d.db)
      .where('r.subject_id', '=', ids[0])
      .where('r.record_type', 'in', ['permit'])
      .orderBy(sql`coalesce(r.decision_date, '1900-01-01')`, 'desc')
      .orderBy('r.id', 'desc')
      .limit(21)
      .explain('text', sql`analyze, buffers`);
    console.log('  plan of the records-tab query for one subject (EXPLAIN ANALYZE, BUFFERS):');
    for (const line of plan.map((r) => String(Object.values(r)[0]))) console.log(`    ${line}`);
    console.log(`  machine load average before the runs: ${loadavg().map((x) => x.toFixed(2)).join(', ')} (other processes share these cores)`);
    const optsPath = join(tmp, 'autocannon.json');
    const loads: Array<{ label: string; r: LoadResult; serverCpu: number }> = [];
    for (const [kind, label] of [
      ['subject', 'GET /api/public/subjects/:id'],
      ['records', 'GET /api/public/subjects/:id/records?tab=permit|penalty'],
    ] as const) {
      await writeFile(optsPath, JSON.stringify({ url: `http://127.0.0.1:${port}`, connections, duration, kind, ids }));
      const cpu0 = process.cpuUsage();
      const c = spawn(process.execPath, ['--input-type=module', '-e', LOAD_SCRIPT, optsPath], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
      child = c;
      let out = '';
      c.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
      const [code] = (await once(c, 'exit')) as [number | null];
      child = null;
      const cpu = process.cpuUsage(cpu0);
      if (code !== 0) throw new Error(`autocannon child exited with ${code}`);
      const r = JSON.parse(out.trim().split('\n').pop()!) as LoadResult;
      const serverCpu = (cpu.user + cpu.system) / 1e6 / r.seconds;
      loads.push({ label, r, serverCpu });
      log(
        `  ${label}: ${fmt(r.rps)} requests/s (${fmt(r.requests)} in ${r.seconds.toFixed(1)} s), latency p50 ${r.p50} ms, p90 ${r.p90} ms, p99 ${r.p99} ms, max ${r.max} ms; ` +
          `2xx ${fmt(r.ok)}, non-2xx ${fmt(r.non2xx)}, errors ${r.errors}, timeouts ${r.timeouts}; ` +
          `CPU: app process ${(serverCpu * 100).toFixed(0)}% of a core, autocannon ${((r.cpuSeconds / r.seconds) * 100).toFixed(0)}%`,
      );
    }

    // ---- 4. credit reports
    console.log(`\n4. credit report PDFs, POST /api/public/reports, sequential, 5 warm-up reports`);
    const reportIds = Array.from({ length: nReports + 5 }, (_, i) => ids[(i * 7919) % ids.length]);
    const reportMs: number[] = [];
    let reportBad = 0;
    let pdfBytes = 0;
    for (const [i, id] of reportIds.entries()) {
      const t0 = performance.now();
      const r = await request(agent, port, 'POST', '/api/public/reports', { subjectId: id }, { 'x-forwarded-for': visitor(rng) });
      const ms = performance.now() - t0;
      if (i < 5) continue;
      reportMs.push(ms);
      if (r.status !== 200 || r.body.subarray(0, 5).toString('latin1') !== '%PDF-') {
        if (reportBad++ < 3) console.log(`    ${r.status}: ${r.body.subarray(0, 200).toString('utf8')}`);
      } else pdfBytes += r.body.length;
    }
    const rep = percentiles(reportMs);
    log(`  report: p50 ${rep.p50.toFixed(1)} ms, p95 ${rep.p95.toFixed(1)} ms, max ${rep.max.toFixed(1)} ms; ${reportBad} failed; average PDF ${fmt(pdfBytes / Math.max(1, rep.n - reportBad))} bytes`);

    // ---- summary
    const verdicts: Verdict[] = [];
    const f2 = (x: number) => x.toFixed(2);
    for (const r of runs) {
      if (r.kind === 'search') {
        const t = r.target ?? { p95: TARGET.searchP95, p99: TARGET.searchP99 };
        verdicts.push({ label: `${r.label} p95`, value: `${f2(r.s.p95)} ms`, target: `≤ ${t.p95} ms`, met: r.s.p95 <= t.p95 && r.bad === 0 });
        verdicts.push({ label: `${r.label} p99`, value: `${f2(r.s.p99)} ms`, target: `≤ ${t.p99} ms`, met: r.s.p99 <= t.p99 && r.bad === 0 });
      } else {
        verdicts.push({ label: `${r.label} p99`, value: `${f2(r.s.p99)} ms`, target: `≤ ${TARGET.lookupP99} ms`, met: r.s.p99 <= TARGET.lookupP99 && r.bad === 0 });
      }
    }
    for (const l of loads) verdicts.push({ label: `${l.label} throughput`, value: `${fmt(l.r.rps)} req/s`, target: `≥ ${fmt(TARGET.rps)} req/s, all 2xx`, met: l.r.rps >= TARGET.rps && l.r.non2xx === 0 && l.r.errors === 0 });
    verdicts.push({ label: 'credit report PDF p50', value: `${rep.p50.toFixed(1)} ms`, target: `≤ ${TARGET.reportP50} ms`, met: rep.p50 <= TARGET.reportP50 && reportBad === 0 });

    console.log('\nsummary');
    console.log(`  data: ${fmt(counts.subjects)} subjects, ${fmt(counts.records)} records (${fmt(counts.public)} public), database ${counts.size}`);
    console.log(
      `  load: importFile ${fmt(importRate)} rows/s (${secs(importMs)} s), backfill ${secs(backfillMs)} s, publicity ${secs(publicityMs)} s, VACUUM ANALYZE ${secs(vacuumMs)} s`,
    );
    console.log(`\n  ${'figure'.padEnd(64)}${'value'.padStart(14)}  ${'target'.padEnd(26)}verdict`);
    for (const v of verdicts) console.log(`  ${v.label.padEnd(64)}${v.value.padStart(14)}  ${v.target.padEnd(26)}${v.met ? 'met' : 'MISSED'}`);
    for (const r of runs) console.log(`  (${r.label}: n ${r.s.n}, p50 ${f2(r.s.p50)} ms, max ${f2(r.s.max)} ms, ${(r.hits / Math.max(1, r.s.n - r.bad)).toFixed(1)} hits per query${r.bad ? `, ${r.bad} not 200` : ''})`);
    for (const l of loads) console.log(`  (${l.label}: latency p50 ${l.r.p50} ms, p99 ${l.r.p99} ms, non-2xx ${fmt(l.r.non2xx)}, errors ${l.r.errors})`);
    console.log(`  (credit report: n ${rep.n}, p50 ${rep.p50.toFixed(1)} ms, p95 ${rep.p95.toFixed(1)} ms)`);
    console.log(
      `  autocannon ran in a child process on the same ${availableParallelism()} cores as the app and PostgreSQL; load average now ${loadavg().map((x) => x.toFixed(2)).join(', ')}; ` +
        `total bench time ${secs(performance.now() - T0)} s`,
    );
  } finally {
    await finish();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv.slice(2));
