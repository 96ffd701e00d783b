-- Issue 18, PostgreSQL's share of an import's CPU (measured object by object by `npm run bench -- pgcost`).
--
-- subjects_region_idx: no query filters, joins or sorts subjects by region_code (every reader in src/ selects the
-- column by subject id: subjects.repository.ts, subjects.lookup.ts, subjects.service.ts regionName), so the index
-- served nobody, while every subject an import creates paid an entry in it (about 0.7 µs of the 12.6 µs an
-- INSERT INTO subjects costs per row on an empty table, more as the table grows).
DROP INDEX IF EXISTS subjects_region_idx;

-- A record row holds its current content (about 1 KB of jsonb, migration 20261208T0835w) and its publicity
-- (about 0.4 KB): with the default toast_tuple_target of about 2 KB, one row in eleven of the import bench
-- crossed it and had its content compressed with pglz on the way in (and decompressed on every read). Kept
-- inline and uncompressed up to a heap page (8160 bytes), a row costs 1.5–2 µs less to COPY, and larger
-- contents are still compressed and moved out of line as before. Storage grows by the saved compression only.
ALTER TABLE records SET (toast_tuple_target = 8160);
