// `citycredit db verify` (issue 11 §3): a consistency check of a database, e.g. right after a restore.
//   - migrations: every applied one is known to this build;
//   - row counts: against a backup manifest when one is given (audit_log may only have grown);
//   - encryption: a sample of every column encrypted under the instance secret decrypts with the secret this
//     instance runs with, and natural persons' keyed ID hashes match (keys.ts ENCRYPTED_COLUMNS);
//   - sequences: every serial/identity sequence hands out ids past the largest stored one.
import { sql } from 'kysely';
import { decrypt, hmacSha256 } from './crypto.ts';
import type { BackupManifest } from './backup.ts';
import { shippedMigrations, type Db } from './index.ts';
import { decrypts, ENCRYPTED_COLUMNS } from './keys.ts';

export interface VerifyCheck {
  title: string;
  ok: boolean;
  /** What was looked at, for the report. */
  summary: string;
  problems: string[];
}

export interface VerifyReport {
  ok: boolean;
  checks: VerifyCheck[];
}

/** Values sampled per encrypted column: the oldest and the newest rows. */
const SAMPLE_EACH_END = 25;
/** Tables that only grow after a restore (the restore itself writes an entry). */
const GROWING = new Set(['audit_log']);

/** How a sampled row is named and ordered, for tables whose key is not `id`. */
const ROW_KEYS: Record<string, { label: string; order: string }> = {
  record_history: { label: "record_id::text || '/' || version", order: 'record_id, version' },
};

const qi = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function migrationsCheck(db: Db): Promise<VerifyCheck & { applied: number }> {
  const applied = (await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db).catch(() => ({ rows: [] }))).rows.map((r) => r.name);
  const shipped = await shippedMigrations();
  const problems: string[] = [];
  if (!applied.length) problems.push('数据库尚未初始化（没有执行过任何迁移）');
  const unknown = applied.filter((m) => !shipped.includes(m));
  if (unknown.length) problems.push(`数据库有本程序不认识的迁移：${unknown.join('、')}（数据来自更新的版本）`);
  const pending = shipped.filter((m) => !applied.includes(m)).length;
  return { title: '迁移版本', applied: applied.length, ok: !problems.length, summary: `已执行 ${applied.length} 个迁移${pending ? `，${pending} 个待执行（启动时自动执行）` : ''}`, problems };
}

async function rowCountsCheck(db: Db, manifest: BackupManifest): Promise<VerifyCheck> {
  const problems: string[] = [];
  const present = new Set(
    (await sql<{ t: string }>`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(db)).rows.map((r) => r.t),
  );
  for (const t of manifest.tables) {
    if (!present.has(t.name)) {
      problems.push(`缺少表 ${t.name}`);
      continue;
    }
    const n = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.raw(qi(t.name))}`.execute(db)).rows[0].n;
    if (GROWING.has(t.name) ? n < t.rows : n !== t.rows) problems.push(`表 ${t.name}：清单 ${t.rows} 行，数据库 ${n} 行`);
  }
  return { title: '行数', ok: !problems.length, summary: `与备份清单（${manifest.createdAt}）比对 ${manifest.tables.length} 张表`, problems };
}

