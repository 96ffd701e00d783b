// Kysely table types of the monitoring migration (20261128T1200_monitoring.sql); keep in step with it.
// src/db/types.ts merges them into DB with `interface DB extends MonitoringTables`.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;
/** A date column read as 'YYYY-MM-DD' (src/db/index.ts sets the DATE parser). */
type DateText = ColumnType<string, string, string>;
type NullableDateText = ColumnType<string | null, string | null | undefined, string | null>;

export type EventPolarity = 'good' | 'bad';

export interface CreditEventsTable {
  id: Generated<string>;
  title: string;
  event_date: DateText;
  source: string | null;
  link: string | null;
  summary: string | null;
  polarity: EventPolarity;
  subject_id: string | null;
  subject_name: string | null;
  domain: string;
  subdomain: string;
  confidence: number;
  explanation: Json;
  classified_by: 'model' | 'staff';
  overridden_by: number | null;
  overridden_at: Timestamp | null;
  created_by: number | null;
  created_at: Timestamp;
  /** set when the credit office publishes the event on the portal (信用事件公开) */
  published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  published_by: ColumnType<number | null, number | null | undefined, number | null>;
  /** 'pending' while the event waits for a staff decision (low confidence, not counted); null when never queued */
  review_status: ColumnType<EventReviewStatus | null, EventReviewStatus | null | undefined, EventReviewStatus | null>;
}

export type EventReviewStatus = 'pending' | 'decided';

/** One `citycredit events retrain`: what the model was trained on and its held-out accuracy. */
export interface EventClassifierBuildsTable {
  id: Generated<string>;
  shipped_titles: number;
  staff_labels: number;
  held_out: number;
  domain_accuracy: number;
  subdomain_accuracy: number;
  polarity_accuracy: number;
  built_by: string;
  built_at: Timestamp;
}

export interface EventLabelsTable {
  id: Generated<string>;
  title: string;
  domain: string;
  subdomain: string;
  polarity: EventPolarity;
  event_id: string | null;
  user_id: number | null;
  at: Timestamp;
}

export interface ChecklistItemsTable {
  id: string;
  position: number;
  domain: string;
  subdomain: string | null;
  name: string;
  status: 'national' | 'municipal' | 'blank';
  doc_title: string | null;
  doc_number: string | null;
  doc_date: NullableDateText;
  doc_link: string | null;
  doc_issuer: string | null;
  basis: string | null;
  online_url: string | null;
  online_date: NullableDateText;
  doc_unconfirmed: Generated<boolean>;
  updated_by: number | null;
  updated_at: Timestamp;
}

export interface IndicatorTreesTable {
  id: string;
  version: number;
  definition: Json;
  active: Generated<boolean>;
  note: string | null;
  created_by: number | null;
  created_at: Timestamp;
}

export interface ScoreImportsTable {
  id: Generated<string>;
  file_name: string;
  file_sha256: string;
  tree_id: string;
  tree_version: number;
  months: string[];
  cities: number;
  rows: number;
  replaced: number;
  created_by: number | null;
  created_at: Timestamp;
}

export interface OfficialScoresTable {
  tree_id: string;
  month: string;
  city: string;
  indicator_code: string;
  score: number;
  derived: Generated<boolean>;
  import_id: string;
}

export interface EffectRulesTable {
  tree_id: string;
  rules: Json;
  updated_by: number | null;
  updated_at: Timestamp;
}

/** The monitoring tables, merged into DB in src/db/types.ts. */
export interface MonitoringTables {
  credit_events: CreditEventsTable;
  event_labels: EventLabelsTable;
  event_classifier_builds: EventClassifierBuildsTable;
  checklist_items: ChecklistItemsTable;
  indicator_trees: IndicatorTreesTable;
  score_imports: ScoreImportsTable;
  official_scores: OfficialScoresTable;
  effect_rules: EffectRulesTable;
}
