// Public face of the reports domain (信用报告: issuing and verifying credit reports).
// Other domains import reports only from here; credit_reports and its counters stay inside.
export { issueReport, verifyByCode, verifyByPdf, type IssuedReport, type ReportSettings, type VerifyResult } from './reports.service.ts';
export { ReportError, type ReportErrorCode } from './errors.ts';
export { reportsAuditTargets } from './audit.targets.ts';
