-- 主体检索 (issue 5): a normalised name, its overlapping character bigrams and its pinyin initials on
-- subjects, kept filled for rows written by any path (ARCHITECTURE.md "Chinese name search").
--
-- Who fills what. Imports insert subjects with set-based SQL, and traditional → simplified (opencc-js) and
-- pinyin (pinyin-pro) exist only in JS, so the work is split:
--   * SQL, in the row trigger below, on every INSERT and on every change of name: name_norm with the part
--     of the normalisation PostgreSQL can do (NFKC, ASCII lower case, bracket/dot/dash variants unified,
--     whitespace removed; the table of search.ts normalizeNameLite, checked by subjects.service.test.ts), and
--     name_bigrams from name_norm. A row is therefore searchable by name in the statement that inserts it.
--   * JS, the backfill in subjects.service.ts: name_norm with traditional → simplified, and pinyin_initials.
--     A row is pending while pinyin_initials IS NULL. The app runs the backfill at start-up and whenever
--     the statement trigger notifies 'subjects_search_pending' (delivered at commit, so an import's rows
--     are completed right after its transaction). It is idempotent and batched (FOR NO KEY UPDATE SKIP LOCKED).
--   * A writer that computes both JS columns itself (search.ts searchColumns) may insert them; the trigger
--     keeps them. name_bigrams is always derived here, from name_norm.
-- Needs a UTF8 database (normalize()); every CityCredit database is created UTF8.

ALTER TABLE subjects ADD COLUMN name_norm text;
ALTER TABLE subjects ADD COLUMN name_bigrams tsvector;
ALTER TABLE subjects ADD COLUMN pinyin_initials text;

-- NFKC, then translate(): FOLD_FROM → FOLD_TO, and the whitespace/zero-width characters after FOLD_FROM
-- (which have no counterpart in the second string) are removed.
CREATE FUNCTION subject_name_norm(name text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT translate(normalize(name, NFKC),
    E'ABCDEFGHIJKLMNOPQRSTUVWXYZ[]{}〔〕【】〖〗〘〙・•‧∙⋅‐‒–—―−\u0020\u0009\u000a\u000b\u000c\u000d\u0085\u1680\u180e\u200b\u200c\u200d\u2028\u2029\u2060\ufeff',
    E'abcdefghijklmnopqrstuvwxyz()()()()()()·····------')
$$;

-- Every overlapping two-character piece of a normalised name as a lexeme, verbatim (no parser, no
-- dictionary: array_to_tsvector), so it matches the bigram tsquery that search.ts builds. The pieces at odd
-- and at even offsets are cut by two regexp_replace calls (a normalised name holds no spaces, so a space can
-- separate them). One expression and not STRICT, so PostgreSQL inlines it into the trigger: about 3× faster
-- per row than generate_series + array_agg, which runs through the SQL-function executor on every call.
CREATE FUNCTION subject_name_bigrams(norm text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_to_tsvector(
    array_remove(string_to_array(regexp_replace(substr(norm, 1, length(norm) - length(norm) % 2), '(..)', '\1 ', 'g'), ' '), '')
    || array_remove(string_to_array(regexp_replace(substr(norm, 2, (length(norm) - 1) - (length(norm) - 1) % 2), '(..)', '\1 ', 'g'), ' '), ''))
$$;

-- Rows that exist already: the SQL part now, the JS part by the first backfill.
UPDATE subjects SET name_norm = subject_name_norm(name);
UPDATE subjects SET name_bigrams = subject_name_bigrams(name_norm);

CREATE FUNCTION subjects_search_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.name_norm IS NULL OR NEW.pinyin_initials IS NULL THEN
      NEW.name_norm := subject_name_norm(NEW.name);
      NEW.pinyin_initials := NULL;
    END IF;
  ELSIF NEW.name IS DISTINCT FROM OLD.name THEN
    -- A new name: back to the SQL part, pending for the backfill.
    NEW.name_norm := subject_name_norm(NEW.name);
    NEW.pinyin_initials := NULL;
  END IF;
  IF TG_OP = 'INSERT' OR NEW.name_norm IS DISTINCT FROM OLD.name_norm THEN
    NEW.name_bigrams := subject_name_bigrams(NEW.name_norm);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER subjects_search_fill BEFORE INSERT OR UPDATE OF name, name_norm ON subjects
  FOR EACH ROW EXECUTE FUNCTION subjects_search_fill();

CREATE FUNCTION subjects_search_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('subjects_search_pending', '');
  RETURN NULL;
END $$;
CREATE TRIGGER subjects_search_notify AFTER INSERT OR UPDATE OF name ON subjects
  FOR EACH STATEMENT EXECUTE FUNCTION subjects_search_notify();

-- Candidates by bigram (GIN), confirmed with LIKE.
CREATE INDEX subjects_name_bigrams_idx ON subjects USING gin (name_bigrams);
-- Exact and prefix matches on the normalised name, and their page order. COLLATE "C" (rather than
-- text_pattern_ops) serves LIKE 'x%' in any database locale *and* ORDER BY (name_norm, id) for keyset pages.
CREATE INDEX subjects_name_norm_idx ON subjects ((name_norm COLLATE "C"), id);
-- Names containing a common fragment, found by scanning in id order without visiting the table
-- (subjects.service.ts containsTier explains when this beats the GIN index).
CREATE INDEX subjects_search_window_idx ON subjects (id) INCLUDE (name_norm, kind);
-- 拼音首字母 prefix search, same reasoning as for name_norm.
CREATE INDEX subjects_pinyin_idx ON subjects ((pinyin_initials COLLATE "C"), id);
-- The backfill's work list; empty once every row is complete.
CREATE INDEX subjects_search_pending_idx ON subjects (id) WHERE pinyin_initials IS NULL;
-- Exact USCC look-ups use the existing unique index (subjects_uscc_key).
