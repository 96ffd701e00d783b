-- Issue 13 changed how the publicity engine decides existing records: a natural person's penalty without a birth
-- date waits for the department (age_unconfirmed), minors are read from 港澳台居民居住证 and 永居证 numbers, fines
-- above the plausible ceiling are no longer 巨额. Mark every record "never decided", so the next hourly publicity
-- job (dueBy: publicity_checked_at IS NULL) re-decides them all under the new rules. No schema change.
UPDATE records SET publicity_checked_at = NULL;
