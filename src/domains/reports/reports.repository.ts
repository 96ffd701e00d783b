// SQL of the credit reports: the day's report number, and the issued reports looked up by number or by PDF
// hash. The subject's basic information comes from the subjects domain (subjectBasics). Public records come from publicRecordsOfSubject (publicity),
// never from here. Functions take `db | trx`, so the caller owns the transaction.
import type { DbOrTx } from '../../db/index.ts';

/** The next sequence number of the day (1, 2, …); concurrent callers get distinct numbers. */
export async function nextSequence(db: DbOrTx, day: string): Promise<number> {
  const r = await db
    .insertInto('credit_report_counters')
    .values({ day, last: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet((eb) => ({ last: eb('credit_report_counters.last', '+', 1) })))
    .returning('last')
    .executeTakeFirstOrThrow();
  return r.last;
}

export interface NewReport {
  number: string;
  subjectId: string;
  subjectName: string;
  codeHash: string;
  pdfSha256: string;
  pdfBytes: number;
  fingerprint: string;
  summary: Record<string, number>;
  issuedAt: Date;
}

export async function insertReport(db: DbOrTx, r: NewReport): Promise<void> {
  await db
    .insertInto('credit_reports')
    .values({
      number: r.number,
      subject_id: r.subjectId,
      subject_name: r.subjectName,
      code_hash: r.codeHash,
      pdf_sha256: r.pdfSha256,
      pdf_bytes: r.pdfBytes,
      fingerprint: r.fingerprint,
      summary: JSON.stringify(r.summary),
      issued_at: r.issuedAt,
    })
    .execute();
}

export interface ReportRow {
  number: string;
  subject_id: string;
  subject_name: string;
  code_hash: string;
  fingerprint: string;
  issued_at: Date;
}

const REPORT_COLUMNS = ['number', 'subject_id', 'subject_name', 'code_hash', 'fingerprint', 'issued_at'] as const;

export async function findReportByNumber(db: DbOrTx, number: string): Promise<ReportRow | undefined> {
  return db.selectFrom('credit_reports').select(REPORT_COLUMNS).where('number', '=', number).executeTakeFirst();
}

export async function findReportBySha256(db: DbOrTx, sha256: string): Promise<ReportRow | undefined> {
  return db.selectFrom('credit_reports').select(REPORT_COLUMNS).where('pdf_sha256', '=', sha256).orderBy('id').limit(1).executeTakeFirst();
}
