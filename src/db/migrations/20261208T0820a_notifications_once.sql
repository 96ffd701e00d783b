-- Notices sent at most once (issue 15 §4: deadline reminders): `once_key` names the notice (item, deadline, stage,
-- recipient); the unique index makes a second run, in this process or another, log and send nothing.
ALTER TABLE notifications ADD COLUMN once_key text;
CREATE UNIQUE INDEX notifications_once_key_idx ON notifications (once_key) WHERE once_key IS NOT NULL;
