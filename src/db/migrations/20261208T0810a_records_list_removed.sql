-- A collected red/black-list record whose list entry the credit office has moved out (移出: revoked, court, other)
-- stops being public at once (issue 14 §3, docs/domain/04-joint-measures.md §4.2 step 5). The removal day is a
-- publicity column, written only by publicity (setListRecordsRemoved) and read by every publicity decision, so
-- a later re-decision (the hourly job, a rule change, a new version) keeps the record out of public view.
ALTER TABLE records ADD COLUMN list_removed_at date;
