// 公共信用信息报告: the pure part. Builds the report model from a subject and its public records (as
// publicRecordsOfSubject returns them), the report number and verification code, and the fingerprint of
// what was public at issue. No clock, no database, no randomness except the code generator.
import { createHash, randomInt } from 'node:crypto';
import { lookupRegion, regionFullName } from '../codes/index.ts';
import { scrubPersonalNumbers } from '../codes/index.ts';
import type { PublicRecord } from '../publicity/index.ts';

/** The subject as the report shows it (a row of `subjects`, legal persons and 个体工商户 only). */
export interface ReportSubject {
  id: string;
  kind: 'legal' | 'individual_business';
  name: string;
  uscc: string | null;
  legalRepresentative: string | null;
  regionCode: string | null;
  registeredOn: string | null;
}

/**
 * The categories of public credit information, in the order of the 2022 report standard and the subject
 * page tabs (docs/domain/07-portal.md §7.1). Record types no category names (today: none) are reported under 其他.
 */
export const REPORT_CATEGORIES = [
  { key: 'permit', title: '行政许可信息', types: ['permit'] },
  { key: 'penalty', title: '行政处罚信息', types: ['penalty'] },
  { key: 'red', title: '守信激励信息', types: ['red_list'] },
  { key: 'black', title: '失信惩戒信息', types: ['black_list'] },
  { key: 'commitment', title: '信用承诺信息', types: ['commitment'] },
  { key: 'evaluation', title: '信用评价信息', types: ['evaluation'] },
  { key: 'other', title: '其他公共信用信息', types: ['other'] },
] as const;
export type CategoryKey = (typeof REPORT_CATEGORIES)[number]['key'];

export interface ReportRecord {
  /** e.g. 宁市监罚〔2026〕12号 (the document number, else the catalogue item's name). */
  title: string;
  /** Label / value pairs: the record's 社会公开 fields, then 公示期至. */
  rows: Array<[string, string]>;
}

export interface ReportCategory {
  key: CategoryKey;
  title: string;
  records: ReportRecord[];
}

/** Everything the PDF shows; renderReportPdf(model) is a pure function of it. */
export interface ReportModel {
  number: string;
  verificationCode: string;
  /** `${base}/verify?no=…&code=…`, the QR code's content. */
  verifyUrl: string;
  /** `${base}/verify`, printed in 报告说明. */
  verifyPageUrl: string;
  /** 'YYYY-MM-DD HH:mm:ss', Beijing time. */
  issuedAt: string;
  siteTitle: string;
  cityName: string;
  subject: {
    name: string;
    uscc: string;
    kindLabel: string;
    /** null for 个体工商户: the operator is a natural person (docs/domain/03-publicity.md §3.5). */
    legalRepresentative: string | null;
    region: string;
    registeredOn: string;
  };
  categories: ReportCategory[];
}

export const KIND_LABELS: Record<ReportSubject['kind'], string> = { legal: '法人及非法人组织', individual_business: '个体工商户' };

/** Unambiguous characters for verification codes: no 0/O, 1/I/L. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 8;

/** A fresh random verification code (crypto-strength): 8 characters, 31^8 ≈ 8.5 × 10^11 values. */
export function newVerificationCode(): string {
  let s = '';
  for (let i = 0; i < CODE_LENGTH; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

/** A typed-in code as stored: upper case, spaces and dashes dropped; null when it cannot be a code. */
export function normaliseCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, '');
  return s.length === CODE_LENGTH && [...s].every((c) => CODE_ALPHABET.includes(c)) ? s : null;
}

/** 'XYBG-630100-20261128-000123': city region code, issue day (Beijing), the day's sequence. */
export function formatReportNumber(regionCode: string, day: string, seq: number): string {
  return `XYBG-${regionCode}-${day.replaceAll('-', '')}-${String(seq).padStart(6, '0')}`;
}

export const REPORT_NUMBER_PATTERN = '^XYBG-\\d{6}-\\d{8}-\\d{6,9}$';

const BEIJING_MS = 8 * 3600_000;
/** 'YYYY-MM-DD' of an instant in Beijing time (China has no DST). */
export const beijingDay = (at: Date): string => new Date(at.getTime() + BEIJING_MS).toISOString().slice(0, 10);
/** 'YYYY-MM-DD HH:mm:ss' of an instant in Beijing time. */
export const beijingTime = (at: Date): string => new Date(at.getTime() + BEIJING_MS).toISOString().slice(0, 19).replace('T', ' ');

