-- Issue 14, pre-action checks: the foreign key sanction_check_hits.check_id → sanction_checks(id) was checked row
-- by row after each check write (`SELECT 1 FROM ONLY sanction_checks x WHERE id = $1 FOR KEY SHARE OF x`, one per
-- hit). That look-up is a plan cached per connection: made while sanction_checks was empty or tiny (a new city's
-- first checks, or a table analysed while empty), it is a sequential scan, and the connection keeps it while the
-- table grows by thousands of rows a second — measured as 4,156 sequential scans reading 121 million rows in 10 s
-- of `npm run bench -- lists` (docs/bench/check-batching-1m.md).
--
-- The same trade as 20261128T1700, 20261128T2000 and 20261210T0930r. Hits are written only by the check's write
-- statement (sanctions/check.batch.ts storeChecksSql), with the ids that statement has just drawn for its own check
-- rows, so the platform never writes a hit without its check. Nothing in the platform deletes or renumbers checks
-- (sanction_feedback's foreign key refuses deleting a check with feedback anyway); the guard refuses a manual DELETE
-- or id change of a check that still has hits (SQLSTATE 23503, as the foreign key answered an id change), using
-- the hits' primary key (check_id, entry_id). The old key cascaded a delete to the hits: now delete the check's hits
-- first, in the same transaction.
ALTER TABLE sanction_check_hits DROP CONSTRAINT IF EXISTS sanction_check_hits_check_id_fkey;

DROP TRIGGER IF EXISTS sanction_checks_orphans_guard ON sanction_checks;
CREATE TRIGGER sanction_checks_orphans_guard BEFORE DELETE OR UPDATE OF id ON sanction_checks
  FOR EACH ROW EXECUTE FUNCTION refuse_orphans('sanction_check_hits', 'check_id');
