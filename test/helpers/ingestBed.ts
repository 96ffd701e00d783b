// The import tests' shared bed: a fresh migrated database with the seeded departments and the built-in catalogue,
// its active 行政处罚 item, and SCJGJ as the uploading department, allowed to report the six authorities the
// generated rows name (issue 11 §1); optionally a temporary folder for the files a test writes. The import options
// that name them are built here once, so a test spells out only what it is about (channel, chunking, hooks).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Db } from '../../src/db/index.ts';
import { findActiveItem, installBuiltinCatalog } from '../../src/domains/catalog/catalog.repository.ts';
import type { CatalogItem } from '../../src/domains/catalog/catalog.schemas.ts';
import type { ImportFileOptions, ImportRowsOptions } from '../../src/domains/ingest/import.service.ts';
import { seedDepartments } from '../../src/shell/seed.ts';
import { allowFixtureAuthorities } from './authorities.ts';
import { createTestDb, type TestDb } from './db.ts';

/** The secret the bed's imports seal with (the one createTestApp gives the app). */
export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnop';

/** What an import needs of a prepared database: the catalogue item and the uploading department. */
export interface IngestSetup {
  item: CatalogItem;
  dept: number;
}

export interface PrepareOptions {
  /** The configuration the departments are seeded with (default: loadConfig({})). */
  config?: Config;
  /** Let SCJGJ report the fixture authorities (default true); false leaves it as seeded. */
  authorities?: boolean;
}

/** Seeds the departments and the built-in catalogue into a migrated database; returns 行政处罚 and SCJGJ's id. */
export async function prepareIngest(db: Db, opts: PrepareOptions = {}): Promise<IngestSetup> {
  await seedDepartments(db, opts.config ?? loadConfig({}));
  await installBuiltinCatalog(db);
  const item = await findActiveItem(db, '行政处罚');
  assert.ok(item, '行政处罚 is an active catalogue item');
  const dept =
    opts.authorities === false
      ? (await db.selectFrom('departments').select('id').where('code', '=', 'SCJGJ').executeTakeFirstOrThrow()).id
      : (await allowFixtureAuthorities(db, 'SCJGJ')).id;
  return { item, dept };
}

type Extra<T> = Partial<Omit<T, 'db' | 'pool' | 'secret'>>;

export interface IngestBed extends TestDb, IngestSetup {
  secret: string;
  /** The temporary folder (removed by close), or '' when none was asked for. */
  dir: string;
  /** importFile's options for a file at `path`: this bed's database, secret, item and department, channel 'cli'. */
  fileOptions(path: string, extra?: Extra<ImportFileOptions>): ImportFileOptions;
  /** importRows's options for `rows`: this bed's database, secret, item and department, channel 'api'. */
  rowsOptions(rows: ImportRowsOptions['rows'], extra?: Extra<ImportRowsOptions>): ImportRowsOptions;
}

export interface BedOptions extends PrepareOptions {
  /** Make a temporary folder with this name prefix (e.g. 'cc-import-'), removed by close. */
  dir?: string;
  /** The secret of the bed's imports (default TEST_SECRET). */
  secret?: string;
}

/** A fresh database prepared for imports (prepareIngest), with the options of its imports; close() drops it. */
export async function openIngestBed(opts: BedOptions = {}): Promise<IngestBed> {
  const t = await createTestDb();
  let dir = '';
  try {
    dir = opts.dir ? await mkdtemp(join(tmpdir(), opts.dir)) : '';
    const { item, dept } = await prepareIngest(t.db, opts);
    const secret = opts.secret ?? TEST_SECRET;
    const base = { db: t.db, pool: t.pool, secret, item, departmentId: dept };
    return {
      ...t,
      item,
      dept,
      secret,
      dir,
      fileOptions: (path, extra = {}) => ({ ...base, channel: 'cli', path, ...extra }),
      rowsOptions: (rows, extra = {}) => ({ ...base, channel: 'api', rows, ...extra }),
      close: async () => {
        await t.close();
        if (dir) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    // A set-up that fails half-way leaves no database or folder behind (after() has no bed to close).
    await t.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
