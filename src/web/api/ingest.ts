// Calls of 资源目录 and 数据归集 (collection): catalogue, uploads, receipts, records, statistics.
import { request, upload } from './http';
import type {
  BatchQuery,
  BatchRecordsPage,
  HeldRowsPage,
  CatalogItem,
  FormSubmission,
  IngestLimits,
  IngestRecord,
  IngestStatsRow,
  Page,
  Batch,
  RecordDetail,
  RecordQuery,
  RejectRow,
} from './types';

const enc = (v: string | number): string => encodeURIComponent(String(v));

/** Catalogue items: active ones, or (admin / auditor, `all`) every version including drafts and retired ones. */
export async function listCatalog(all = false): Promise<CatalogItem[]> {
  // A boolean query parameter: the server coerces only the words true/false.
  return (await request<{ items: CatalogItem[] }>('GET', '/api/catalog', { query: { all: all ? 'true' : undefined } })).items;
}

/** Download links of an item's upload templates (plain `<a download>` targets). */
export function templateUrl(itemId: string, kind: 'xlsx' | 'csv'): string {
  return `/api/catalog/${enc(itemId)}/template.${kind}`;
}

/** Create a local catalogue item (a draft) from its JSON definition. */
export function createCatalogItem(definition: unknown): Promise<CatalogItem> {
  return request<CatalogItem>('POST', '/api/catalog', { body: definition });
}

export type CatalogAction = 'submit' | 'approve' | 'reject';

/** Move a draft into review, or approve / reject a version in review. */
export function catalogVersionAction(itemId: string, version: number, action: CatalogAction): Promise<unknown> {
  return request<unknown>('POST', `/api/catalog/${enc(itemId)}/versions/${enc(version)}/${action}`);
}

/** Upload limits (the largest file the server accepts). */
export function fetchIngestLimits(): Promise<IngestLimits> {
  return request<IngestLimits>('GET', '/api/ingest/limits');
}

export interface UploadTarget {
  catalog: string;
  /** Only for admins / district admins; department users upload for their own department. */
  departmentId?: number | null;
  /** 更正原因: the credit office corrects other departments' records (admins only; audited). */
  correctionReason?: string | null;
}

/** Upload one file; resolves when the server has accepted it for processing (202). */
export function uploadIngestFile(
  target: UploadTarget,
  file: File,
  onProgress?: (loaded: number, total: number | null) => void,
  signal?: AbortSignal,
): Promise<{ batchId: string }> {
  const form = new FormData();
  form.append('file', file, file.name);
  return upload<{ batchId: string }>('/api/ingest/upload', form, {
    query: { catalog: target.catalog, departmentId: target.departmentId ?? undefined, correctionReason: target.correctionReason || undefined },
    onProgress,
    signal,
  });
}

/** Submit one record through the online form; the answer is the batch's receipt. */
export function submitIngestForm(body: FormSubmission): Promise<Batch> {
  return request<Batch>('POST', '/api/ingest/form', { body });
}

/** One batch's receipt (with `progress` while it is still being processed). */
export function fetchBatch(batchId: string, signal?: AbortSignal): Promise<Batch> {
  return request<Batch>('GET', `/api/ingest/batches/${enc(batchId)}`, { signal });
}

/** Where the rejected rows of a batch can be downloaded as XLSX (personal fields masked unless `unmasked`: the uploader only, audited). */
export function batchErrorsUrl(batchId: string, unmasked = false): string {
  return `/api/ingest/batches/${enc(batchId)}/errors.xlsx${unmasked ? '?unmasked=1' : ''}`;
}

/** One page of a batch's rejected rows with their errors. */
export function listBatchRejects(batchId: string, cursor?: string | null): Promise<Page<RejectRow>> {
  return request<Page<RejectRow>>('GET', `/api/ingest/batches/${enc(batchId)}/rejects`, { query: { cursor } });
}

/** One page of batches, newest first. */
export function listBatches(query: BatchQuery, signal?: AbortSignal): Promise<Page<Batch>> {
  return request<Page<Batch>>('GET', '/api/ingest/batches', { query: { ...query }, signal });
}

/** One page of collected records. */
export function listRecords(query: RecordQuery, signal?: AbortSignal): Promise<Page<IngestRecord>> {
  return request<Page<IngestRecord>>('GET', '/api/ingest/records', { query: { ...query }, signal });
}

/**
 * One record with all its versions. Personal data is masked; the credit-office admin may ask for
 * the original (`unmask`), which the server records in the audit log.
 */
export function fetchRecord(id: string, unmask = false): Promise<RecordDetail> {
  return request<RecordDetail>('GET', `/api/ingest/records/${enc(id)}`, { query: { unmask: unmask ? 'true' : undefined } });
}

/** Per-department collection statistics for a date range (YYYY-MM-DD, both optional). */
export async function fetchIngestStats(from?: string | null, to?: string | null): Promise<IngestStatsRow[]> {
  return (await request<{ items: IngestStatsRow[] }>('GET', '/api/ingest/stats', { query: { from, to } })).items;
}

/** Where the downloadable receipt (回执 xlsx: counts and each record's publicity decision) is. */
export function batchReceiptUrl(batchId: string): string {
  return `/api/ingest/batches/${enc(batchId)}/receipt.xlsx`;
}

/** One page of the records a batch wrote, with the publicity decision each now has. */
export function listBatchRecords(batchId: string, cursor?: string | null): Promise<BatchRecordsPage> {
  return request<BatchRecordsPage>('GET', `/api/ingest/batches/${enc(batchId)}/records`, { query: { cursor } });
}

/** One page of a held batch's rows (personal cells masked), for the reviewer. */
export function listHeldRows(batchId: string, cursor?: string | null): Promise<HeldRowsPage> {
  return request<HeldRowsPage>('GET', `/api/ingest/batches/${enc(batchId)}/held-rows`, { query: { cursor } });
}

/** 审核通过: the held batch is committed in the background (poll the receipt). */
export function approveBatch(batchId: string): Promise<{ batchId: string }> {
  return request<{ batchId: string }>('POST', `/api/ingest/batches/${enc(batchId)}/approve`);
}

/** 审核退回 with a note to the reporter. */
export function returnBatch(batchId: string, note: string): Promise<Batch> {
  return request<Batch>('POST', `/api/ingest/batches/${enc(batchId)}/return`, { body: { note } });
}
