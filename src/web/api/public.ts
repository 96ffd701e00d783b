// Calls of the public portal (no session needed).
import { fetchFile, request, upload } from './http';
import type {
  DownloadedReport,
  Policy,
  PublicRecord,
  PublicSubject,
  RecordPage,
  RecordTab,
  SearchResponse,
  SgsQuery,
  SiteInfo,
  VerifyResult,
} from './types';

/** Site identity: city name, region code and the portal title (e.g. 信用西宁). */
export function fetchSite(): Promise<SiteInfo> {
  return request<SiteInfo>('GET', '/api/public/site');
}

/** Subject search by name or USCC; `cursor` continues a previous page. */
export function searchSubjects(q: string, cursor?: string, signal?: AbortSignal): Promise<SearchResponse> {
  return request<SearchResponse>('GET', '/api/public/search', { query: { q, cursor }, signal });
}

/** One subject's basic information (404 when there is no such subject). */
export function fetchSubject(id: string, signal?: AbortSignal): Promise<PublicSubject> {
  return request<PublicSubject>('GET', `/api/public/subjects/${encodeURIComponent(id)}`, { signal });
}

/** One tab of a subject page (行政许可, 行政处罚, 守信激励, 失信惩戒, 信用承诺, 信用评价), newest first. */
export function fetchSubjectRecords(id: string, tab: RecordTab, cursor?: string | null, signal?: AbortSignal): Promise<RecordPage> {
  return request<RecordPage>('GET', `/api/public/subjects/${encodeURIComponent(id)}/records`, { query: { tab, cursor }, signal });
}

/** How many public records each tab of a subject page holds (行政处罚 2 …). */
export function fetchSubjectCounts(id: string, signal?: AbortSignal): Promise<Partial<Record<RecordTab, number>>> {
  return request<Partial<Record<RecordTab, number>>>('GET', `/api/public/subjects/${encodeURIComponent(id)}/counts`, { signal });
}

/** One public record (404 when it does not exist or is not public). */
export function fetchPublicRecord(id: string, signal?: AbortSignal): Promise<PublicRecord> {
  return request<PublicRecord>('GET', `/api/public/records/${encodeURIComponent(id)}`, { signal });
}

/** 双公示: administrative permits or penalties, optionally by department and decision date. */
export function fetchSgs(q: SgsQuery, signal?: AbortSignal): Promise<RecordPage> {
  return request<RecordPage>('GET', '/api/public/sgs', {
    query: { type: q.type, departmentId: q.departmentId, from: q.from, to: q.to, cursor: q.cursor, limit: q.limit },
    signal,
  });
}

/** 红名单 (守信激励) or 黑名单 (失信惩戒). */
export function fetchLists(kind: 'red' | 'black', cursor?: string | null, limit?: number, signal?: AbortSignal): Promise<RecordPage> {
  return request<RecordPage>('GET', '/api/public/lists', { query: { kind, cursor, limit }, signal });
}

/** Municipal credit documents issued so far (信用制度). */
export async function fetchPolicies(signal?: AbortSignal): Promise<Policy[]> {
  const res = await request<{ items: Policy[] }>('GET', '/api/public/policies', { signal });
  return res.items ?? [];
}

/** Generates a subject's credit report (PDF) with the number and verification code printed on it. */
export async function downloadReport(subjectId: string): Promise<DownloadedReport> {
  const { blob, headers, filename } = await fetchFile('POST', '/api/public/reports', '公共信用信息报告.pdf', { body: { subjectId } });
  return {
    blob,
    filename,
    number: headers.get('x-report-number'),
    verificationCode: headers.get('x-verification-code'),
  };
}

/** Verifies a report by the number and verification code printed on it (and carried by its QR code). */
export function verifyReportByCode(no: string, code: string): Promise<VerifyResult> {
  return request<VerifyResult>('GET', '/api/public/reports/verify', { query: { no, code } });
}

/** Verifies an uploaded report PDF (multipart field `file`). */
export function verifyReportFile(file: File, signal?: AbortSignal): Promise<VerifyResult> {
  const form = new FormData();
  form.append('file', file, file.name);
  return upload<VerifyResult>('/api/public/reports/verify', form, { signal });
}
