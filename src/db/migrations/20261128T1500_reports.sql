-- 公共信用信息报告 (issue 5 part 5): every report the public portal issues, so that anyone can verify a
-- report by its number and verification code, or by uploading the PDF (its SHA-256 is kept, the file is not),
-- and learn whether the subject's public record has changed since (fingerprint of what was public at issue).

CREATE TABLE credit_reports (
  id            bigserial PRIMARY KEY,
  number        text NOT NULL UNIQUE,                     -- XYBG-630100-20261128-000123
  subject_id    bigint NOT NULL REFERENCES subjects(id) DEFERRABLE,
  subject_name  text NOT NULL,                            -- the name printed on the report
  code_hash     text NOT NULL,                            -- HMAC-SHA256 of the verification code (instance secret)
  pdf_sha256    text NOT NULL,                            -- hex SHA-256 of the PDF bytes sent
  pdf_bytes     integer NOT NULL,
  fingerprint   text NOT NULL,                            -- hash of the subject's public information at issue
  summary       jsonb NOT NULL,                           -- record count per category, e.g. {"penalty": 3}
  issued_at     timestamptz NOT NULL
);
CREATE INDEX credit_reports_pdf_idx ON credit_reports (pdf_sha256);
CREATE INDEX credit_reports_subject_idx ON credit_reports (subject_id, issued_at DESC);

-- Report numbers run from 000001 each issue day (Beijing time): one counter row per day, incremented
-- atomically by INSERT … ON CONFLICT DO UPDATE … RETURNING.
CREATE TABLE credit_report_counters (
  day   date PRIMARY KEY,
  last  integer NOT NULL
);
