-- 城市信用状况监测: credit events and staff labels, the institution checklist, versioned indicator trees,
-- official monthly scores with their imports, and what-if effect rules. Every foreign key is DEFERRABLE
-- (see the first migration). Checklist, trees and effect rules are seeded from the shipped defaults on
-- first use by the monitoring service, so the data files stay the one source of the defaults.

-- 信用事件: one monitored event (usually a news item), classified on insert.
CREATE TABLE credit_events (
  id             bigserial PRIMARY KEY,
  title          text NOT NULL,
  event_date     date NOT NULL,
  source         text,
  link           text,
  summary        text,
  polarity       text NOT NULL CHECK (polarity IN ('good', 'bad')),
  subject_id     bigint REFERENCES subjects(id) DEFERRABLE,
  subject_name   text,                            -- as given by the source; linking to subject_id is optional
  domain         text NOT NULL,
  subdomain      text NOT NULL,
  confidence     double precision NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
  explanation    jsonb NOT NULL,                  -- the classifier's reasons; after a correction, also the previous result
  classified_by  text NOT NULL CHECK (classified_by IN ('model', 'staff')),
  overridden_by  integer REFERENCES users(id) DEFERRABLE,
  overridden_at  timestamptz,
  created_by     integer REFERENCES users(id) DEFERRABLE,
  created_at     timestamptz NOT NULL DEFAULT now()
);
-- The same title from the same source and link on the same day is one event, so a re-imported file adds nothing.
CREATE UNIQUE INDEX credit_events_identity_key
  ON credit_events (event_date, md5(title || chr(31) || coalesce(source, '') || chr(31) || coalesce(link, '')));
CREATE INDEX credit_events_date_idx ON credit_events (event_date DESC, id DESC);
CREATE INDEX credit_events_domain_idx ON credit_events (domain, event_date DESC);
CREATE INDEX credit_events_subject_idx ON credit_events (subject_id) WHERE subject_id IS NOT NULL;

-- Staff corrections (人工修正) kept as labelled examples; the classifier is retrained with them.
CREATE TABLE event_labels (
  id          bigserial PRIMARY KEY,
  title       text NOT NULL,
  domain      text NOT NULL,
  subdomain   text NOT NULL,
  polarity    text NOT NULL CHECK (polarity IN ('good', 'bad')),
  event_id    bigint REFERENCES credit_events(id) DEFERRABLE,
  user_id     integer REFERENCES users(id) DEFERRABLE,
  at          timestamptz NOT NULL DEFAULT now()
);

-- 信用制度清单: one required institution, its status and, when issued, the document.
CREATE TABLE checklist_items (
  id           text PRIMARY KEY,                  -- the item's code, e.g. GEN-01
  position     integer NOT NULL,                  -- order in the checklist
  domain       text NOT NULL,
  subdomain    text,
  name         text NOT NULL,
  status       text NOT NULL CHECK (status IN ('national', 'municipal', 'blank')),
  doc_title    text,
  doc_number   text,
  doc_date     date,
  doc_link     text,
  doc_issuer   text,
  basis        text,
  updated_by   integer REFERENCES users(id) DEFERRABLE,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checklist_items_position_idx ON checklist_items (position);

-- 指标体系: each change of weights is a new version; one version per tree is active.
CREATE TABLE indicator_trees (
  id           text NOT NULL,                     -- 'gen1', '2020' (the shipped trees' ids)
  version      integer NOT NULL,
  definition   jsonb NOT NULL,                    -- IndicatorTree as the monitoring core reads it
  active       boolean NOT NULL DEFAULT false,
  note         text,
  created_by   integer REFERENCES users(id) DEFERRABLE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, version)
);
CREATE UNIQUE INDEX indicator_trees_one_active ON indicator_trees (id) WHERE active;

-- One imported official score file: where the stored scores came from.
CREATE TABLE score_imports (
  id            bigserial PRIMARY KEY,
  file_name     text NOT NULL,
  file_sha256   text NOT NULL,
  tree_id       text NOT NULL,
  tree_version  integer NOT NULL,
  months        text[] NOT NULL,
  cities        integer NOT NULL,
  rows          integer NOT NULL,
  replaced      integer NOT NULL,                 -- stored scores this import replaced
  created_by    integer REFERENCES users(id) DEFERRABLE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tree_id, tree_version) REFERENCES indicator_trees (id, version) DEFERRABLE
);

-- 官方监测得分: a city's points for an indicator in a month; parents derived from their children are
-- stored too (derived = true), so a comparison reads one table.
CREATE TABLE official_scores (
  tree_id         text NOT NULL,
  month           text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  city            text NOT NULL,
  indicator_code  text NOT NULL,
  score           double precision NOT NULL CHECK (score >= 0),
  derived         boolean NOT NULL DEFAULT false,
  import_id       bigint NOT NULL REFERENCES score_imports(id) DEFERRABLE,
  PRIMARY KEY (tree_id, month, city, indicator_code)
);
CREATE INDEX official_scores_city_idx ON official_scores (city, tree_id, month);

-- 模拟推演规则: the what-if effect rules of one tree, as data.
CREATE TABLE effect_rules (
  tree_id      text PRIMARY KEY,
  rules        jsonb NOT NULL,
  updated_by   integer REFERENCES users(id) DEFERRABLE,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
