-- 信用事件复核 (issue 16 §2): an event the classifier is unsure of (confidence below the configured threshold)
-- waits in a review queue instead of being counted; a staff decision labels it (kept in event_labels as a training
-- example) and lets it count. review_status is NULL for events that never needed review.
ALTER TABLE credit_events
  ADD COLUMN review_status text CHECK (review_status IN ('pending', 'decided'));
CREATE INDEX credit_events_review_idx ON credit_events (created_at, id) WHERE review_status = 'pending';

-- Each `citycredit events retrain`: what the rebuilt model was trained on and its held-out accuracy.
-- The model itself is rebuilt in memory from the shipped titles and event_labels (under a second), so only
-- the build's figures are stored.
CREATE TABLE event_classifier_builds (
  id                  bigserial PRIMARY KEY,
  shipped_titles      integer NOT NULL,
  staff_labels        integer NOT NULL,
  held_out            integer NOT NULL,
  domain_accuracy     double precision NOT NULL,
  subdomain_accuracy  double precision NOT NULL,
  polarity_accuracy   double precision NOT NULL,
  built_by            text NOT NULL,
  built_at            timestamptz NOT NULL DEFAULT now()
);
