// Kysely table types of the credit-report migration (20261128T1500_reports.sql); keep in step with it.
// To be merged into DB (src/db/types.ts: `interface DB extends MonitoringTables, ReportTables`); until then
// src/domains/reports/reports.repository.ts widens its handle with a cast.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;
/** A date column read as 'YYYY-MM-DD' (src/db/index.ts sets the DATE parser). */
type DateText = ColumnType<string, string, string>;

export interface CreditReportsTable {
  id: Generated<string>;
  number: string;
  subject_id: string;
  subject_name: string;
  code_hash: string;
  pdf_sha256: string;
  pdf_bytes: number;
  fingerprint: string;
  summary: Json;
  issued_at: Timestamp;
}

export interface CreditReportCountersTable {
  day: DateText;
  last: number;
}

export interface ReportTables {
  credit_reports: CreditReportsTable;
  credit_report_counters: CreditReportCountersTable;
}
