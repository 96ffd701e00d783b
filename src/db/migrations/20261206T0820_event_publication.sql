-- 信用事件公开 (issue 16 §4): the credit office publishes monitored events (good and bad, with the source
-- link and date) on the portal; published_at marks the publication, and counts per month feed the
-- 信用事件监测 evidence of the briefing.
ALTER TABLE credit_events
  ADD COLUMN published_at timestamptz,
  ADD COLUMN published_by integer REFERENCES users(id) DEFERRABLE;
CREATE INDEX credit_events_published_idx ON credit_events (event_date DESC, id DESC) WHERE published_at IS NOT NULL;
