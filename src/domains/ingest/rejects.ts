// Personal data in rejected rows (issue 11 §5). A rejected row is kept as uploaded for the correctable error
// file, but its personal cells are stored masked, the originals encrypted with the batch's 'pii' sealer, as
// record versions keep theirs: the catalogue's masked columns (证件号码 …) whole, and in every other cell the ID,
// bank card and mobile numbers the detector finds (a rejected row may be misaligned, or carry the very number
// the public-field screen refused). Only the uploader's explicit, audited download decrypts them.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { decrypt, sealer } from '../../platform/crypto.ts';
import { definitionKey, itemDefinitions } from '../catalog/index.ts';
import type { CatalogItem } from '../catalog/index.ts';
import { maskIdNumber } from '../codes/index.ts';
import { matchHeaders, type HeaderMapping } from './headers.ts';
import { findPersonalNumbers, maskPersonalNumbersIn } from '../codes/index.ts';
import { esc } from './copytext.ts';
import { mapWithTurns, Slicer } from './turns.ts';
import type { RowIssueOut } from './validate.ts';

/** The one masking rule for a personal field's value on staff paths: ID-length text 6+4 (maskIdNumber), else ***. */
export function maskPersonalValue(v: string | number): string {
  return typeof v === 'string' && v.length >= 15 ? maskIdNumber(v) : '***';
}

/** Column indexes of the upload that feed a masked (personal) catalogue field. */
export function personalColumns(item: CatalogItem, mapping: Pick<HeaderMapping, 'sources'>): number[] {
  return item.items.filter((f) => f.masked).flatMap((f) => mapping.sources[f.code] ?? []);
}

/**
 * A rejected row's cells with personal data masked, and the originals sealed (null when nothing was masked, or
 * when no sealer is given: masking for output only).
 */
export function protectRejectCells(
  cells: readonly string[],
  personal: ReadonlySet<number>,
  today: Date,
  seal?: (plaintext: string) => string,
): { cells: string[]; piiEnc: string | null } {
  let originals: Record<string, string> | null = null;
  const out = cells.map((c, i) => {
    if (c === '' || c === undefined || c === null) return c;
    if (personal.has(i)) {
      (originals ??= {})[i] = c;
      return maskPersonalValue(c);
    }
    const found = findPersonalNumbers(c, { today });
    if (!found.length) return c;
    (originals ??= {})[i] = c;
    return maskPersonalNumbersIn(c, found);
  });
  return { cells: out, piiEnc: originals && seal ? seal(JSON.stringify(originals)) : null };
}

/** A rejected row as a commit keeps it until the rejects of its chunk are written. */
export interface PendingReject {
  rowNumber: number;
  cells: readonly string[];
  errors: readonly RowIssueOut[];
}

/**
 * The COPY lines of `ingest_rejects (batch_id, row_number, cells, errors, pii_enc, cells_masked)` for rejected rows,
 * their cells protected (protectRejectCells). The detector runs over every cell of every row (about 80 µs a row), on
 * the thread that serves HTTP during an import: in slices with turns of the event loop (turns.ts), as the merge's
 * other synchronous work (issue 18).
 */
export async function rejectCopyLines(
  batchId: string,
  rows: readonly PendingReject[],
  personal: ReadonlySet<number>,
  today: Date,
  seal?: (plaintext: string) => string,
  slicer = new Slicer(),
): Promise<string[]> {
  return mapWithTurns(
    rows,
    (r) => {
      const p = protectRejectCells(r.cells, personal, today, seal);
      return `${batchId}\t${r.rowNumber}\t${esc(JSON.stringify(p.cells))}\t${esc(JSON.stringify(r.errors))}\t${p.piiEnc ?? '\\N'}\tt\n`;
    },
    slicer,
  );
}

/** The cells as uploaded: the stored (masked) cells with the sealed originals put back. */
export function revealRejectCells(cells: readonly string[], piiEnc: string | null, secret: string): string[] {
  if (!piiEnc) return [...cells];
  const originals = JSON.parse(decrypt(secret, piiEnc, 'pii')) as Record<string, string>;
  return cells.map((c, i) => originals[i] ?? c);
}

/** The personal columns of a stored batch, from its header as uploaded and its catalogue version. */
export async function batchPersonalColumns(db: DbOrTx, batchId: string): Promise<Set<number>> {
  const b = await db.selectFrom('ingest_batches').select(['item_id', 'catalog_version', 'header']).where('id', '=', batchId).executeTakeFirst();
  if (!b || !Array.isArray(b.header)) return new Set();
  const item = (await itemDefinitions(db, [{ itemId: b.item_id, version: b.catalog_version }])).get(definitionKey(b.item_id, b.catalog_version));
  if (!item) return new Set();
  return new Set(personalColumns(item, matchHeaders(item, b.header as string[])));
}

const PROTECT_ROWS = 1000;

/**
 * Masks and encrypts the rejected rows stored before rejects were protected (migration 20261206T0600), batch by
 * batch, 1,000 rows per statement; idempotent (only rows with cells_masked = false). Returns the rows protected.
 */
export async function protectStoredRejects(db: DbOrTx, secret: string, today = new Date()): Promise<number> {
  const seal = sealer(secret, 'pii');
  let done = 0;
  for (;;) {
    const next = await db.selectFrom('ingest_rejects').select('batch_id').where('cells_masked', '=', false).limit(1).executeTakeFirst();
    if (!next) return done;
    const personal = await batchPersonalColumns(db, next.batch_id);
    for (;;) {
      const rows = await db
        .selectFrom('ingest_rejects')
        .select(['row_number', 'cells'])
        .where('batch_id', '=', next.batch_id)
        .where('cells_masked', '=', false)
        .orderBy('row_number')
        .limit(PROTECT_ROWS)
        .execute();
      if (!rows.length) break;
      // In slices: the job runs at start-up, on the thread that serves HTTP (issue 18).
      const out = await mapWithTurns(rows, (r) => ({ row: r.row_number, ...protectRejectCells(r.cells as string[], personal, today, seal) }));
      await sql`UPDATE ingest_rejects r SET cells = v.cells::jsonb, pii_enc = v.pii_enc, cells_masked = true
        FROM unnest(${out.map((o) => o.row)}::int[], ${out.map((o) => JSON.stringify(o.cells))}::text[], ${out.map((o) => o.piiEnc)}::text[])
          AS v(row_number, cells, pii_enc)
        WHERE r.batch_id = ${next.batch_id} AND r.row_number = v.row_number`.execute(db);
      done += rows.length;
    }
  }
}
