-- Rejected rows keep the personal cells masked, with the originals encrypted under the instance secret's 'pii'
-- key, as record versions do (issue 11 §5). SQL has no secret, so the rows stored before this migration are
-- masked and encrypted by the `reject-cells` job, which runs at start-up: they keep cells_masked = false
-- until then, and the error file masks them as it reads them.
ALTER TABLE ingest_rejects ADD COLUMN pii_enc text;
ALTER TABLE ingest_rejects ADD COLUMN cells_masked boolean NOT NULL DEFAULT false;
CREATE INDEX ingest_rejects_unmasked_idx ON ingest_rejects (batch_id) WHERE NOT cells_masked;
