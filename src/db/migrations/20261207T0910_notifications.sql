-- Notices to applicants, subjects and departments (repair, objections, list notices; issue 15 §4). Owned by the
-- platform (src/platform/notifier.ts). Every notice is logged here; an outside sender (SMS, mail) is optional and
-- its outcome is recorded on the row.
CREATE TABLE notifications (
  id          bigserial PRIMARY KEY,
  channel     text NOT NULL CHECK (channel IN ('log', 'sms', 'mail')),
  recipient   text NOT NULL,
  topic       text NOT NULL,
  ref         text,
  subject     text NOT NULL,
  body        text NOT NULL,
  status      text NOT NULL CHECK (status IN ('logged', 'sent', 'failed')),
  error       text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_ref_idx ON notifications (ref, id);
