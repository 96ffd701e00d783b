-- 公示: the publicity decision of each record's current version, kept current by the publicity job.
-- audience: public = 社会公开, government = 政务共享 only, none = neither. New records start as 'none'
-- (nothing is public before a decision has been made for it).
ALTER TABLE records ADD COLUMN audience text NOT NULL DEFAULT 'none' CHECK (audience IN ('public', 'government', 'none'));
ALTER TABLE records ADD COLUMN public_from date;
ALTER TABLE records ADD COLUMN public_until date;
ALTER TABLE records ADD COLUMN publicity jsonb;
ALTER TABLE records ADD COLUMN publicity_review date;
ALTER TABLE records ADD COLUMN publicity_checked_at timestamptz;
ALTER TABLE records ADD COLUMN repaired_at date;
CREATE INDEX records_public_idx ON records (record_type, decision_date DESC, id DESC) WHERE audience = 'public';
CREATE INDEX records_review_idx ON records (publicity_review) WHERE publicity_review IS NOT NULL;
CREATE INDEX records_unchecked_idx ON records (id) WHERE publicity_checked_at IS NULL;
