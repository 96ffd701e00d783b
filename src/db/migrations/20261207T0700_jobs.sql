-- One job registry with its state in the database (issue 12 §4). Every run of a job is a row:
--   periodic  a scheduled run (publicity, abandoned-batches, …): when it ran, its result or error;
--   queued    a one-off job with a payload (a background import): queued → running → done/failed, claimed with
--             FOR UPDATE SKIP LOCKED; a 'running' row whose heartbeat stopped (its process died) is claimed
--             again while attempts < max_attempts, so a restart loses nothing and nothing runs twice at once;
--   service   a long-running worker (the search indexer) while a server is up: its last pass and error.
-- Owned by the platform (src/platform/jobs.ts); domains declare the jobs, the shell lists them.
CREATE TABLE jobs (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('periodic', 'queued', 'service')),
  status        text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  -- What the job is about, for look-ups by the owning domain (e.g. 'batch:42' for an import).
  ref           text,
  payload       jsonb NOT NULL DEFAULT '{}',
  attempts      integer NOT NULL DEFAULT 0,
  max_attempts  integer NOT NULL DEFAULT 1 CHECK (max_attempts >= 1),
  progress      jsonb,
  result        text,
  error         text,
  locked_by     text,
  heartbeat_at  timestamptz,
  run_after     timestamptz NOT NULL DEFAULT now(),
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz
);
-- The claim query's path: unfinished jobs in order.
CREATE INDEX jobs_unfinished_idx ON jobs (id) WHERE status IN ('queued', 'running');
-- `citycredit jobs list`: the latest run of each job.
CREATE INDEX jobs_name_idx ON jobs (name, id DESC);
CREATE INDEX jobs_ref_idx ON jobs (ref) WHERE ref IS NOT NULL;
