// 公共信用信息报告: issuing (number, code, PDF, stored hash and fingerprint, audit) and verification (by
// number and code, or by the PDF's bytes). Everything the report says comes from publicRecordsOfSubject,
// the one query that decides what is public today.
import { sha256, hmacSha256, safeEqual } from '../../platform/crypto.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import type { Db, DbOrTx } from '../../db/index.ts';
import { publicRecordsOfSubject } from '../publicity/index.ts';
import { scrubPersonalNumbers } from '../codes/index.ts';
import { ReportError } from './errors.ts';
import {
  beijingDay,
  beijingTime,
  buildReportModel,
  categoryCounts,
  formatReportNumber,
  newVerificationCode,
  normaliseCode,
  publicFingerprint,
  type ReportSubject,
} from './reports.model.ts';
import { renderReportPdf } from './reports.render.ts';
import { findReportByNumber, findReportBySha256, insertReport, nextSequence, type ReportRow } from './reports.repository.ts';
import { subjectBasics, type SubjectBasics } from '../subjects/index.ts';
import { reportListEntries } from '../lists/index.ts';

export interface ReportSettings {
  secret: string;
  cityName: string;
  cityRegionCode: string;
  siteTitle: string;
}

export interface IssuedReport {
  number: string;
  verificationCode: string;
  pdf: Buffer;
  /** 公共信用信息报告-<subject>-<number>.pdf */
  filename: string;
}

/** Stored form of a verification code: HMAC under the instance secret, so a leaked table reveals no codes. */
const codeHash = (secret: string, code: string) => hmacSha256(secret, `credit-report-code\0${code}`);

function reportSubject(s: SubjectBasics): ReportSubject {
  // docs/domain/03-publicity.md §3.5: a natural person's report goes only to that person, after real-name identification,
  // which the public portal does not have; the public may not compile one about someone else.
  if (s.kind === 'natural_person') {
    throw new ReportError('personal_report_unavailable', '自然人的公共信用信息报告仅向本人提供，须经实名认证后申请，本平台暂不对外出具', 404);
  }
  return {
    id: s.id,
    kind: s.kind,
    name: s.name,
    uscc: s.uscc,
    legalRepresentative: s.legal_representative,
    regionCode: s.region_code,
    registeredOn: s.registered_on,
  };
}

/**
 * Issues a report on what is public today about a legal person or 个体工商户. The number is taken first
 * (a failed render leaves a gap in the day's numbers, never a duplicate); the stored row and its audit
 * entry commit together.
 */
export async function issueReport(
  db: Db,
  settings: ReportSettings,
  subjectId: string,
  ctx: { baseUrl: string; audit: AuditContext },
  at: Date = new Date(),
): Promise<IssuedReport> {
  const row = await subjectBasics(db, subjectId);
  if (!row) throw new ReportError('subject_not_found', '未找到该信用主体', 404);
  const subject = reportSubject(row);
  const records = await publicRecordsOfSubject(db, subject.id);
  const number = formatReportNumber(settings.cityRegionCode, beijingDay(at), await nextSequence(db, beijingDay(at)));
  const verificationCode = newVerificationCode();
  const model = buildReportModel({
    subject,
    records,
    number,
    verificationCode,
    issuedAt: at,
    siteTitle: settings.siteTitle,
    cityName: settings.cityName,
    baseUrl: ctx.baseUrl,
  });
  // The city's own list entries in force (lists domain); collected ones are among the public records already.
  for (const e of await reportListEntries(db, subject.id, beijingDay(at))) model.categories.find((c) => c.key === e.color)!.records.push({ title: e.title, rows: e.rows });
  const pdf = await renderReportPdf(model);
  const pdfSha256 = sha256(pdf);
  await db.transaction().execute(async (trx) => {
    await insertReport(trx, {
      number,
      subjectId: subject.id,
      subjectName: model.subject.name,
      codeHash: codeHash(settings.secret, verificationCode),
      pdfSha256,
      pdfBytes: pdf.length,
      fingerprint: publicFingerprint(subject, records),
      summary: categoryCounts(model),
      issuedAt: at,
    });
    await audit(trx, ctx.audit, { action: 'report.issue', target: `report:${number}`, detail: { subjectId: subject.id, sha256: pdfSha256, records: records.length } });
  });
  const safeName = model.subject.name.replace(/[\\/:*?"<>|\s\u0000-\u001f]+/g, '_');
  return { number, verificationCode, pdf, filename: `公共信用信息报告-${safeName}-${number}.pdf` };
}

export interface VerifyResult {
  genuine: boolean;
  number: string | null;
  subjectName: string | null;
  /** ISO 8601 in Beijing time, e.g. 2026-11-28T15:30:00+08:00. */
  issuedAt: string | null;
  changedSince: boolean;
  message: string;
}

async function genuine(db: DbOrTx, r: ReportRow, siteTitle: string): Promise<VerifyResult> {
  const s = await subjectBasics(db, r.subject_id);
  const current = s && s.kind !== 'natural_person' ? publicFingerprint(reportSubject(s), await publicRecordsOfSubject(db, s.id)) : null;
  const changedSince = current !== r.fingerprint;
  return {
    genuine: true,
    number: r.number,
    // Printed names are scrubbed at issue; reports issued before the shared detector are scrubbed here.
    subjectName: scrubPersonalNumbers(r.subject_name),
    issuedAt: `${beijingTime(new Date(r.issued_at)).replace(' ', 'T')}+08:00`,
    changedSince,
    message: changedSince
      ? `核验通过：该报告由${siteTitle}出具。自出具以来，该主体的公共信用信息已发生变化，请以最新信息为准，可重新出具报告。`
      : `核验通过：该报告由${siteTitle}出具，自出具以来该主体的公共信用信息未发生变化。`,
  };
}

const notGenuine = (message: string): VerifyResult => ({ genuine: false, number: null, subjectName: null, issuedAt: null, changedSince: false, message });

/**
 * Verifies a report number and verification code. An unknown number and a wrong code give the same
 * answer, after the same work (one lookup, one HMAC, one constant-time comparison).
 */
export async function verifyByCode(db: DbOrTx, settings: ReportSettings, number: string, code: string): Promise<VerifyResult> {
  const r = await findReportByNumber(db, number.trim().toUpperCase());
  const normalised = normaliseCode(code);
  const given = codeHash(settings.secret, normalised ?? '-');
  if (r && normalised && safeEqual(given, r.code_hash)) return genuine(db, r, settings.siteTitle);
  return notGenuine('核验未通过：报告编号或校验码不正确。请核对后重试；仍不通过的，该报告不是本平台出具的。');
}

/** Verifies an uploaded PDF: genuine only when its bytes are exactly those of an issued report. */
export async function verifyByPdf(db: DbOrTx, settings: ReportSettings, pdf: Buffer): Promise<VerifyResult> {
  const r = await findReportBySha256(db, sha256(pdf));
  if (r) return genuine(db, r, settings.siteTitle);
  return notGenuine('核验未通过：该文件与本平台出具的报告均不一致，可能不是本平台出具的报告，或出具后已被修改。');
}
