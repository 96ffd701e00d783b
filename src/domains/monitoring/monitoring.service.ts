// Rules of the monitoring domain over the database: events classified on insert and corrected by
// staff (corrections retrain the classifier), the institution checklist, versioned indicator trees,
// official scores, comparison, what-if, briefings and department scorecards. The computations are
// the DB-free core (index.ts); this layer loads and stores their inputs and outputs, and audits
// every change in the transaction that makes it.
import { parse as parseCsv } from 'csv-parse/sync';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/index.ts';
import type { EventPolarity, EventReviewStatus } from '../../db/monitoring.types.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { loadCalendar } from '../../platform/calendar.service.ts';
import { sha256 } from '../../platform/crypto.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import type { SessionUser } from '../auth/index.ts';
import { getVersion as getCatalogVersion } from '../catalog/index.ts';
import type { CatalogItem } from '../catalog/index.ts';
import { assertFormat, assertSafeZip, decodeBuffer, matchHeaders } from '../ingest/index.ts';
import { countLegacyConversions, legacyConversions } from '../subjects/index.ts';
import { evaluateClassifier, normaliseTitle, shippedLabelledTitles, splitHoldout, trainClassifier } from './classifier.ts';
import {
  DEFAULT_SCORECARD_WEIGHTS,
  ESTIMATE_DEFS,
  MonitoringError,
  STATUS_LABELS,
  TREE_IDS,
  buildReportModel,
  checklistToXlsx,
  cityTrend,
  classifyEvents,
  classifyTitle,
  compare,
  compareJson,
  defaultChecklist,
  defaultClassifier,
  defaultEffectRules,
  defaultTaxonomy,
  detectTree,
  eventStats,
  eventTrend,
  getTree,
  isMaxKnown,
  importChecklistXlsx,
  parseEventsCsv,
  planWhatIf,
  readScoreRows,
  renderReport,
  scorecards,
  scoresFromRows,
  subdomainToDomain,
  unknownCity,
  summarizeChecklist,
  validateChecklist,
  validateEffectRules,
  validateScorecardWeights,
  validateTree,
  withWeights,
  type Classification,
  type ClassifiedEvent,
  type ClassifierModel,
  type CreditEvent,
  type Expectation,
  type Improvement,
  type InstitutionItem,
  type InstitutionStatus,
  type IndicatorTree,
  type LabelledTitle,
  type LocalEstimates,
  type ReportFormat,
  type ScoreTable,
  type Scorecard,
  type ScorecardWeights,
  type SubmissionRecord,
  type WhatIfPlan,
} from './index.ts';
import { importError, type RowIssue } from './errors.ts';
import * as repo from './monitoring.repository.ts';
import type { EventExplanation } from './monitoring.schemas.ts';
import { monthLabel } from './util.ts';
import { readFirstSheet, writeSheet } from './xlsx.ts';

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** The current month in China (UTC+8, no daylight saving), YYYY-MM. */
export function currentMonth(now = new Date()): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 7);
}

/** The month after a YYYY-MM month. */
function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** [start, end) of a month as instants, the boundaries taken in China time. */
function monthInstants(month: string): { start: Date; end: Date } {
  return { start: new Date(`${month}-01T00:00:00+08:00`), end: new Date(`${nextMonth(month)}-01T00:00:00+08:00`) };
}

function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function badPeriod(message: string): AppError {
  return new AppError('invalid_period', message, 400);
}

/** Period bounds from `from`/`to` given as YYYY-MM-DD or YYYY-MM (a whole month); `before` is exclusive. */
export function periodBounds(from?: string, to?: string): { from: string | null; before: string | null } {
  const lo = from ? (from.length === 7 ? `${from}-01` : from) : null;
  if (lo && !isRealDate(lo)) throw badPeriod(`开始日期「${from}」不是有效日期`);
  if (to && !isRealDate(to.length === 7 ? `${to}-01` : to)) throw badPeriod(`结束日期「${to}」不是有效日期`);
  const before = to ? (to.length === 7 ? nextMonth(to) + '-01' : nextDay(to)) : null;
  if (lo && before && lo >= before) throw badPeriod(`开始日期 ${from} 晚于结束日期 ${to}`);
  return { from: lo, before };
}

function checkMonth(month: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw badPeriod(`月份「${month}」格式错误，应为 YYYY-MM`);
  return month;
}

// ================================================================ classifier

const models = new WeakMap<Db, { stamp: string; model: ClassifierModel }>();

/**
 * The classifier trained on the shipped titles plus every staff correction. Cached per database
 * handle and retrained when the set of corrections changed (also when another app server added one).
 */
export async function eventClassifier(db: Db): Promise<ClassifierModel> {
  const stamp = await repo.labelsStamp(db);
  const hit = models.get(db);
  if (hit && hit.stamp === stamp) return hit.model;
  // The latest correction of a title replaces earlier ones, so a mistaken correction stops training.
  const latest = new Map<string, LabelledTitle>();
  for (const l of await repo.listLabels(db)) latest.set(normaliseTitle(l.title), l);
  const model = defaultClassifier(latest.size ? [...latest.values()] : undefined);
  models.set(db, { stamp, model });
  return model;
}

/** Classifies titles (at most 1000 per call) with the current model, each with its reasons. */
export async function classifyTitles(db: Db, titles: string[]): Promise<Classification[]> {
  const model = await eventClassifier(db);
  return titles.map((t) => classifyTitle(model, t));
}

// ================================================================ credit events

export interface EventDto {
  id: string;
  title: string;
  date: string;
  source: string | null;
  link: string | null;
  summary: string | null;
  polarity: EventPolarity;
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
  /** when the credit office published it on the portal (信用事件公开); null = not published */
  publishedAt: string | null;
  /** 'pending' while it waits in the review queue and is not counted; 'decided' once staff labelled it; null = never queued */
  reviewStatus: EventReviewStatus | null;
}

