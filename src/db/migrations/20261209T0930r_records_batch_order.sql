-- Readers that walk the records a batch wrote, in id order (the publicity job's keyset chunks of a batch, the lists
-- feed, a receipt's records), need the batch's records in id order. With an index on batch_id alone the planner
-- either sorted the whole batch for every chunk or walked the primary key over every record filtering by batch
-- (1.2 s per chunk of 5,000 for a correction batch at 300,000 records; npm run bench -- readers). (batch_id, id)
-- serves both the look-up by batch and the order, and replaces the single-column index rather than adding one,
-- so an import still maintains one index for it.
CREATE INDEX records_batch_id_idx ON records (batch_id, id);
DROP INDEX records_batch_idx;
