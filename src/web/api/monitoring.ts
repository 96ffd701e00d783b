// Calls of 城市信用监测 (monitoring): credit events and their classification, the institution
// checklist, indicator trees, official scores, comparison, what-if, briefings and department
// scorecards. Answer types are the server's (monitoring.schemas.ts and assessment.schemas.ts Static<> types,
// imported type-only).
import type * as S from '../../domains/monitoring/monitoring.schemas.ts';
import type { ScorecardsResponse } from '../../domains/assessment/assessment.schemas.ts';
import { fetchFile, request, requestBlob, saveBlob, upload } from './http';

const enc = (v: string | number): string => encodeURIComponent(String(v));

// ---------------------------------------------------------------- events

export type Polarity = S.CreditEvent['polarity'];

export type EventExplanation = S.EventExplanation;

export type CreditEvent = S.CreditEvent;

export interface EventsQuery {
  /** YYYY-MM-DD or YYYY-MM (whole month) */
  from?: string | null;
  to?: string | null;
  domain?: string | null;
  cursor?: string | null;
  limit?: number;
}

export type EventsPage = S.EventsPage;

export type NewEvent = S.CreateEventBody;

export type EventsImportResult = S.ImportEventsResponse;

export type EventStats = S.StatsResponse;

/** One page of events, newest first. */
/** The event domains and sub-domains (the server's shipped taxonomy). */
export function fetchTaxonomy(): Promise<S.TaxonomyResponse> {
  return request<S.TaxonomyResponse>('GET', '/api/monitoring/taxonomy');
}

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
export function fetchReviewQueue(limit = 50): Promise<S.ReviewQueuePage> {
  return request<S.ReviewQueuePage>('GET', '/api/monitoring/events/review', { query: { limit } });
}

/** A staff decision on a queued event: its sub-domain (the domain follows) and polarity; it counts from now on. */
export function decideReview(id: string, body: { subdomain: string; polarity: Polarity }): Promise<CreditEvent> {
  return request<CreditEvent>('POST', `/api/monitoring/events/${enc(id)}/review`, { body });
}

export type ClassifierBuild = S.ClassifierBuild;

/** Rebuilds the classifier from the shipped titles and every staff decision; returns its held-out accuracy. */
export function retrainClassifier(): Promise<ClassifierBuild> {
  return request<ClassifierBuild>('POST', '/api/monitoring/classifier/retrain');
}

/** Bad-event shares by domain and sub-domain, and the monthly trend, for a period (both bounds optional). */
export function fetchEventStats(from?: string | null, to?: string | null): Promise<EventStats> {
  return request<EventStats>('GET', '/api/monitoring/events/stats', { query: { from, to } });
}

// ---------------------------------------------------------------- checklist

export type InstitutionStatus = ChecklistItem['status'];

export type InstitutionDocument = NonNullable<ChecklistItem['document']>;

export type ChecklistItem = S.ChecklistItem;

export type StatusCounts = Pick<Checklist['summary'], 'total' | 'national' | 'municipal' | 'blank'>;

export type Checklist = S.ChecklistResponse;

export type ChecklistPatch = S.ChecklistPatchBody;

export function fetchChecklist(): Promise<Checklist> {
  return request<Checklist>('GET', '/api/monitoring/checklist');
}

export function patchChecklistItem(id: string, body: ChecklistPatch): Promise<ChecklistItem> {
  return request<ChecklistItem>('PATCH', `/api/monitoring/checklist/${enc(id)}`, { body });
}

/** Replaces the whole checklist from an .xlsx (in the export layout) after the server checked every row. */
export function importChecklist(file: File, onProgress?: (loaded: number, total: number | null) => void): Promise<S.ChecklistImportResponse> {
  const form = new FormData();
  form.append('file', file, file.name);
  return upload<S.ChecklistImportResponse>('/api/monitoring/checklist/import', form, { onProgress });
}

export const CHECKLIST_EXPORT_PATH = '/api/monitoring/checklist/export.xlsx';

// ---------------------------------------------------------------- trees, scores, compare, what-if

export type TreeNode = IndicatorTree['nodes'][number];

export type IndicatorTree = S.Tree;

export async function listTrees(): Promise<IndicatorTree[]> {
  return (await request<{ items: IndicatorTree[] }>('GET', '/api/monitoring/trees')).items;
}

/** New active version of a tree with some weights replaced; refused (with the sums) when they do not add up. */
export function setTreeWeights(id: string, body: { weights: Record<string, number>; total?: number; note?: string }): Promise<IndicatorTree> {
  return request<IndicatorTree>('POST', `/api/monitoring/trees/${enc(id)}/weights`, { body });
}

export type ScoresImportResult = S.ScoresImportResponse;

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

export type Comparison = S.CompareResponse;

export function fetchCompare(query: ScoreQuery, signal?: AbortSignal): Promise<Comparison> {
  return request<Comparison>('GET', '/api/monitoring/compare', { query: { ...query }, signal });
}

export type EffectRule = S.EffectRulesResponse['rules'][number];

export function fetchEffectRules(tree: string): Promise<S.EffectRulesResponse> {
  return request<S.EffectRulesResponse>('GET', '/api/monitoring/effect-rules', { query: { tree } });
}

export type WhatIfSingle = WhatIfResult['singles'][number];

export type WhatIfResult = S.WhatIfResponse;

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

export type Scorecards = ScorecardsResponse;

export function fetchScorecards(month?: string | null): Promise<Scorecards> {
  return request<Scorecards>('GET', '/api/monitoring/scorecards', { query: { month } });
}

/** Downloads the month's scorecards as .xlsx; resolves with the file name. */
/** Downloads the scores import template (Chinese headers, example rows, the indicators). */
export function downloadScoresTemplate(): Promise<string> {
  return downloadFile('/api/monitoring/scores/template.xlsx', undefined, '监测得分导入模板.xlsx');
}

/** Downloads the events import template (Chinese headers, an example row, what each column takes). */
export function downloadEventsTemplate(): Promise<string> {
  return downloadFile('/api/monitoring/events/template.xlsx', undefined, '信用事件导入模板.xlsx');
}

export function downloadScorecards(month: string): Promise<string> {
  return downloadFile('/api/monitoring/scorecards.xlsx', { month }, `scorecards-${month}.xlsx`);
}

export type TrendPoint = Trend['items'][number];

export type Trend = S.TrendResponse;

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

export type PublicCreditEvent = S.PublicEventsPage['items'][number];

/** 信用事件公开: published events, newest first, by domain and polarity (public, no session). */
export function fetchPublicEvents(
  query: { domain?: string | null; polarity?: 'good' | 'bad' | null; cursor?: string | null },
  signal?: AbortSignal,
): Promise<{ items: PublicCreditEvent[]; nextCursor: string | null }> {
  return request('GET', '/api/public/credit-events', { query: { ...query }, signal });
}

export type CodeConversion = S.ConversionsPage['items'][number];

/** 统一社会信用代码转换公示: legacy code → USCC, searchable (public, no session). */
export function fetchCodeConversions(query: { q?: string | null; cursor?: string | null }, signal?: AbortSignal): Promise<{ items: CodeConversion[]; nextCursor: string | null }> {
  return request('GET', '/api/public/code-conversions', { query: { ...query }, signal });
}

/** Publishes an event on the portal (it needs its source link) or withdraws it. */
export function publishEvent(id: string, published: boolean): Promise<CreditEvent> {
  return request<CreditEvent>('POST', `/api/monitoring/events/${enc(id)}/publish`, { body: { published } });
}
