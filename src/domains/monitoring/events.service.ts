// Credit events over the database (信用事件): classified on insert, corrected and reviewed by staff
// (decisions retrain the classifier), published on the portal, counted for statistics; and the
// portal's code-conversion list. Every change is audited in the transaction that makes it.
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/index.ts';
import type { EventPolarity, EventReviewStatus } from '../../db/monitoring.types.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { sha256 } from '../../platform/crypto.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import type { SessionUser } from '../auth/index.ts';
import { legacyConversions } from '../subjects/index.ts';
import { evaluateClassifier, normaliseTitle, shippedLabelledTitles, splitHoldout, trainClassifier } from './classifier.ts';
import {
  MonitoringError,
  classifyEvents,
  classifyTitle,
  defaultClassifier,
  defaultTaxonomy,
  eventStats,
  eventTrend,
  parseEventsCsv,
  subdomainToDomain,
  type Classification,
  type ClassifiedEvent,
  type ClassifierModel,
  type CreditEvent,
  type LabelledTitle,
} from './index.ts';
import { parseCsvRecords } from './csvread.ts';
import { importError, type RowIssue } from './errors.ts';
import * as repo from './monitoring.repository.ts';
import type { EventExplanation } from './monitoring.schemas.ts';
import { isRealDate, periodBounds } from './period.ts';
import { uploadFormat, uploadText, type Upload } from './upload.ts';
import { readFirstSheet } from './xlsx.ts';

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
    records = parseCsvRecords(text);
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

/** Stored event labels as the core's classified events. */
export function toClassified(rows: Awaited<ReturnType<typeof repo.eventLabelsInPeriod>>): ClassifiedEvent[] {
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
