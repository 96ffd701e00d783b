// Test data factories (issue 12 §8): users, records, batches and subjects made through the platform's own code
// paths — createUser for accounts, the importer (importRows) for records, batches and subjects — so that test
// data obeys the same invariants as real data (hashing, grants, validation, record keys, subject linking).
// Defaults are deterministic; every factory takes overrides. Departments come from the seeded list
// (createTestApp seeds them); pick one by code.
import type { Db } from '../src/db/index.ts';
import type { Role } from '../src/db/types.ts';
import { createUser } from '../src/domains/auth/auth.service.ts';
import { findActiveItem } from '../src/domains/catalog/catalog.repository.ts';
import { generatePenaltyRows, importRows, PENALTY_HEADERS, startBatch, type ImportRowsOptions, type PenaltyGenOptions } from '../src/domains/ingest/index.ts';
import { refreshPublicity } from '../src/domains/publicity/index.ts';
import { deptId, TEST_PASSWORD, type TestApp } from './helpers/app.ts';

/** The department tests upload as unless they say otherwise: 市场监管局. */
export const DEFAULT_DEPT = 'SCJGJ';

// ---------------------------------------------------------------------------------------------- users

export interface UserOverrides {
  /** Default `${role}_${n}`, n counting per test file. */
  username?: string;
  /** Default 'reporter'. */
  role?: Role;
  /** Department code; default SCJGJ for department roles, none for admin and auditor; null for none. */
  deptCode?: string | null;
  /** Default the username. */
  displayName?: string;
  /** Default TEST_PASSWORD. */
  password?: string;
  /** Who the audit log names as creating the account; default nobody (a system action). */
  actor?: { username: string } | null;
}

let userSeq = 0;

/** A user created as the CLI creates one (createUser as 'system'); returns its id, name, password and department. */
export async function makeUser(
  db: Db,
  over: UserOverrides = {},
): Promise<{ id: number; username: string; password: string; departmentId: number | null }> {
  const role = over.role ?? 'reporter';
  const username = over.username ?? `${role}_${++userSeq}`;
  const deptCode = over.deptCode !== undefined ? over.deptCode : role === 'admin' || role === 'auditor' ? null : DEFAULT_DEPT;
  const departmentId = deptCode ? await deptId(db, deptCode) : null;
  const password = over.password ?? TEST_PASSWORD;
  const u = await createUser(db, 'system', { username, displayName: over.displayName ?? username, role, departmentId, password }, { actor: over.actor ?? null });
  return { id: u.id, username, password, departmentId };
}

// ---------------------------------------------------------------------------------------------- rows

/** A row of the 行政处罚 template as an object keyed by its Chinese headers. */
export function penaltyRow(cells: readonly string[]): Record<string, string> {
  return Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, cells[i]]));
}

/** n generated 行政处罚 rows (the seeded generator of ingest/fixtures.ts), as header-keyed objects. */
export function penaltyRows(n: number, seed: number, opts: PenaltyGenOptions = {}): Array<Record<string, string>> {
  return [...generatePenaltyRows(n, seed, opts)].map((r) => penaltyRow(r.cells));
}

// ------------------------------------------------------------------------------------ records, batches

export interface ImportOverrides extends Partial<Omit<ImportRowsOptions, 'db' | 'pool' | 'secret' | 'item' | 'departmentId' | 'rows'>> {
  /** Catalogue item by identifier or Chinese name; default 行政处罚. */
  catalog?: string;
  /** Uploading department by code; default SCJGJ. */
  deptCode?: string;
  /** Run the publicity engine over the batch afterwards, as the app does after an import; default false. */
  publish?: boolean;
}

/**
 * Records through the real importer (one batch, channel 'api' unless overridden); returns the receipt.
 * The generated rows name six authorities: allow them first (test/helpers/authorities.ts).
 */
export async function importRecords(t: TestApp, rows: ImportRowsOptions['rows'], over: ImportOverrides = {}) {
  const { catalog = '行政处罚', deptCode = DEFAULT_DEPT, publish = false, ...options } = over;
  const item = await findActiveItem(t.db, catalog);
  if (!item) throw new Error(`no active catalogue item ${catalog}`);
  const receipt = await importRows({
    db: t.db,
    pool: t.ctx.pool,
    secret: t.ctx.config.secret,
    item,
    departmentId: await deptId(t.db, deptCode),
    channel: 'api',
    ...options,
    rows,
  });
  if (publish) await refreshPublicity(t.db, t.ctx.config.secret, { batchId: receipt.batchId });
  return receipt;
}

/** A batch that has started and not finished (status 'processing'), as an upload leaves it while it runs. */
export async function makeProcessingBatch(t: TestApp, over: { catalog?: string; deptCode?: string; fileName?: string } = {}): Promise<string> {
  const item = await findActiveItem(t.db, over.catalog ?? '行政处罚');
  if (!item) throw new Error(`no active catalogue item ${over.catalog}`);
  return startBatch(t.db, { departmentId: await deptId(t.db, over.deptCode ?? DEFAULT_DEPT), item, channel: 'file', fileName: over.fileName ?? 'factory.csv' });
}

// ---------------------------------------------------------------------------------------------- subjects

/**
 * A subject as it enters the platform: the party of one imported 行政处罚 record (the generated row with its
 * party replaced). Returns the subject's id and the receipt. Overrides: name, USCC, category (法人及非法人组织,
 * 个体工商户) and any other cell of the row.
 */
export async function makeSubject(
  t: TestApp,
  over: { name?: string; uscc?: string; category?: string; seed?: number; cells?: Record<string, string>; deptCode?: string } = {},
): Promise<{ id: string; name: string; receipt: Awaited<ReturnType<typeof importRecords>> }> {
  const row = penaltyRows(1, over.seed ?? 4242, { invalidRate: 0 })[0];
  if (over.name) row['行政相对人名称'] = over.name;
  if (over.uscc) row['行政相对人代码_1（统一社会信用代码）'] = over.uscc;
  if (over.category) row['行政相对人类别'] = over.category;
  Object.assign(row, over.cells ?? {});
  const receipt = await importRecords(t, [row], { deptCode: over.deptCode });
  if (receipt.accepted !== 1) throw new Error(`makeSubject: the row was refused: ${JSON.stringify(receipt)}`);
  const s = await t.db.selectFrom('subjects').select(['id', 'name']).where('name', '=', row['行政相对人名称']).orderBy('id', 'desc').executeTakeFirstOrThrow();
  return { id: s.id, name: s.name, receipt };
}