function eventDto(r: repo.CreditEventRow): EventDto {
  return {
    id: r.id,
    title: r.title,
    date: r.event_date,
    source: r.source,
    link: r.link,
    summary: r.summary,
    polarity: r.polarity,
    subjectId: r.subject_id,
    subjectName: r.subject_name,
    domain: r.domain,
    subdomain: r.subdomain,
    confidence: r.confidence,
    explanation: r.explanation as EventExplanation,
    classifiedBy: r.classified_by,
    overriddenBy: r.overridden_by,
    overriddenAt: r.overridden_at ? new Date(r.overridden_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
    publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
    reviewStatus: r.review_status,
  };
}

export interface NewEventInput {
  title: string;
  date: string;
  source?: string;
  link?: string;
  summary?: string;
  polarity?: EventPolarity;
  subdomain?: string;
  subjectId?: string;
  subjectName?: string;
}

const HTTP_LINK = /^https?:\/\//i;

/** Checks what the CSV parser leaves open; events are shown in the console and briefings. */
function eventProblems(e: CreditEvent): string[] {
  const problems: string[] = [];
  if (!isRealDate(e.date)) problems.push(`日期「${e.date}」不是有效日期`);
  if (e.link && !HTTP_LINK.test(e.link)) problems.push(`链接「${e.link}」须以 http:// 或 https:// 开头`);
  if ([...e.title].length > 500) problems.push('标题超过 500 字');
  return problems;
}

/**
 * Classifies events and turns them into rows; staff-given labels are kept and marked as such. A model result less
 * sure than `reviewThreshold` (the lower of sub-domain and good/bad confidence) goes to the review queue.
 */
function eventRows(model: ClassifierModel, events: (CreditEvent & { subjectId?: string })[], userId: number, reviewThreshold: number): repo.NewCreditEvent[] {
  return classifyEvents(model, events).map((e, i) => {
    // A sub-domain given by staff decides the row (and its domain: classifyEvents takes the
    // model's domain unless polarity was given too); otherwise the model's result with its reasons.
    const byStaff = Boolean(events[i].subdomain);
    const c = e.classification;
    const explanation = byStaff || !c
      ? { override: true, keywords: [], polarityKeywords: [], topFeatures: [], alternatives: [], text: '人工标注' }
      : { ...c.explanation, polarityConfidence: c.polarityConfidence };
    return {
      title: e.title,
      event_date: e.date,
      source: e.source ?? null,
      link: e.link ?? null,
      summary: e.summary ?? null,
      polarity: e.polarity,
      subject_id: events[i].subjectId ?? null,
      subject_name: e.subject?.name ?? null,
      domain: model.domainOf.get(e.subdomain)!,
      subdomain: e.subdomain,
      confidence: byStaff || !c ? 1 : c.confidence,
      explanation: JSON.stringify(explanation),
      classified_by: byStaff ? 'staff' : 'model',
      created_by: userId,
      review_status: !byStaff && c && Math.min(c.confidence, c.polarityConfidence) < reviewThreshold ? 'pending' : null,
    } satisfies repo.NewCreditEvent;
  });
}

function checkSubdomain(subdomain: string | undefined): void {
  if (subdomain && !subdomainToDomain(defaultTaxonomy()).has(subdomain)) {
    throw new AppError('unknown_subdomain', `未知子领域「${subdomain}」`, 400);
  }
}

/** Adds one event, classified on insert; the same event twice is a conflict. */
export async function createEvent(db: Db, config: Pick<Config, 'eventReviewThreshold'>, user: SessionUser, input: NewEventInput, ctx: AuditContext): Promise<EventDto> {
  checkSubdomain(input.subdomain);
  const event: CreditEvent & { subjectId?: string } = { title: input.title, date: input.date };
  for (const k of ['source', 'link', 'summary', 'polarity', 'subdomain', 'subjectId'] as const) if (input[k]) Object.assign(event, { [k]: input[k] });
  if (input.subjectName) event.subject = { name: input.subjectName };
  const problems = eventProblems(event);
  if (problems.length) throw new MonitoringError('invalid_events', problems.join('；'));
  const [row] = eventRows(await eventClassifier(db), [event], user.id, config.eventReviewThreshold);
  return db.transaction().execute(async (trx) => {
    const [id] = await repo.insertEvents(trx, [row]);
    if (!id) throw conflict('event_exists', '该信用事件已存在（同一日期、标题、来源和链接）');
    await audit(trx, ctx, { action: 'monitoring.events.create', target: `credit_event:${id}`, detail: { title: row.title, date: row.event_date, domain: row.domain, subdomain: row.subdomain, polarity: row.polarity } });
    return eventDto((await repo.getEvent(trx, id))!);
  });
}

export interface Upload {
  filename: string;
  buffer: Buffer;
}

/** CSV bytes as text: UTF-8, else GB18030 (both strict), the same rules as 归集 uploads. */
async function uploadText(buffer: Buffer): Promise<string> {
  return (await decodeBuffer(buffer)).text;
}

/** 'csv' or 'xlsx' by content and extension; an .xlsx passes the zip-bomb guard before it is opened. */
async function uploadFormat(up: Upload): Promise<'csv' | 'xlsx'> {
  const format = assertFormat(up.buffer.subarray(0, 4096), up.filename);
  if (format === 'xls') throw new MonitoringError('unsupported_format', '不支持旧版 .xls 文件，请用 Excel 另存为 .xlsx 后上传');
  if (format === 'xlsx') await assertSafeZip(up.buffer);
  return format;
}

/**
 * Sheet rows as CSV text with each row on its spreadsheet line number, so the CSV parser's
 * validation reports the same row numbers a user sees in Excel (line breaks in cells become spaces).
 */
function sheetAsCsv(rows: { row: number; cells: string[] }[]): string {
  const lines: string[] = [];
  for (const r of rows) {
    while (lines.length < r.row - 1) lines.push('');
    lines.push(r.cells.map((c) => `"${c.replace(/[\r\n]+/g, ' ').replace(/"/g, '""')}"`).join(','));
  }
  return lines.join('\n');
}

/** Imports events from CSV or XLSX: every row is validated first, then all are classified and stored in one transaction. */
// Header names of the columns the extra checks read (the same aliases as the core's CSV parser).
const EXTRA_COLUMNS = { title: ['title', '标题'], date: ['date', '日期'], link: ['link', '链接'] };

/**
 * Row problems the core's event parser leaves open — an impossible date, a link that is not http(s),
 * an overlong title — with their file row numbers, so they are reported together with the core's.
 */
function extraEventIssues(text: string): RowIssue[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true }) as unknown as typeof records;
  } catch {
    return []; // the core reports malformed CSV
  }
  if (!records.length) return [];
  const header = records[0].record.map((h) => h.toLowerCase());
  const col = (names: string[]) => header.findIndex((h) => names.includes(h));
  const [title, date, link] = [col(EXTRA_COLUMNS.title), col(EXTRA_COLUMNS.date), col(EXTRA_COLUMNS.link)];
  return records.slice(1).flatMap(({ record, info }) => {
    const e = { title: title >= 0 ? (record[title] ?? '') : '', date: date >= 0 ? (record[date] ?? '').replace(/\//g, '-') : '', link: link >= 0 ? record[link] : undefined };
    // Dates the core already rejects for their form are left to its message.
    const problems = eventProblems(e).filter((p) => /^\d{4}-\d{2}-\d{2}$/.test(e.date) || !p.startsWith('日期'));
    return problems.length ? [{ row: info.lines, message: problems.join('；') }] : [];
  });
}

/** Imports events from CSV or XLSX: every row is validated first, then all are classified and stored in one transaction. */
export async function importEvents(
  db: Db,
  config: Pick<Config, 'eventReviewThreshold'>,
  user: SessionUser,
  up: Upload,
  ctx: AuditContext,
): Promise<{ rows: number; inserted: number; duplicates: number; pendingReview: number }> {
  const format = await uploadFormat(up);
  const text = format === 'xlsx' ? sheetAsCsv(await readFirstSheet(up.buffer)) : await uploadText(up.buffer);
  let events: CreditEvent[] = [];
  let issues: RowIssue[] = [];
  try {
    events = parseEventsCsv(text);
  } catch (e) {
    if (!(e instanceof MonitoringError && e.code === 'invalid_events' && e.issues.length)) throw e;
    issues = e.issues;
  }
  // One report with every bad row: the core's problems and ours, merged per row.
  const byRow = new Map(issues.map((i) => [i.row, i.message]));
  for (const i of extraEventIssues(text)) byRow.set(i.row, byRow.has(i.row) ? `${byRow.get(i.row)}；${i.message}` : i.message);
  if (byRow.size) {
    const merged = [...byRow].map(([row, message]) => ({ row, message })).sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    throw importError('invalid_events', '事件文件', merged);
  }
  if (!events.length) throw new MonitoringError('invalid_events', '事件文件没有数据行');
  const rows = eventRows(await eventClassifier(db), events, user.id, config.eventReviewThreshold);
  return db.transaction().execute(async (trx) => {
    const ids = await repo.insertEvents(trx, rows);
    const result = { rows: rows.length, inserted: ids.length, duplicates: rows.length - ids.length, pendingReview: await repo.countPendingAmong(trx, ids) };
    await audit(trx, ctx, { action: 'monitoring.events.import', detail: { fileName: up.filename, sha256: sha256(up.buffer), ...result } });
    return result;
  });
}

function encodeCursor(r: { event_date: string; id: string }): string {
  return Buffer.from(`${r.event_date}|${r.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { date: string; id: string } {
  const m = /^(\d{4}-\d{2}-\d{2})\|(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new AppError('invalid_cursor', '分页游标无效', 400);
  return { date: m[1], id: m[2] };
}

/** Events newest first, filtered by period and domain, with keyset pagination. */
export async function listEvents(
  db: DbOrTx,
  q: { from?: string; to?: string; domain?: string; cursor?: string; limit?: number },
): Promise<{ items: EventDto[]; nextCursor: string | null }> {
  const limit = q.limit ?? 50;
  const rows = await repo.listEvents(db, { ...periodBounds(q.from, q.to), domain: q.domain, after: q.cursor ? decodeCursor(q.cursor) : undefined, limit: limit + 1 });
  const page = rows.slice(0, limit);
  return { items: page.map(eventDto), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null };
}

/**
 * A staff correction: the event takes the new labels (the previous result is kept in its
 * explanation and the audit log), the correction is stored as a labelled example, and the
 * classifier is retrained on next use.
 */
export async function overrideEvent(
  db: Db,
  user: SessionUser,
  id: string,
  body: { subdomain: string; polarity: EventPolarity },
  ctx: AuditContext,
): Promise<EventDto> {
  return relabelEvent(db, user, id, body, ctx, 'override');
}

/**
 * A staff decision on an event in the review queue (复核): the same as a correction — the labels are stored as a
 * training example for the next rebuild — and the event leaves the queue and counts from now on.
 */
export async function decideReview(
  db: Db,
  user: SessionUser,
  id: string,
  body: { subdomain: string; polarity: EventPolarity },
  ctx: AuditContext,
): Promise<EventDto> {
  return relabelEvent(db, user, id, body, ctx, 'review');
}

async function relabelEvent(
  db: Db,
  user: SessionUser,
  id: string,
  body: { subdomain: string; polarity: EventPolarity },
  ctx: AuditContext,
  kind: 'override' | 'review',
): Promise<EventDto> {
  checkSubdomain(body.subdomain);
  const domain = subdomainToDomain(defaultTaxonomy()).get(body.subdomain)!;
  const updated = await db.transaction().execute(async (trx) => {
    const before = await repo.getEvent(trx, id, true);
    if (!before) throw notFound('event_not_found', '信用事件不存在');
    if (kind === 'review' && before.review_status !== 'pending') throw conflict('event_not_pending', '该信用事件不在待复核队列中（可能已由他人复核），请刷新后重试');
    const prevExplanation = (before.explanation ?? {}) as { model?: unknown };
    const previous = { domain: before.domain, subdomain: before.subdomain, polarity: before.polarity, confidence: before.confidence, classifiedBy: before.classified_by };
    const explanation = {
      override: true,
      keywords: [],
      polarityKeywords: [],
      topFeatures: [],
      alternatives: [],
      text: `${kind === 'review' ? '人工复核' : '人工修正'}：${domain}·${body.subdomain}·${body.polarity === 'bad' ? '不良' : '优良'}（原为 ${before.domain}·${before.subdomain}·${before.polarity === 'bad' ? '不良' : '优良'}）`,
      previous,
      // The model's own reasons, kept through any number of corrections.
      model: prevExplanation.model ?? (before.classified_by === 'model' ? before.explanation : null),
    };
    const row = await repo.updateEventLabel(trx, id, { domain, subdomain: body.subdomain, polarity: body.polarity, explanation: JSON.stringify(explanation), userId: user.id });
    await repo.insertLabel(trx, { title: before.title, domain, subdomain: body.subdomain, polarity: body.polarity, eventId: id, userId: user.id });
    await audit(trx, ctx, {
      action: kind === 'review' ? 'monitoring.events.review' : 'monitoring.events.override',
      target: `credit_event:${id}`,
      detail: { title: before.title, before: previous, after: { domain, subdomain: body.subdomain, polarity: body.polarity } },
    });
    return row;
  });
  models.delete(db);
  return eventDto(updated);
}

/** The review queue (待复核): events the classifier was unsure of, oldest first, with how many wait in all. */
export async function reviewQueue(db: DbOrTx, q: { limit?: number }): Promise<{ items: EventDto[]; total: number }> {
  const { rows, total } = await repo.reviewQueue(db, q.limit ?? 50);
  return { items: rows.map(eventDto), total };
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

/**
 * Rebuilds the classifier from the shipped titles and every staff decision (`citycredit events retrain`), measures it
 * on the fixed held-out split and records the build. For the measurement the model learns from the training split and
 * the staff labels, leaving out any staff label whose title is in the held-out split, so the figure stays honest.
 */
export async function retrainClassifier(db: Db, builtBy: string, ctx: AuditContext): Promise<ClassifierBuild> {
  const shippedTitles = shippedLabelledTitles();
  const latest = new Map<string, LabelledTitle>();
  for (const l of await repo.listLabels(db)) latest.set(normaliseTitle(l.title), l);
  const labels = [...latest.values()];
  const { train, test } = splitHoldout(shippedTitles);
  const heldOut = new Set(test.map((e) => normaliseTitle(e.title)));
  const extra = labels.filter((l) => !heldOut.has(normaliseTitle(l.title)));
  const ev = evaluateClassifier(trainClassifier(train, extra.length ? { extra } : {}), test);
  models.delete(db);
  await eventClassifier(db);
  return db.transaction().execute(async (trx) => {
    const row = await repo.insertClassifierBuild(trx, {
      shipped_titles: shippedTitles.length,
      staff_labels: labels.length,
      held_out: test.length,
      domain_accuracy: ev.domain,
      subdomain_accuracy: ev.subdomain,
      polarity_accuracy: ev.polarity,
      built_by: builtBy,
    });
    await audit(trx, ctx, { action: 'monitoring.classifier.retrain', target: `event_classifier_build:${row.id}`, detail: { staffLabels: labels.length, domain: ev.domain, subdomain: ev.subdomain, polarity: ev.polarity } });
    return {
      shippedTitles: row.shipped_titles,
      staffLabels: row.staff_labels,
      heldOut: row.held_out,
      domainAccuracy: row.domain_accuracy,
      subdomainAccuracy: row.subdomain_accuracy,
      polarityAccuracy: row.polarity_accuracy,
      builtBy: row.built_by,
      builtAt: new Date(row.built_at).toISOString(),
    };
  });
}

/**
 * Publishes an event on the portal (信用事件公开) or withdraws it. Only an event with its source link can be
 * published: the page shows where each event comes from. Audited.
 */
export async function publishEvent(db: Db, user: SessionUser, id: string, published: boolean, ctx: AuditContext): Promise<EventDto> {
  return db.transaction().execute(async (trx) => {
    const before = await repo.getEvent(trx, id, true);
    if (!before) throw notFound('event_not_found', '信用事件不存在');
    if (published && !before.link) throw new AppError('event_link_required', '公开信用事件须有来源链接，请先补充链接', 400);
    // A queued event's labels are only the model's guess, and published events count in the monitor's evidence.
    if (published && before.review_status === 'pending') throw conflict('event_review_pending', '该信用事件待复核，请先复核分类再公开');
    const row = await repo.setEventPublished(trx, id, published ? user.id : null);
    await audit(trx, ctx, {
      action: published ? 'monitoring.events.publish' : 'monitoring.events.unpublish',
      target: `credit_event:${id}`,
      detail: { title: before.title, date: before.event_date, polarity: before.polarity, domain: before.domain },
    });
    return eventDto(row);
  });
}

/** The portal's 信用事件公开 list: published events, newest first, filterable by domain and polarity. */
export async function publicEvents(db: DbOrTx, q: { domain?: string; polarity?: EventPolarity; cursor?: string; limit?: number }) {
  const limit = q.limit ?? 20;
  const rows = await repo.publishedEvents(db, { domain: q.domain, polarity: q.polarity, after: q.cursor ? decodeCursor(q.cursor) : undefined, limit: limit + 1 });
  const page = rows.slice(0, limit);
  // The subject's name stays internal: it may name a natural person.
  return {
    items: page.map((r) => ({ id: r.id, title: r.title, date: r.event_date, source: r.source, link: r.link, polarity: r.polarity, domain: r.domain, subdomain: r.subdomain })),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null,
  };
}

/** Published events dated in a month: the 信用事件监测 evidence of what the monitor can find. */
export async function publishedEventsOfMonth(db: DbOrTx, month: string): Promise<{ total: number; good: number; bad: number }> {
  const c = await repo.publishedEventCounts(db, periodBounds(month, month));
  return { total: c.good + c.bad, ...c };
}

const CONVERSION_CURSOR = /^(org|regno):(.+)$/;

/** The portal's 统一社会信用代码转换公示 page: legacy codes → USCC from the registry, searchable, keyset-paged. */
export async function codeConversions(db: DbOrTx, q: { q?: string; cursor?: string; limit?: number }) {
  const limit = q.limit ?? 20;
  let after: { kind: string; code: string } | undefined;
  if (q.cursor) {
    const m = CONVERSION_CURSOR.exec(Buffer.from(q.cursor, 'base64url').toString('utf8'));
    if (!m) throw new AppError('invalid_cursor', '分页游标无效', 400);
    after = { kind: m[1], code: m[2] };
  }
  const rows = await legacyConversions(db, { q: q.q, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ kind: r.kind, kindLabel: r.kind === 'org' ? '组织机构代码' : '注册号', legacyCode: r.legacyCode, uscc: r.uscc, name: r.name })),
    nextCursor: rows.length > limit ? Buffer.from(`${last.kind}:${last.legacyCode}`).toString('base64url') : null,
  };
}

function toClassified(rows: Awaited<ReturnType<typeof repo.eventLabelsInPeriod>>): ClassifiedEvent[] {
  return rows.map((r) => ({ title: r.title, date: r.event_date, domain: r.domain, subdomain: r.subdomain, polarity: r.polarity, ...(r.source ? { source: r.source } : {}) }));
}

/** Bad-event shares per domain and sub-domain in a period, and the monthly trend. */
export async function eventStatistics(db: DbOrTx, q: { from?: string; to?: string }) {
  const bounds = periodBounds(q.from, q.to);
  const events = toClassified(await repo.eventLabelsInPeriod(db, bounds));
  return {
    stats: eventStats(events, { from: q.from, to: q.to }),
    trend: eventTrend(events, { from: q.from?.slice(0, 7), to: q.to?.slice(0, 7) }),
  };
}

// ================================================================ institution checklist

function rowToItem(r: repo.ChecklistRow): InstitutionItem {
  const doc = r.doc_title
    ? {
        ...Object.fromEntries(
          Object.entries({ title: r.doc_title, number: r.doc_number, date: r.doc_date, link: r.doc_link, issuer: r.doc_issuer }).filter(([, v]) => v !== null && v !== ''),
        ),
        ...(r.doc_unconfirmed ? { unconfirmed: true } : {}),
      }
    : undefined;
  return {
    id: r.id,
    domain: r.domain,
    ...(r.subdomain ? { subdomain: r.subdomain } : {}),
    name: r.name,
    status: r.status,
    ...(doc ? { document: doc as InstitutionItem['document'] } : {}),
    ...(r.basis ? { basis: r.basis } : {}),
    ...(r.online_url ? { online: { url: r.online_url, ...(r.online_date ? { date: r.online_date } : {}) } } : {}),
  };
}

function itemToRow(item: InstitutionItem, position: number, userId: number | null) {
  return {
    id: item.id,
    position,
    domain: item.domain,
    subdomain: item.subdomain ?? null,
    name: item.name,
    status: item.status,
    doc_title: item.document?.title ?? null,
    doc_number: item.document?.number || null,
    doc_date: item.document?.date || null,
    doc_link: item.document?.link || null,
    doc_issuer: item.document?.issuer || null,
    basis: item.basis ?? null,
    online_url: item.online?.url ?? null,
    online_date: item.online?.date || null,
    doc_unconfirmed: item.document?.unconfirmed === true,
    updated_by: userId,
  };
}

/** Document dates the core's pattern check lets through but the calendar does not (e.g. 2019-02-30). */
function checkDocumentDates(items: InstitutionItem[]): void {
  const issues = [
    ...items
      .filter((i) => i.document?.date && !isRealDate(i.document.date))
      .map((i) => ({ row: null, message: `「${i.name}」（${i.id}）：发布日期「${i.document!.date}」不是有效日期` })),
    ...items
      .filter((i) => i.online?.date && !isRealDate(i.online.date))
      .map((i) => ({ row: null, message: `「${i.name}」（${i.id}）：网上公开日期「${i.online!.date}」不是有效日期` })),
  ];
  if (issues.length) throw importError('invalid_checklist', '信用制度清单', issues);
}

/** Seeds the checklist from the shipped default on first use (an import never leaves it empty). */
async function ensureChecklist(db: Db): Promise<void> {
  if ((await repo.countChecklist(db)) > 0) return;
  await db.transaction().execute(async (trx) => {
    await repo.lock(trx, repo.LOCKS.checklist);
    if ((await repo.countChecklist(trx)) > 0) return;
    await repo.insertChecklist(trx, defaultChecklist().map((item, i) => itemToRow(item, i + 1, null)));
  });
}

/** The checklist as domain objects, seeded when empty. */
export async function loadChecklist(db: Db): Promise<InstitutionItem[]> {
  await ensureChecklist(db);
  return (await repo.listChecklist(db)).map(rowToItem);
}

export interface ChecklistItemDto {
  id: string;
  domain: string;
  subdomain: string | null;
  name: string;
  status: InstitutionStatus;
  statusLabel: string;
  document: { title: string; number: string | null; date: string | null; link: string | null; issuer: string | null; unconfirmed: boolean } | null;
  basis: string | null;
  /** where and since when the document is published online; null = not published (the monitor does not see it) */
  online: { url: string; date: string | null } | null;
  updatedAt: string;
}

function checklistDto(r: repo.ChecklistRow): ChecklistItemDto {
  return {
    id: r.id,
    domain: r.domain,
    subdomain: r.subdomain,
    name: r.name,
    status: r.status,
    statusLabel: STATUS_LABELS[r.status],
    document: r.doc_title ? { title: r.doc_title, number: r.doc_number, date: r.doc_date, link: r.doc_link, issuer: r.doc_issuer, unconfirmed: r.doc_unconfirmed } : null,
    basis: r.basis,
    online: r.online_url ? { url: r.online_url, date: r.online_date } : null,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** The checklist with its counts by status and domain and the summary sentence. */
export async function checklistView(db: Db) {
  await ensureChecklist(db);
  const rows = await repo.listChecklist(db);
  const s = summarizeChecklist(rows.map(rowToItem));
  return {
    items: rows.map(checklistDto),
    summary: {
      total: s.total,
      national: s.national,
      municipal: s.municipal,
      blank: s.blank,
      online: s.online,
      unpublished: s.unpublished.map((i) => ({ id: i.id, name: i.name, title: i.document?.title ?? i.name })),
      text: s.text,
      byDomain: s.byDomain.map(({ domain, total, national, municipal, blank }) => ({ domain, total, national, municipal, blank })),
    },
  };
}

export interface ChecklistPatch {
  status: InstitutionStatus;
  /** omitted: keep the current document; null: remove it */
  document?: { title: string; number?: string; date?: string; link?: string; issuer?: string; unconfirmed?: boolean } | null;
  /** omitted: keep; null: not published online */
  online?: { url: string; date?: string } | null;
}

/** Changes one item's status and document; validated by the core's checklist rules and audited. */
export async function patchChecklistItem(db: Db, user: SessionUser, id: string, patch: ChecklistPatch, ctx: AuditContext): Promise<ChecklistItemDto> {
  await ensureChecklist(db);
  return db.transaction().execute(async (trx) => {
    await repo.lock(trx, repo.LOCKS.checklist);
    const row = await repo.getChecklistItem(trx, id, true);
    if (!row) throw notFound('checklist_item_not_found', `信用制度清单中没有编号为「${id}」的制度`);
    const before = rowToItem(row);
    const document = patch.document === undefined ? before.document : (patch.document ?? undefined);
    const after: InstitutionItem = { ...before, status: patch.status, ...(document ? { document: Object.fromEntries(Object.entries(document).filter(([, v]) => v !== '' && v !== undefined)) as InstitutionItem['document'] } : {}) };
    if (!document) delete after.document;
    const online = patch.online === undefined ? before.online : (patch.online ?? undefined);
    if (online) after.online = online;
    else delete after.online;
    validateChecklist([after]);
    checkDocumentDates([after]);
    const { position: _p, ...values } = itemToRow(after, row.position, user.id);
    const updated = await repo.updateChecklistItem(trx, id, { ...values, updated_at: new Date() });
    await audit(trx, ctx, {
      action: 'monitoring.checklist.update',
      target: `checklist_item:${id}`,
      detail: {
        name: row.name,
        before: { status: before.status, document: before.document ?? null, online: before.online ?? null },
        after: { status: after.status, document: after.document ?? null, online: after.online ?? null },
      },
    });
    return checklistDto(updated);
  });
}

/** Replaces the whole checklist from an .xlsx after the core has validated every row; audited. */
export async function importChecklist(db: Db, user: SessionUser, up: Upload, ctx: AuditContext): Promise<{ previous: number; items: number; summary: string }> {
  if ((await uploadFormat(up)) !== 'xlsx') throw new MonitoringError('unsupported_format', '信用制度清单须为 .xlsx 文件（可先导出清单作为模板）');
  const items = await importChecklistXlsx(up.buffer);
  checkDocumentDates(items);
  return db.transaction().execute(async (trx) => {
    await repo.lock(trx, repo.LOCKS.checklist);
    const previous = await repo.deleteChecklist(trx);
    await repo.insertChecklist(trx, items.map((item, i) => itemToRow(item, i + 1, user.id)));
    const summary = summarizeChecklist(items).text;
    await audit(trx, ctx, { action: 'monitoring.checklist.import', detail: { fileName: up.filename, sha256: sha256(up.buffer), previous, items: items.length, summary } });
    return { previous, items: items.length, summary };
  });
}

/** The checklist as .xlsx in the import layout. */
export async function exportChecklist(db: Db): Promise<Buffer> {
  return checklistToXlsx(await loadChecklist(db));
}

/** Municipal credit documents the city has issued (市级已出台), for the portal's 信用制度 page. */
export async function publicPolicies(db: DbOrTx) {
  // Read-only on the public path: an unseeded checklist has no municipal documents anyway.
  return (await repo.municipalDocuments(db)).map((r) => ({
    title: r.doc_title!,
    number: r.doc_number,
    date: r.doc_date,
    link: r.doc_link,
    issuer: r.doc_issuer,
    domain: r.domain,
    institution: r.name,
  }));
}

// ================================================================ indicator trees

/** Stores the shipped trees as version 1 of each on first use. */
async function ensureTrees(db: DbOrTx): Promise<void> {
  const have = new Set(await repo.treeIds(db));
  for (const id of TREE_IDS) {
    if (!have.has(id)) await repo.insertTree(db, { id, version: 1, definition: getTree(id), active: true, note: '系统内置', createdBy: null });
  }
}

export interface StoredTree {
  tree: IndicatorTree;
  version: number;
}

function unknownTree(id: string): AppError {
  return notFound('tree_not_found', `未知指标体系「${id}」，可选：${TREE_IDS.join('、')}`);
}

/** The active version of a tree. */
export async function activeTree(db: DbOrTx, id: string): Promise<StoredTree> {
  await ensureTrees(db);
  const row = await repo.activeTreeRow(db, id);
  if (!row) throw unknownTree(id);
  return { tree: validateTree(row.definition), version: row.version };
}

function treeDto(t: StoredTree, versions: repo.TreeRow[]) {
  return {
    id: t.tree.id,
    version: t.version,
    name: t.tree.name,
    total: t.tree.total,
    source: t.tree.source ?? null,
    nodes: t.tree.nodes.map((n) => ({ code: n.code, name: n.name, parent: n.parent, weight: n.weight, maxKnown: isMaxKnown(n) })),
    versions: versions.map((v) => ({ version: v.version, active: v.active, note: v.note, createdAt: new Date(v.created_at).toISOString() })),
  };
}

/** Active trees with their version history. */
export async function listTrees(db: DbOrTx) {
  await ensureTrees(db);
  const rows = await repo.listTreeVersions(db);
  return rows
    .filter((r) => r.active)
    .map((r) => treeDto({ tree: validateTree(r.definition), version: r.version }, rows.filter((v) => v.id === r.id)));
}

/** Custom weights become a new active version; weights that do not add up are rejected with the sum. */
export async function setTreeWeights(
  db: Db,
  user: SessionUser,
  id: string,
  body: { weights: Record<string, number>; total?: number; note?: string },
  ctx: AuditContext,
) {
  await ensureTrees(db);
  return db.transaction().execute(async (trx) => {
    await repo.lock(trx, repo.LOCKS.trees);
    const current = await repo.activeTreeRow(trx, id);
    if (!current) throw unknownTree(id);
    const tree = withWeights(validateTree(current.definition), body.weights, body.total);
    const version = (await repo.maxTreeVersion(trx, id)) + 1;
    await repo.deactivateTree(trx, id);
    await repo.insertTree(trx, { id, version, definition: tree, active: true, note: body.note ?? null, createdBy: user.id });
    await audit(trx, ctx, {
      action: 'monitoring.trees.weights',
      target: `indicator_tree:${id}`,
      detail: { fromVersion: current.version, toVersion: version, weights: body.weights, total: tree.total, note: body.note ?? null },
    });
    return treeDto({ tree, version }, await repo.listTreeVersions(trx).then((rows) => rows.filter((r) => r.id === id)));
  });
}

// ================================================================ official scores

/**
 * Imports an official score file (CSV or XLSX). The core validates it whole against the active
 * tree (detected from the indicators unless given); then, in one transaction, each (month, city)
 * in the file replaces what was stored for it — a city-month is validated as a whole, so it is
 * replaced as a whole and a parent can never disagree with children from another file.
 */
export async function importScores(db: Db, user: SessionUser, up: Upload, treeId: string | undefined, ctx: AuditContext) {
  const format = await uploadFormat(up);
  const input = format === 'xlsx' ? up.buffer : await uploadText(up.buffer);
  const raw = await readScoreRows(input, `scores.${format}`);
  const { tree, version } = await activeTree(db, treeId ?? detectTree(raw).id);
  const table = scoresFromRows(raw, { tree });
  return db.transaction().execute(async (trx) => {
    await repo.lock(trx, repo.LOCKS.scores);
    const importId = await repo.insertScoreImport(trx, {
      fileName: up.filename,
      sha256: sha256(up.buffer),
      treeId: tree.id,
      treeVersion: version,
      months: table.months,
      cities: table.cities.length,
      rows: raw.length,
      createdBy: user.id,
    });
    const slices = table.months.flatMap((month) => [...table.values.get(month)!.keys()].map((city) => ({ month, city })));
    const replaced = await repo.deleteScoreSlices(trx, tree.id, slices);
    const rows = slices.flatMap(({ month, city }) =>
      [...table.values.get(month)!.get(city)!].map(([code, score]) => ({
        tree_id: tree.id,
        month,
        city,
        indicator_code: code,
        score,
        derived: !table.given.get(month)!.get(city)!.has(code),
        import_id: importId,
      })),
    );
    await repo.insertScores(trx, rows);
    await repo.setImportReplaced(trx, importId, replaced);
    const result = { importId, tree: { id: tree.id, version, name: tree.name }, months: table.months, cities: table.cities.length, rows: raw.length, stored: rows.length, replaced };
    await audit(trx, ctx, { action: 'monitoring.scores.import', target: `score_import:${importId}`, detail: { fileName: up.filename, sha256: sha256(up.buffer), ...result, tree: `${tree.id} v${version}` } });
    return result;
  });
}

/** The stored scores of a tree as the core's score table (against the tree's active version). */
export async function loadScoreTable(db: DbOrTx, treeId: string): Promise<ScoreTable & { version: number }> {
  const { tree, version } = await activeTree(db, treeId);
  const values: ScoreTable['values'] = new Map();
  const given: ScoreTable['given'] = new Map();
  const cities = new Set<string>();
  for (const r of await repo.scoresOfTree(db, treeId)) {
    if (!values.has(r.month)) {
      values.set(r.month, new Map());
      given.set(r.month, new Map());
    }
    const byCity = values.get(r.month)!;
    if (!byCity.has(r.city)) {
      byCity.set(r.city, new Map());
      given.get(r.month)!.set(r.city, new Set());
    }
    byCity.get(r.city)!.set(r.indicator_code, r.score);
    if (!r.derived) given.get(r.month)!.get(r.city)!.add(r.indicator_code);
    cities.add(r.city);
  }
  return { tree, version, months: [...values.keys()].sort(), cities: [...cities].sort((a, b) => a.localeCompare(b, 'zh')), values, given };
}

interface ScoreQuery {
  city?: string;
  month?: string;
  tree?: string;
}

/** The tree to use: the one asked for, else the one with the city's latest scores, else the latest of any city. */
async function treeFor(db: DbOrTx, city: string, tree: string | undefined): Promise<string | undefined> {
  return tree ?? (await repo.latestScoreTree(db, city))?.treeId ?? (await repo.latestScoreTree(db))?.treeId;
}

async function scoreTableFor(db: DbOrTx, config: Config, q: ScoreQuery) {
  const city = q.city?.trim() || config.cityName;
  const treeId = await treeFor(db, city, q.tree);
  if (!treeId) throw new MonitoringError('no_data', '尚未导入城市信用监测得分');
  const table = await loadScoreTable(db, treeId);
  if (!table.months.length) throw new MonitoringError('no_data', `指标体系「${table.tree.name}」尚未导入监测得分`);
  return { city, table, month: q.month ? checkMonth(q.month) : undefined };
}

/** Figures the database can supply for the month: events by domain, institution counts, and collection (归集) figures. */
export async function localEstimates(db: Db, month: string): Promise<LocalEstimates> {
  const period = periodBounds(month, month);
  const counts = await repo.eventCountsByDomain(db, period);
  const out: LocalEstimates = {};
  const f = await repo.collectionFigures(db, period.from!, period.before!);
  // Each estimate only where there is something to divide by, never a made-up zero.
  if (f.total > 0) out.rejectionRate = f.rejected / f.total;
  if (f.sgs_accepted > 0) out.onTimeShare = 1 - f.sgs_late / f.sgs_accepted; // 7 working days, DOMAIN §1.1
  if (f.enterprises > 0 && f.sgs > 0) out.shuanggongshiPer10kEnterprises = (f.sgs / f.enterprises) * 10_000;
  if (f.black_public > 0) out.blacklistPublicityCount = f.black_public;
  if (f.organisations > 0) out.codeConversion = { converted: f.with_uscc, total: f.organisations };
  if (counts.length) {
    out.eventCounts = defaultTaxonomy().domains.map((d) => {
      const c = counts.find((x) => x.domain === d.name);
      return { domain: d.name, good: c?.good ?? 0, bad: c?.bad ?? 0 };
    });
  }
  const s = summarizeChecklist(await loadChecklist(db));
  out.institutionCounts = { national: s.national, municipal: s.municipal, blank: s.blank };
  out.institutionsOnline = { online: s.online, issued: s.national + s.municipal };
  out.eventsPublished = await publishedEventsOfMonth(db, month);
  return out;
}

/** Every estimate key, null where the database has nothing for it. */
function estimatesObject(e: LocalEstimates): { [K in keyof LocalEstimates]-?: NonNullable<LocalEstimates[K]> | null } {
  return Object.fromEntries(Object.keys(ESTIMATE_DEFS).map((k) => [k, e[k as keyof LocalEstimates] ?? null])) as {
    [K in keyof LocalEstimates]-?: NonNullable<LocalEstimates[K]> | null;
  };
}

/** The CLI's `monitor compare --json` contract from stored scores, plus local estimates. */
export async function compareFor(db: Db, config: Config, q: ScoreQuery) {
  const { city, table, month } = await scoreTableFor(db, config, q);
  const m = month ?? table.months[table.months.length - 1];
  const estimates = await localEstimates(db, m);
  const c = compare(table, city, { month: m, estimates });
  return {
    ...compareJson(c),
    tree: { id: table.tree.id, version: table.version, name: table.tree.name },
    estimates: estimatesObject(estimates),
  };
}

/** Stored effect rules of a tree, seeded from the shipped defaults on first use. */
export async function effectRulesFor(db: DbOrTx, tree: IndicatorTree) {
  let stored = await repo.getEffectRules(db, tree.id);
  if (stored === undefined) {
    await repo.insertEffectRulesIfAbsent(db, tree.id, defaultEffectRules(tree));
    stored = await repo.getEffectRules(db, tree.id);
  }
  return validateEffectRules(stored, tree);
}

/** What-if plan on stored scores with the stored effect rules. */
export async function whatIf(db: Db, config: Config, body: ScoreQuery & { improvements: Improvement[] }): Promise<WhatIfPlan> {
  const { city, table, month } = await scoreTableFor(db, config, body);
  const rules = await effectRulesFor(db, table.tree);
  return planWhatIf(table, city, body.improvements, { month, rules });
}

/** The effect rules a what-if may use for a tree. */
export async function listEffectRules(db: DbOrTx, treeId: string) {
  const { tree } = await activeTree(db, treeId);
  return { tree: tree.id, rules: await effectRulesFor(db, tree) };
}

// ================================================================ briefing

const REPORT_TYPES: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
};

// The briefing's appendix lists at most this many bad events of the month.
const REPORT_SAMPLES = 30;

/**
 * The monitoring briefing from stored scores, the month's events, the checklist and department
 * scorecards. Without scores for the city and month the briefing says so instead of ranking.
 */
export async function reportFor(db: Db, config: Config, q: ScoreQuery & { format: ReportFormat }) {
  const city = q.city?.trim() || config.cityName;
  const treeId = (await treeFor(db, city, q.tree)) ?? '2020';
  const table = await loadScoreTable(db, treeId);
  const cityMonths = table.months.filter((m) => table.values.get(m)!.has(city));
  const month = q.month ? checkMonth(q.month) : (cityMonths[cityMonths.length - 1] ?? currentMonth());
  const hasRows = cityMonths.includes(month);
  const estimates = await localEstimates(db, month);

  const { from, before } = periodBounds(month, month);
  const events = toClassified(await repo.eventLabelsInPeriod(db, { from, before }));
  const samples = events.filter((e) => e.polarity === 'bad').slice(-REPORT_SAMPLES);
  const model = buildReportModel({
    tree: table.tree,
    city,
    month,
    compare: hasRows ? compare(table, city, { month, estimates }) : null,
    trend: hasRows ? cityTrend(table, city) : undefined,
    events: { stats: eventStats(events, { from: month, to: month }), samples, published: await publishedEventsOfMonth(db, month) },
    checklist: summarizeChecklist(await loadChecklist(db)),
    departments: (await scorecardsFor(db, month)).cards,
    codeConversions: await countLegacyConversions(db),
    date: new Date(Date.now() + CHINA_OFFSET_MS).toISOString().slice(0, 10),
  });
  return {
    body: await renderReport(model, q.format),
    contentType: REPORT_TYPES[q.format],
    filename: `${city}城市信用状况监测分析通报（${monthLabel(month)}）.${q.format}`,
    hasData: model.hasData,
  };
}

// ================================================================ department scorecards

export const EXPECTED_VOLUMES_KEY = 'monitoring.expectedVolumes';

const ExpectedVolumesSchema = Type.Array(
  Type.Object({
    /** department code, id or full name */
    department: Type.String({ minLength: 1 }),
    /** catalogue item id; absent = all items of the department */
    item: Type.Optional(Type.String({ minLength: 1 })),
    monthlyExpected: Type.Number({ minimum: 0 }),
  }),
);

export const SCORECARD_WEIGHTS_KEY = 'monitoring.scorecardWeights';

// Receipts and stored rejections give volume, timeliness, first pass and correction turnaround;
// joint-punishment feedback (§4.2) is not collected yet, so its default weight is 0. The default
// (0.4 / 0.3 / 0.2 / 0.1 / 0) adds up to 1; the settings row `monitoring.scorecardWeights` may
// replace it with other weights that also add up to 1.
export const BATCH_SCORECARD_WEIGHTS: ScorecardWeights = { ...DEFAULT_SCORECARD_WEIGHTS };
// A late record counts as reported after the 7-working-day deadline (DOMAIN §1.1).
const DEADLINE_DAYS = 7;
// Correction within 5 working days scores full marks, falling linearly to nothing at 20 (the core's defaults, [M]).
const CORRECTION_TARGET_DAYS = 5;
const CORRECTION_ZERO_DAYS = 20;

const ScorecardWeightsSchema = Type.Object(
  {
    volume: Type.Number({ minimum: 0 }),
    timeliness: Type.Number({ minimum: 0 }),
    firstPass: Type.Number({ minimum: 0 }),
    correction: Type.Number({ minimum: 0 }),
    feedback: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/** The scorecard weights: the settings row when present (checked: non-negative, adding up to 1), else the default. */
async function scorecardWeights(db: DbOrTx): Promise<ScorecardWeights> {
  const value = await repo.getSetting(db, SCORECARD_WEIGHTS_KEY);
  if (value === undefined || value === null) return BATCH_SCORECARD_WEIGHTS;
  const bad = (detail: string) =>
    new AppError(
      'invalid_setting',
      `设置项 ${SCORECARD_WEIGHTS_KEY} 格式错误：${detail}。应为 {"volume":0.4,"timeliness":0.3,"firstPass":0.2,"correction":0.1,"feedback":0}，合计为 1`,
      500,
    );
  if (!Value.Check(ScorecardWeightsSchema, value)) throw bad('须为非负数');
  const weights: ScorecardWeights = { ...value, feedback: value.feedback ?? 0 };
  try {
    return validateScorecardWeights(weights);
  } catch (e) {
    if (e instanceof MonitoringError) throw bad(e.message);
    throw e;
  }
}

async function expectations(db: DbOrTx, departments: { id: number; code: string; name: string }[]): Promise<Expectation[]> {
  const value = await repo.getSetting(db, EXPECTED_VOLUMES_KEY);
  if (value === undefined || value === null) return [];
  if (!Value.Check(ExpectedVolumesSchema, value)) {
    throw new AppError('invalid_setting', `设置项 ${EXPECTED_VOLUMES_KEY} 格式错误，应为 [{"department":"部门代码","item":"目录项（可选）","monthlyExpected":数量}]`, 500);
  }
  return value.map((e) => {
    const d = departments.find((x) => x.code === e.department || String(x.id) === e.department || x.name === e.department);
    if (!d) throw new AppError('invalid_setting', `设置项 ${EXPECTED_VOLUMES_KEY} 中的部门「${e.department}」不存在`, 500);
    return { department: String(d.id), ...(e.item ? { catalogItem: e.item } : {}), monthlyExpected: e.monthlyExpected };
  });
}

/** Corrected rejections of one department and catalogue item: working days → how many rows. */
interface CorrectionGroup {
  days: Map<number, number>;
  corrected: number;
}

/**
 * Where each rejecting batch of the month keeps the record key in its rejected rows: the batch's
 * header matched against its catalogue version (as the import did), giving the cells of the
 * 'authority_uscc' and 'doc_no' roles; a legacy format without an authority column takes the
 * department's USCC, as the import does. Batches whose key cannot be located are left out (their
 * rejections stay uncorrected).
 */
async function rejectKeySpecs(db: DbOrTx, batches: Awaited<ReturnType<typeof repo.rejectingBatches>>): Promise<repo.RejectKeySpec[]> {
  const items = new Map<string, CatalogItem | null>();
  const specs: repo.RejectKeySpec[] = [];
  for (const b of batches) {
    const k = `${b.item_id}\u0000${b.catalog_version}`;
    if (!items.has(k)) items.set(k, (await getCatalogVersion(db, b.item_id, b.catalog_version))?.item ?? null);
    const item = items.get(k);
    if (!item || !Array.isArray(b.header)) continue;
    const authField = item.items.find((f) => f.role === 'authority_uscc');
    const docField = item.items.find((f) => f.role === 'doc_no');
    if (!authField || !docField) continue;
    const mapping = matchHeaders(item, (b.header as unknown[]).map((h) => (typeof h === 'string' ? h : String(h ?? ''))));
    const docIndex = mapping.sources[docField.code]?.[0];
    const authIndex = mapping.sources[authField.code]?.[0];
    if (docIndex === undefined) continue;
    if (authIndex === undefined) {
      if (!mapping.format.legacy || !mapping.fromContext.includes('authority_uscc') || !b.department_uscc) continue;
      specs.push({ batchId: b.id, authorityIndex: null, authorityDefault: b.department_uscc, docIndex });
    } else {
      specs.push({ batchId: b.id, authorityIndex: authIndex, authorityDefault: null, docIndex });
    }
  }
  return specs;
}

/**
 * Correction turnaround of the month's rejections, per department and catalogue item: working days
 * (holiday calendar with the credit office's overrides, DOMAIN §1.1) from the rejecting batch to
 * the first later batch of the same department and item that stored the record.
 */
async function correctionGroups(db: DbOrTx, start: Date, end: Date): Promise<Map<string, CorrectionGroup>> {
  const specs = await rejectKeySpecs(db, await repo.rejectingBatches(db, start, end));
  const rows = await repo.rejectionCorrections(db, specs);
  const out = new Map<string, CorrectionGroup>();
  if (!rows.some((r) => r.corrected_day !== null)) return out;
  const calendar = await loadCalendar(db);
  for (const r of rows) {
    if (r.corrected_day === null) continue;
    const key = `${r.department_id}\u0000${r.item_id}`;
    const g = out.get(key) ?? { days: new Map<number, number>(), corrected: 0 };
    out.set(key, g);
    const days = Math.max(0, calendar.workingDaysBetween(r.rejected_day, r.corrected_day).days);
    g.days.set(days, (g.days.get(days) ?? 0) + r.n);
    g.corrected += r.n;
  }
  return out;
}

export interface ScorecardsResult {
  month: string;
  weights: ScorecardWeights;
  expectedKnown: boolean;
  cards: Scorecard[];
}

/**
 * Monthly scorecards from the committed batches created in the month: reported = rows submitted,
 * first pass = accepted ÷ total, on time = 1 − late ÷ accepted (receipt counts), and correction
 * turnaround of the rejected rows from the stored rejections (see `correctionGroups`). The counts
 * are expanded into the per-record facts the core takes (shared objects, so memory stays small).
 */
export async function scorecardsFor(db: DbOrTx, month: string): Promise<ScorecardsResult> {
  checkMonth(month);
  const weights = await scorecardWeights(db);
  const members = await repo.memberDepartments(db);
  const { start, end } = monthInstants(month);
  const groups = await repo.committedBatchCounts(db, start, end);
  const corrections = await correctionGroups(db, start, end);
  const departments = new Map(members.map((d) => [String(d.id), d.name]));
  const records: SubmissionRecord[] = [];
  for (const g of groups) {
    departments.set(String(g.department_id), g.department_name);
    const base = { department: String(g.department_id), catalogItem: g.item_id, month };
    const accepted = Math.min(g.accepted, g.total);
    const late = Math.min(g.late, accepted);
    const rejected = g.total - accepted;
    const fix = corrections.get(`${g.department_id}\u0000${g.item_id}`);
    const facts: [SubmissionRecord, number][] = [
      [{ ...base, workingDaysToReport: 0, firstPassAccepted: true }, accepted - late],
      [{ ...base, workingDaysToReport: DEADLINE_DAYS + 1, firstPassAccepted: true }, late],
    ];
    let corrected = 0;
    for (const [days, n] of fix?.days ?? []) {
      const take = Math.min(n, rejected - corrected);
      facts.push([{ ...base, workingDaysToReport: null, firstPassAccepted: false, correctionDays: days }, take]);
      corrected += take;
    }
    facts.push([{ ...base, workingDaysToReport: null, firstPassAccepted: false, correctionDays: null }, rejected - corrected]);
    for (const [fact, n] of facts) for (let i = 0; i < n; i++) records.push(fact);
  }
  const exp = await expectations(db, members);
  const cards = scorecards(
    { departments: [...departments].map(([id, name]) => ({ id, name })), expectations: exp, records },
    {
      month,
      weights,
      deadlineWorkingDays: DEADLINE_DAYS,
      correctionTargetDays: CORRECTION_TARGET_DAYS,
      correctionZeroDays: CORRECTION_ZERO_DAYS,
    },
  );
  return { month, weights, expectedKnown: exp.length > 0, cards };
}

/** Scorecards as the API shows them: expected volume null when not set; feedback is not collected yet. */
export function scorecardsView(r: ScorecardsResult) {
  return {
    month: r.month,
    weights: r.weights,
    expectedKnown: r.expectedKnown,
    correctionTargetDays: CORRECTION_TARGET_DAYS,
    correctionZeroDays: CORRECTION_ZERO_DAYS,
    items: r.cards.map((c) => ({
      departmentId: Number(c.department),
      name: c.name,
      rank: c.rank,
      score: c.score,
      reported: c.reported,
      expected: c.volumeRatio === null ? null : c.expected,
      volumeRatio: c.volumeRatio,
      onTimeShare: c.onTimeShare,
      firstPassRate: c.firstPassRate,
      rejected: c.rejected,
      corrected: c.rejected - c.uncorrected,
      uncorrected: c.uncorrected,
      avgCorrectionDays: c.avgCorrectionDays,
      items: c.items,
      components: c.components,
    })),
  };
}

const share = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);

/**
 * Scorecards as .xlsx. Joint-punishment feedback is left out: it is not collected yet, and the
 * core's export would show an empty rate for every department.
 */
export async function scorecardsXlsx(result: ScorecardsResult): Promise<Buffer> {
  return writeSheet(
    '部门考核',
    ['排名', '部门', '月份', '上报条数', '应报条数', '完成率', '按时上报率', '一次通过率', '退回条数', '已更正', '未更正', '平均更正用时（工作日）', '综合得分'],
    result.cards.map((c) => [
      c.rank,
      c.name,
      c.month,
      c.reported,
      c.volumeRatio === null ? '未设定' : c.expected,
      share(c.volumeRatio),
      share(c.onTimeShare),
      share(c.firstPassRate),
      c.rejected,
      c.rejected - c.uncorrected,
      c.uncorrected,
      c.avgCorrectionDays === null ? '—' : c.avgCorrectionDays,
      c.score,
    ]),
    [6, 28, 10, 10, 10, 10, 12, 12, 10, 10, 10, 22, 10],
  );
}

// ================================================================ trend

/** At most this many months per trend request (ten years). */
export const TREND_MAX_MONTHS = 120;

export interface TrendQuery {
  from: string;
  to: string;
  city?: string;
  tree?: string;
}

/**
 * The city's composite, rank and peer count per month from the imported official scores (the same
 * comparison as `compare`), and the collection volume (rows of committed batches created in the
 * month, China time), for every month from `from` to `to` inclusive, oldest first. Months without
 * scores have `score: null`; with no scores imported at all `tree` is null. A city named in the
 * query that the scores do not know is an error, as in `compare`; the configured city is not.
 */
export async function trendFor(db: DbOrTx, config: Config, q: TrendQuery) {
  const from = checkMonth(q.from);
  const to = checkMonth(q.to);
  if (from > to) throw badPeriod(`开始月份 ${from} 晚于结束月份 ${to}`);
  const months: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) {
    months.push(m);
    if (months.length > TREND_MAX_MONTHS) throw badPeriod(`一次最多查询 ${TREND_MAX_MONTHS} 个月`);
  }
  const city = q.city?.trim() || config.cityName;
  const treeId = await treeFor(db, city, q.tree);
  const table = treeId ? await loadScoreTable(db, treeId) : null;
  if (table && table.months.length && q.city?.trim() && !table.cities.includes(city)) throw unknownCity(table, city);
  const volume = await repo.monthlyCollection(db, monthInstants(from).start, monthInstants(to).end);
  return {
    city,
    from,
    to,
    tree: table && table.months.length ? { id: table.tree.id, version: table.version, name: table.tree.name } : null,
    items: months.map((month) => {
      const hasScore = table !== null && table.values.get(month)?.has(city) === true;
      const c = hasScore ? compare(table, city, { month }) : null;
      const v = volume.find((x) => x.month === month);
      return {
        month,
        score: c ? { composite: c.composite, average: c.average, rank: c.rank, of: c.of } : null,
        collection: { batches: v?.batches ?? 0, accepted: v?.accepted ?? 0, rejected: v?.rejected ?? 0 },
      };
    }),
  };
}
