// A realistic report model without a database, for the renderer's tests and `npm run bench -- report`:
// generated 行政处罚 v2 rows (the ingest fixtures) shaped by the same toPublic() the public API uses.
import { compileItem } from '../catalog/index.ts';
import { SGS_CF_V2 } from '../catalog/index.ts';
import { generatePenaltyRows } from '../ingest/index.ts';
import { toPublic, type PublicRecord } from '../publicity/index.ts';
import { buildReportModel, type ReportModel, type ReportSubject } from './reports.model.ts';

const FIELDS = compileItem(SGS_CF_V2).templateFields;
const CODES = FIELDS.map((f) => f.code);

export interface CompanyRowsOptions {
  company: { name: string; uscc: string; legalRepresentative: string };
  from: string;
  to: string;
  /** Document numbers are 宁报告罚〔2026〕<docPrefix><two-digit index>号, unique per prefix. */
  docPrefix: number;
  /** Values by field code that replace the generated ones (e.g. CF_CFLB). */
  over?: Record<string, string>;
}

/** n 行政处罚 v2 rows (by header name, as importRows takes them), all about one legal person. */
export function companyPenaltyRows(n: number, seed: number, o: CompanyRowsOptions): Array<Record<string, string>> {
  return [...generatePenaltyRows(n, seed, { from: o.from, to: o.to })].map((r, i) => {
    const byCode: Record<string, string> = Object.fromEntries(CODES.map((c, k) => [c, r.cells[k]]));
    Object.assign(byCode, {
      CF_XDR_LB: '法人及非法人组织',
      CF_XDR_MC: o.company.name,
      CF_XDR_SHXYM: o.company.uscc,
      CF_XDR_ZZJG: '',
      CF_XDR_ZJLX: '',
      CF_XDR_ZJHM: '',
      CF_FRDB: o.company.legalRepresentative,
      CF_WSH: `宁报告罚〔2026〕${o.docPrefix}${String(i).padStart(2, '0')}号`,
      ...o.over,
    });
    return Object.fromEntries(FIELDS.map((f) => [f.name, byCode[f.code] ?? '']));
  });
}

/** n public 行政处罚 records of one subject, as publicRecordsOfSubject would return them. */
export function samplePublicRecords(n: number, seed = 20261128, subjectId = '1'): PublicRecord[] {
  return [...generatePenaltyRows(n, seed, { from: '2026-01-01', to: '2026-11-20' })].map((row, i) => {
    const content = Object.fromEntries(CODES.map((c, k) => [c, row.cells[k] === '' ? null : row.cells[k]]));
    const date = String(content.CF_JDRQ).replaceAll('/', '-');
    return toPublic({
      id: String(1000 + i),
      record_type: 'penalty',
      item_id: SGS_CF_V2.id,
      subject_id: subjectId,
      doc_no: String(content.CF_WSH),
      decision_date: date,
      public_until: `${Number(date.slice(0, 4)) + 1}${date.slice(4)}`,
      explanation: '依 2023 年规则，一般失信信息，公示期一年',
      content,
      catalog_version: SGS_CF_V2.version,
    }, SGS_CF_V2);
  });
}

export const SAMPLE_SUBJECT: ReportSubject = {
  id: '1',
  kind: 'legal',
  name: '西宁昆仑高原商贸有限公司',
  uscc: '91630100MA7XXXXXXX',
  legalRepresentative: '王建国',
  regionCode: '630104',
  registeredOn: '2015-06-18',
};

/** A report model for a legal person with `n` public penalties. */
export function sampleReportModel(n = 20, seed = 20261128): ReportModel {
  return buildReportModel({
    subject: SAMPLE_SUBJECT,
    records: samplePublicRecords(n, seed),
    number: 'XYBG-630100-20261128-000123',
    verificationCode: 'K7QM4TZP',
    issuedAt: new Date('2026-11-28T07:30:00Z'),
    siteTitle: '信用西宁',
    cityName: '西宁市',
    baseUrl: 'https://credit.xining.example',
  });
}
