-- The local list lifecycle and the collected-entry hand-over (issue 14 §2–§3; docs/domain/04-joint-measures.md §4.2).
-- list_entries gains what a local determination needs (its basis records, the criteria clause, the notice and its
-- objection window) and, for collected entries, the list-type text as sent when no alias matched it.
ALTER TABLE list_entries
  ADD COLUMN list_type_version integer,
  ADD COLUMN basis_record_ids  bigint[] NOT NULL DEFAULT '{}',
  ADD COLUMN criteria_clause   text,
  ADD COLUMN reason            text,
  ADD COLUMN notified_on       date,
  ADD COLUMN objection_until   date,
  ADD COLUMN unmapped_type     text,
  ADD COLUMN created_by        integer REFERENCES users(id) DEFERRABLE;
CREATE INDEX list_entries_type_status_idx ON list_entries (list_type, status);
CREATE INDEX list_entries_status_idx ON list_entries (status, objection_until);

-- Who moved an entry, when, from which state to which, and why: one row per transition (the audit log holds
-- the same event; this table is what the entry page shows and what list statistics count).
CREATE TABLE list_entry_history (
  id           bigserial PRIMARY KEY,
  entry_id     bigint NOT NULL REFERENCES list_entries(id) DEFERRABLE,
  action       text NOT NULL,
  from_status  text,
  to_status    text NOT NULL,
  reason       text,
  actor_id     integer REFERENCES users(id) DEFERRABLE,
  actor_name   text NOT NULL,
  at           timestamptz NOT NULL DEFAULT now(),
  detail       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX list_entry_history_entry_idx ON list_entry_history (entry_id, id);
CREATE INDEX list_entry_history_at_idx ON list_entry_history (at, to_status);

-- The hand-over from ingest: committed batches of the list items already read into the register, and the
-- highest batch id below which every list batch is finished and read (so each run asks only about newer ones).
CREATE TABLE list_sync_batches (
  batch_id   bigint PRIMARY KEY,
  entries    integer NOT NULL,
  synced_at  timestamptz NOT NULL DEFAULT now()
);
-- One row, written by the first sync (a migrated database stays empty, as `citycredit db restore` requires).
CREATE TABLE list_sync_state (
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  watermark  bigint NOT NULL DEFAULT 0
);
