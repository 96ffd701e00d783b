// Calls of 城市信用监测 (monitoring): credit events and their classification, the institution
// checklist, indicator trees, official scores, comparison, what-if, briefings and department
// scorecards. Shapes follow src/domains/monitoring/monitoring.schemas.ts.
import { fetchFile, request, requestBlob, saveBlob, upload } from './http';

const enc = (v: string | number): string => encodeURIComponent(String(v));

// ---------------------------------------------------------------- events

export type Polarity = 'good' | 'bad';

export interface EventExplanation {
  text: string;
  override: boolean;
  keywords: string[];
  polarityKeywords: string[];
  topFeatures: { feature: string; weight: number }[];
  alternatives: { subdomain: string; probability: number }[];
  polarityConfidence?: number;
  /** Present after a staff correction: what the event was before it. */
  previous?: { domain: string; subdomain: string; polarity: Polarity; confidence: number; classifiedBy: string };
  /** After a correction: the model's own reasons, kept as they were (shape as `EventExplanation`). */
  model?: unknown;
}

export interface CreditEvent {
  id: string;
  title: string;
  date: string;
  source: string | null;
  link: string | null;
  summary: string | null;
  polarity: Polarity;
  subjectId: string | null;
  subjectName: string | null;
  domain: string;
  subdomain: string;
  confidence: number;
  explanation: EventExplanation;
  classifiedBy: 'model' | 'staff';
  overriddenBy: number | null;
  overriddenAt: string | null;
  createdAt: string;
  /** when it was published on the portal (信用事件公开); null = not published */
  publishedAt: string | null;
  /** 'pending' = waits in the review queue and is not counted; 'decided' = reviewed; null = never queued */
  reviewStatus: 'pending' | 'decided' | null;
}

export interface EventsQuery {
  /** YYYY-MM-DD or YYYY-MM (whole month) */
  from?: string | null;
  to?: string | null;
  domain?: string | null;
  cursor?: string | null;
  limit?: number;
}

export interface EventsPage {
  items: CreditEvent[];
  nextCursor: string | null;
}

export interface NewEvent {
  title: string;
  date: string;
  source?: string;
  link?: string;
  summary?: string;
  /** With `subdomain` too, the event is stored as labelled by staff (not classified by the model). */
  polarity?: Polarity;
  subdomain?: string;
  subjectName?: string;
}

export interface EventsImportResult {
  rows: number;
  inserted: number;
  duplicates: number;
  /** new events the classifier was unsure of, now in the review queue */
  pendingReview: number;
}

export interface EventStats {
  stats: {
    from: string | null;
    to: string | null;
    total: number;
    good: number;
    bad: number;
    badRate: number | null;
    domains: {
      domain: string;
      total: number;
      bad: number;
      badRate: number | null;
      shareOfAllBad: number | null;
      subdomains: { subdomain: string; total: number; bad: number; badRate: number | null; shareOfDomainBad: number | null; shareOfAllBad: number | null }[];
    }[];
  };
  trend: { month: string; total: number; good: number; bad: number; badRate: number | null; byDomain: { domain: string; total: number; bad: number }[] }[];
}

/** One page of events, newest first. */
export function listEvents(query: EventsQuery, signal?: AbortSignal): Promise<EventsPage> {
  return request<EventsPage>('GET', '/api/monitoring/events', { query: { ...query }, signal });
}

/** Adds one event; the server classifies it unless both sub-domain and polarity are given. */
export function createEvent(body: NewEvent): Promise<CreditEvent> {
  return request<CreditEvent>('POST', '/api/monitoring/events', { body });
}

/** Imports events from a CSV or XLSX file (all rows checked first; then every row is classified). */
export function importEvents(file: File, onProgress?: (loaded: number, total: number | null) => void): Promise<EventsImportResult> {
  const form = new FormData();
  form.append('file', file, file.name);
  return upload<EventsImportResult>('/api/monitoring/events/import', form, { onProgress });
}

/** A staff correction of an event's sub-domain (the domain follows) and polarity. */
export function overrideEvent(id: string, body: { subdomain: string; polarity: Polarity }): Promise<CreditEvent> {
  return request<CreditEvent>('POST', `/api/monitoring/events/${enc(id)}/override`, { body });
}