async function encryptionCheck(db: Db, secret: string | null): Promise<VerifyCheck> {
  const title = '加密数据可解密';
  if (!secret) return { title, ok: false, summary: '未检查', problems: ['找不到实例密钥（未设置 CITYCREDIT_SECRET，数据目录中也没有 instance.json）'] };
  const problems: string[] = [];
  let checked = 0;
  for (const c of ENCRYPTED_COLUMNS) {
    const col = sql.raw(qi(c.column));
    const table = sql.raw(qi(c.table));
    const key = ROW_KEYS[c.table] ?? { label: 'id::text', order: 'id' };
    const rows = (
      await sql<{ id: string; v: string }>`
        (SELECT ${sql.raw(key.label)} AS id, ${col} AS v FROM ${table} WHERE ${col} IS NOT NULL ORDER BY ${sql.raw(key.order)} LIMIT ${SAMPLE_EACH_END})
        UNION
        (SELECT ${sql.raw(key.label)} AS id, ${col} AS v FROM ${table} WHERE ${col} IS NOT NULL ORDER BY ${sql.raw(key.order.replace(/(\w+)/g, '$1 DESC'))} LIMIT ${SAMPLE_EACH_END})`.execute(db)
    ).rows;
    checked += rows.length;
    const bad = rows.filter((r) => !decrypts(secret, r.v, c.purpose));
    if (bad.length) problems.push(`${c.table}.${c.column}：抽样 ${rows.length} 个，${bad.length} 个无法用本实例的密钥解密（如 id ${bad[0].id}）`);
  }
  // A natural person's registry key is an HMAC of `id:<ID number>` under the same secret (ingest.service.ts,
  // stageContext/idHash): it must match the stored number, or look-ups by ID number find nobody.
  const people = (
    await sql<{ id: string; id_enc: string; id_hash: string }>`
      SELECT id::text, id_enc, id_hash FROM subjects WHERE id_enc IS NOT NULL AND id_hash IS NOT NULL ORDER BY id DESC LIMIT ${SAMPLE_EACH_END}`.execute(db)
  ).rows;
  const mismatched = people.filter((p) => decrypts(secret, p.id_enc, 'pii') && hmacSha256(secret, `id:${decrypt(secret, p.id_enc, 'pii')}`) !== p.id_hash);
  if (mismatched.length) problems.push(`subjects.id_hash：抽样 ${people.length} 个，${mismatched.length} 个与身份证号的密钥散列不符（如 id ${mismatched[0].id}）`);
  return { title, ok: !problems.length, summary: `抽样 ${checked} 个加密值`, problems };
}

async function sequencesCheck(db: Db): Promise<VerifyCheck> {
  const cols = (
    await sql<{ t: string; c: string; seq: string | null }>`
      SELECT table_name AS t, column_name AS c, pg_get_serial_sequence(quote_ident(table_name), column_name) AS seq
      FROM information_schema.columns
      WHERE table_schema = 'public' AND (column_default LIKE 'nextval(%' OR is_identity = 'YES') AND table_name NOT LIKE 'kysely%'
      ORDER BY 1, 2`.execute(db)
  ).rows.filter((r) => r.seq);
  const problems: string[] = [];
  for (const r of cols) {
    const s = (await sql<{ last_value: string; is_called: boolean }>`SELECT last_value::text, is_called FROM ${sql.raw(r.seq!)}`.execute(db)).rows[0];
    const max = (await sql<{ m: string | null }>`SELECT max(${sql.raw(qi(r.c))})::text AS m FROM ${sql.raw(qi(r.t))}`.execute(db)).rows[0].m;
    const next = BigInt(s.last_value) + (s.is_called ? 1n : 0n);
    if (max !== null && next <= BigInt(max)) problems.push(`${r.t}.${r.c}：下一个序号 ${next} 不大于已有最大值 ${max}，新增数据将冲突`);
  }
  return { title: '序列', ok: !problems.length, summary: `检查 ${cols.length} 个序列`, problems };
}

/** Runs every check on db; secret is the one this instance runs with (null when it has none). */
export async function verifyDatabase(db: Db, opts: { secret: string | null; manifest?: BackupManifest }): Promise<VerifyReport> {
  const { applied, ...migrations } = await migrationsCheck(db);
  const checks: VerifyCheck[] = [migrations];
  // Without the schema the remaining checks have nothing to look at.
  if (!applied) return { ok: false, checks };
  if (opts.manifest) checks.push(await rowCountsCheck(db, opts.manifest));
  checks.push(await encryptionCheck(db, opts.secret), await sequencesCheck(db));
  return { ok: checks.every((c) => c.ok), checks };
}

/** The report as the CLI prints it. */
export function formatVerifyReport(r: VerifyReport): string {
  const lines = r.checks.flatMap((c) => [`${c.ok ? '✓' : '✗'} ${c.title}：${c.summary}`, ...c.problems.map((p) => `    - ${p}`)]);
  lines.push(r.ok ? '检查通过' : `检查未通过：${r.checks.filter((c) => !c.ok).length} 项有问题`);
  return `${lines.join('\n')}\n`;
}
