// The active measures kept in memory for pre-action checks (issue 14 "Performance"): a check no longer reads the
// whole catalogue each time. The catalogue's generation (table sanction_measures_generation, bumped by a trigger
// on every write to sanction_measures, in the writing transaction) is compared inside the check's own statement,
// which returns the measures only when this process's copy is stale. So a measure added, amended or retired by any
// process is seen by the very next check everywhere, and a retired measure is never returned again.
import { sql, type RawBuilder } from 'kysely';
import type { Measure } from './measures.ts';

// One slot per process. Its key names the database — the row's `instance` (random at migration), the database's
// OID and the server's port, since clones of one migrated template share the instance, as the tests' databases
// do — and then the generation, so a process that talks to several databases reloads on a switch rather than
// answer from another database's catalogue.
const KEY = sql`(g.instance::text || '/' || (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()) || '/' || current_setting('port') || ':' || g.gen)`;
type Slot = { key: string; instance: string; gen: bigint; measures: Measure[] };
let slot: Slot | null = null;

/** What a check's statement reads the measures with: its two columns, and the cache they were compared with. */
export interface MeasuresRead {
  columns: RawBuilder<unknown>;
  cached: Slot | null;
}

/**
 * Two columns for a caller's statement (which must read FROM sanction_measures_generation g): `measures_gen`, the
 * current key ("<database>:<generation>"), and `measures`, the active measures as JSON (activeMeasures' rows and order) only
 * when the key differs from the cached one, else NULL. One snapshot, so the measures and the key always agree.
 */
export function measuresRead(): MeasuresRead {
  const cached = slot;
  const columns = sql`${KEY} AS measures_gen,
    CASE WHEN ${KEY} IS DISTINCT FROM ${cached?.key ?? null}::text THEN (
      SELECT coalesce(json_agg(json_build_object(
               'id', m.id::text, 'code', m.code, 'version', m.version, 'name', m.name, 'class', m.class, 'kind', m.kind,
               'listTypes', m.list_types, 'scenarios', m.scenarios, 'legalBasis', m.legal_basis, 'basisDocNo', m.basis_doc_no,
               'implementingDept', m.implementing_dept, 'edition', m.edition, 'source', m.source, 'status', m.status) ORDER BY m.code), '[]'::json)
        FROM sanction_measures m WHERE m.status = 'active'
    ) END AS measures`;
  return { columns, cached };
}

/**
 * The active measures for what the statement returned: its fresh copy (kept unless this process already holds a
 * newer generation of the same database), or — when it returned NULL — the cache it was compared with.
 */
export function measuresFrom(read: MeasuresRead, row: { measures_gen: string; measures: Measure[] | null }): Measure[] {
  if (!row.measures) return read.cached!.measures;
  const cut = row.measures_gen.lastIndexOf(':');
  const [instance, gen] = [row.measures_gen.slice(0, cut), row.measures_gen.slice(cut + 1)];
  const fresh: Slot = { key: row.measures_gen, instance, gen: BigInt(gen), measures: row.measures };
  if (!slot || slot.instance !== instance || slot.gen < fresh.gen) slot = fresh;
  return row.measures;
}