/** The review queue: events the classifier was unsure of (not counted until decided), oldest first. */
export function fetchReviewQueue(limit = 50): Promise<{ items: CreditEvent[]; total: number }> {
  return request<{ items: CreditEvent[]; total: number }>('GET', '/api/monitoring/events/review', { query: { limit } });
}

/** A staff decision on a queued event: its sub-domain (the domain follows) and polarity; it counts from now on. */
export function decideReview(id: string, body: { subdomain: string; polarity: Polarity }): Promise<CreditEvent> {
  return request<CreditEvent>('POST', `/api/monitoring/events/${enc(id)}/review`, { body });
}

export interface ClassifierBuild {
  shippedTitles: number;
  staffLabels: number;
  heldOut: number;
  domainAccuracy: number;
  subdomainAccuracy: number;
  polarityAccuracy: number;
  builtBy: string;
  builtAt: string;
}

/** Rebuilds the classifier from the shipped titles and every staff decision; returns its held-out accuracy. */
export function retrainClassifier(): Promise<ClassifierBuild> {
  return request<ClassifierBuild>('POST', '/api/monitoring/classifier/retrain');
}

/** Bad-event shares by domain and sub-domain, and the monthly trend, for a period (both bounds optional). */
export function fetchEventStats(from?: string | null, to?: string | null): Promise<EventStats> {
  return request<EventStats>('GET', '/api/monitoring/events/stats', { query: { from, to } });
}

// ---------------------------------------------------------------- checklist

export type InstitutionStatus = 'national' | 'municipal' | 'blank';

export interface InstitutionDocument {
  title: string;
  number: string | null;
  date: string | null;
  link: string | null;
  issuer: string | null;
  /** number and date not confirmed yet (待核) */
  unconfirmed: boolean;
}

export interface ChecklistItem {
  id: string;
  domain: string;
  subdomain: string | null;
  name: string;
  status: InstitutionStatus;
  statusLabel: string;
  document: InstitutionDocument | null;
  basis: string | null;
  /** where and since when it is published online; null: not published, so the monitor does not see it */
  online: { url: string; date: string | null } | null;
  updatedAt: string;
}

export interface StatusCounts {
  total: number;
  national: number;
  municipal: number;
  blank: number;
}

export interface Checklist {
  items: ChecklistItem[];
  summary: StatusCounts & {
    /** issued institutions published online */
    online: number;
    unpublished: { id: string; name: string; title: string }[];
    text: string;
    byDomain: (StatusCounts & { domain: string })[];
  };
}

export interface ChecklistPatch {
  status: InstitutionStatus;
  /** Omitted: keep the current document; null: remove it. Empty optional fields must be left out. */
  document?: { title: string; number?: string; date?: string; link?: string; issuer?: string; unconfirmed?: boolean } | null;
  /** Omitted: keep; null: not published online. */
  online?: { url: string; date?: string } | null;
}

export function fetchChecklist(): Promise<Checklist> {
  return request<Checklist>('GET', '/api/monitoring/checklist');
}

export function patchChecklistItem(id: string, body: ChecklistPatch): Promise<ChecklistItem> {
  return request<ChecklistItem>('PATCH', `/api/monitoring/checklist/${enc(id)}`, { body });
}

/** Replaces the whole checklist from an .xlsx (in the export layout) after the server checked every row. */
export function importChecklist(file: File, onProgress?: (loaded: number, total: number | null) => void): Promise<{ previous: number; items: number; summary: string }> {
  const form = new FormData();
  form.append('file', file, file.name);
  return upload<{ previous: number; items: number; summary: string }>('/api/monitoring/checklist/import', form, { onProgress });
}

export const CHECKLIST_EXPORT_PATH = '/api/monitoring/checklist/export.xlsx';

// ---------------------------------------------------------------- trees, scores, compare, what-if

export interface TreeNode {
  code: string;
  name: string;
  parent: string | null;
  weight: number;
  /** false: the maximum is not public and `weight` is only a [M] placeholder for the what-if planner */
  maxKnown: boolean;
}

export interface IndicatorTree {
  id: string;
  version: number;
  name: string;
  total: number;
  source: string | null;
  nodes: TreeNode[];
  versions: { version: number; active: boolean; note: string | null; createdAt: string }[];
}

