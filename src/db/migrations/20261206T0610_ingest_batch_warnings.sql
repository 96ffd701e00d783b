-- The receipt (回执) lists the rows accepted with a personal-data warning of the public-field screen (issue 11
-- §5; e.g. a mobile number in 违法事实 under the default INGEST_PII_SCREEN): per code, the rows and the first
-- row numbers.
ALTER TABLE ingest_batches ADD COLUMN row_warnings jsonb NOT NULL DEFAULT '[]'::jsonb;