// Fields that repeat the subject's identity: 基础信息 shows it once. 法定代表人 and ID documents are left
// out of the record tables too, so a 个体工商户's operator (a natural person) is not named (docs/domain/03-publicity.md §3.5).
const IDENTITY_FIELDS = new Set(['行政相对人名称', '行政相对人类别', '主体名称', '主体类别', '法定名称或姓名', '统一社会信用代码', '组织机构代码', '工商登记注册号', '税务登记号', '法定代表人', '证件类型', '证件号码']);
const isIdentityField = (name: string) => IDENTITY_FIELDS.has(name) || name.startsWith('行政相对人代码');
// The department's own 公示截止期 is not what the platform applies (docs/domain/01-sgs.md §1.3): the report shows the
// engine's end of publicity instead, as 公示期至.
const DEPARTMENT_END_FIELD = '公示截止期';

function categoryOf(type: string): CategoryKey {
  return REPORT_CATEGORIES.find((c) => (c.types as readonly string[]).includes(type))?.key ?? 'other';
}

// Public records arrive scrubbed (public.repository.ts); the PDF scrubs what it draws again with the same
// detector (src/domains/codes/pii.ts), so no other path into a report can print an ID, mobile or card number.
function toReportRecord(r: PublicRecord): ReportRecord {
  const opts = { decisionDate: r.decisionDate };
  const rows: Array<[string, string]> = r.fields
    .filter((f) => !isIdentityField(f.name) && f.name !== DEPARTMENT_END_FIELD)
    .map((f) => [f.name, scrubPersonalNumbers(f.value, opts)]);
  rows.push(['公示期至', r.publicUntil ?? '长期']);
  // docs/domain/03-publicity.md §3.4: a record under an open objection carries the mark in the report too.
  if (r.underObjection) rows.push(['异议状态', '异议处理中']);
  return { title: scrubPersonalNumbers(r.docNo || r.itemName, opts), rows };
}

export interface ModelInput {
  subject: ReportSubject;
  records: PublicRecord[];
  number: string;
  verificationCode: string;
  issuedAt: Date;
  siteTitle: string;
  cityName: string;
  /** Origin the verification page is served from, e.g. https://credit.xining.gov.cn (no trailing slash). */
  baseUrl: string;
}

/** The report model: cover, basic information and the public records grouped by category. */
export function buildReportModel(input: ModelInput): ReportModel {
  const s = input.subject;
  const region = s.regionCode ? lookupRegion(s.regionCode) : undefined;
  const base = input.baseUrl.replace(/\/+$/, '');
  const categories: ReportCategory[] = REPORT_CATEGORIES.map((c) => ({ key: c.key, title: c.title, records: [] }));
  const byKey = new Map(categories.map((c) => [c.key, c]));
  for (const r of input.records) byKey.get(categoryOf(r.type))!.records.push(toReportRecord(r));
  return {
    number: input.number,
    verificationCode: input.verificationCode,
    verifyUrl: `${base}/verify?no=${encodeURIComponent(input.number)}&code=${input.verificationCode}`,
    verifyPageUrl: `${base}/verify`,
    issuedAt: beijingTime(input.issuedAt),
    siteTitle: input.siteTitle,
    cityName: input.cityName,
    subject: {
      name: scrubPersonalNumbers(s.name),
      uscc: s.uscc ?? '—',
      kindLabel: KIND_LABELS[s.kind],
      legalRepresentative: s.kind === 'legal' ? scrubPersonalNumbers(s.legalRepresentative || '—') : null,
      region: region ? regionFullName(region) : s.regionCode || '—',
      registeredOn: s.registeredOn ?? '—',
    },
    categories,
  };
}

/**
 * Fingerprint of what the report was made from: the subject's basic information and, for each public
 * record sorted by id, a hash of its public content (type, number, dates, authority, 公示期至, fields).
 * A record that changes what the public sees, appears or leaves publicity changes the fingerprint; a new
 * version that touches only non-public fields does not. (Record versions are not part of the public
 * record shape, and the public content is what a report vouches for.)
 */
export function publicFingerprint(subject: ReportSubject, records: PublicRecord[]): string {
  const h = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');
  const sorted = [...records].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
  return h({
    v: 1,
    subject: [subject.id, subject.kind, subject.name, subject.uscc, subject.legalRepresentative, subject.regionCode, subject.registeredOn],
    records: sorted.map((r) => [r.id, h([r.type, r.docNo, r.decisionDate, r.authority, r.publicUntil, r.fields.map((f) => [f.name, f.value])])]),
  });
}

/** Count of records per category, for the stored summary. */
export function categoryCounts(model: ReportModel): Record<string, number> {
  return Object.fromEntries(model.categories.map((c) => [c.key, c.records.length]));
}