export async function listTrees(): Promise<IndicatorTree[]> {
  return (await request<{ items: IndicatorTree[] }>('GET', '/api/monitoring/trees')).items;
}

/** New active version of a tree with some weights replaced; refused (with the sums) when they do not add up. */
export function setTreeWeights(id: string, body: { weights: Record<string, number>; total?: number; note?: string }): Promise<IndicatorTree> {
  return request<IndicatorTree>('POST', `/api/monitoring/trees/${enc(id)}/weights`, { body });
}

export interface ScoresImportResult {
  importId: string;
  tree: { id: string; version: number; name: string };
  months: string[];
  cities: number;
  rows: number;
  stored: number;
  replaced: number;
}

/** Imports an official score file (CSV or XLSX: month, city, indicator, score); the tree is detected unless given. */
export function importScores(file: File, tree?: string | null, onProgress?: (loaded: number, total: number | null) => void): Promise<ScoresImportResult> {
  const form = new FormData();
  form.append('file', file, file.name);
  return upload<ScoresImportResult>('/api/monitoring/scores/import', form, { query: { tree }, onProgress });
}

export type Relation = 'below' | 'equal' | 'above';

export interface ScoreQuery {
  /** Default: the platform's city. */
  city?: string | null;
  /** YYYY-MM; default: the latest month with scores. */
  month?: string | null;
  /** Default: the tree of the city's latest scores. */
  tree?: string | null;
}

export interface Comparison {
  city: string;
  month: string;
  rank: number;
  of: number;
  composite: number;
  average: number;
  indicators: {
    code: string;
    name: string;
    parent: string | null;
    score: number;
    average: number;
    relation: Relation;
    gap: number;
    /** the maximum; when `maxKnown` is false, the highest score seen in the imported scores */
    max: number;
    maxKnown: boolean;
    estimates?: { key: string; label: string; text: string }[];
  }[];
  tree: { id: string; version: number; name: string };
  estimates: Record<string, unknown>;
}

export function fetchCompare(query: ScoreQuery, signal?: AbortSignal): Promise<Comparison> {
  return request<Comparison>('GET', '/api/monitoring/compare', { query: { ...query }, signal });
}

export interface EffectRule {
  id: string;
  label: string;
  unit: string;
  mode: 'linear' | 'log2';
  defaultAmount?: number;
  effects: { indicator: string; perUnit: number }[];
}

export function fetchEffectRules(tree: string): Promise<{ tree: string; rules: EffectRule[] }> {
  return request<{ tree: string; rules: EffectRule[] }>('GET', '/api/monitoring/effect-rules', { query: { tree } });
}

export interface WhatIfSingle {
  rule: string;
  label: string;
  amount: number;
  unit: string;
  compositeDelta: number;
  rankAfter: number;
  ranksGained: number;
  ranksPerPoint: number | null;
}

export interface WhatIfResult {
  city: string;
  month: string;
  before: { composite: number; rank: number; of: number };
  after: { composite: number; rank: number; of: number };
  changes: { code: string; name: string; before: number; after: number; delta: number; capped: boolean }[];
  singles: WhatIfSingle[];
  best: WhatIfSingle | null;
  pointsToNextRank: number | null;
  summary: string;
}

export function postWhatIf(body: ScoreQuery & { improvements: { rule: string; amount?: number }[] }): Promise<WhatIfResult> {
  const { city, month, tree, improvements } = body;
  // The server refuses unknown or empty properties: send only what is set.
  const payload: Record<string, unknown> = { improvements };
  if (city) payload.city = city;
  if (month) payload.month = month;
  if (tree) payload.tree = tree;
  return request<WhatIfResult>('POST', '/api/monitoring/whatif', { body: payload });
}

// ---------------------------------------------------------------- briefing, scorecards

export type ReportFormat = 'html' | 'docx' | 'pdf';

export interface Scorecards {
  month: string;
  weights: Record<string, number>;
  expectedKnown: boolean;
  /** Average correction within this many working days scores full marks … */
  correctionTargetDays: number;
  /** … falling to nothing at this many. */
  correctionZeroDays: number;
  items: {
    departmentId: number;
    name: string;
    rank: number;
    score: number;
    reported: number;
    expected: number | null;
    volumeRatio: number | null;
    onTimeShare: number | null;
    firstPassRate: number | null;
    rejected: number;
    /** Rejected rows the department later reported again (same catalogue item, authority USCC and document number). */
    corrected: number;
    uncorrected: number;
    /** Working days from rejection to correction, over the corrected rows; null when none were corrected. */
    avgCorrectionDays: number | null;
  }[];
}

export function fetchScorecards(month?: string | null): Promise<Scorecards> {
  return request<Scorecards>('GET', '/api/monitoring/scorecards', { query: { month } });
}

/** Downloads the month's scorecards as .xlsx; resolves with the file name. */
export function downloadScorecards(month: string): Promise<string> {
  return downloadFile('/api/monitoring/scorecards.xlsx', { month }, `scorecards-${month}.xlsx`);
}

export interface TrendPoint {
  month: string;
  /** Official scores of the city in the month; null when there are none. */
  score: { composite: number; average: number; rank: number; of: number } | null;
  /** Rows of the committed batches created in the month. */
  collection: { batches: number; accepted: number; rejected: number };
}

export interface Trend {
  city: string;
  from: string;
  to: string;
  tree: { id: string; version: number; name: string } | null;
  items: TrendPoint[];
}

/** Composite, rank and collection volume per month from `from` to `to` (YYYY-MM, inclusive), oldest first. */
export function fetchTrend(q: { from: string; to: string; city?: string; tree?: string }): Promise<Trend> {
  return request<Trend>('GET', '/api/monitoring/trend', { query: { ...q } });
}

// ---------------------------------------------------------------- files

type Query = Record<string, string | number | null | undefined>;

/**
 * Downloads a GET endpoint's file (fetch → blob → object URL clicked as `<a download>`) under the
 * name from Content-Disposition; resolves with that name.
 */
export async function downloadFile(path: string, query: Query | undefined, fallbackName: string): Promise<string> {
  const { blob, filename } = await fetchFile('GET', path, fallbackName, { query });
  saveBlob(blob, filename);
  return filename;
}

function reportQuery(q: ScoreQuery, format: ReportFormat): Query {
  return { city: q.city, month: q.month, tree: q.tree, format };
}

/** The briefing as HTML text, for a sandboxed preview (never inserted into the page itself). */
export async function fetchReportHtml(q: ScoreQuery): Promise<string> {
  return (await requestBlob('GET', '/api/monitoring/report', { query: reportQuery(q, 'html') })).blob.text();
}

/** Downloads the briefing as .docx or .pdf under the server's file name. */
export function downloadReport(q: ScoreQuery, format: 'docx' | 'pdf'): Promise<string> {
  return downloadFile('/api/monitoring/report', reportQuery(q, format), `monitoring-report.${format}`);
}

// ---------------------------------------------------------------- portal: what the city publishes

export interface PublicCreditEvent {
  id: string;
  title: string;
  date: string;
  source: string | null;
  link: string | null;
  polarity: 'good' | 'bad';
  domain: string;
  subdomain: string;
}

/** 信用事件公开: published events, newest first, by domain and polarity (public, no session). */
export function fetchPublicEvents(
  query: { domain?: string | null; polarity?: 'good' | 'bad' | null; cursor?: string | null },
  signal?: AbortSignal,
): Promise<{ items: PublicCreditEvent[]; nextCursor: string | null }> {
  return request('GET', '/api/public/credit-events', { query: { ...query }, signal });
}

export interface CodeConversion {
  kind: 'org' | 'regno';
  kindLabel: string;
  legacyCode: string;
  uscc: string;
  name: string;
}

/** 统一社会信用代码转换公示: legacy code → USCC, searchable (public, no session). */
export function fetchCodeConversions(query: { q?: string | null; cursor?: string | null }, signal?: AbortSignal): Promise<{ items: CodeConversion[]; nextCursor: string | null }> {
  return request('GET', '/api/public/code-conversions', { query: { ...query }, signal });
}

/** Publishes an event on the portal (it needs its source link) or withdraws it. */
export function publishEvent(id: string, published: boolean): Promise<CreditEvent> {
  return request<CreditEvent>('POST', `/api/monitoring/events/${enc(id)}/publish`, { body: { published } });
}
