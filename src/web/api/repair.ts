// Calls of credit repair (信用修复): the portal's (no session) and the console's. Answer types are the server's
// TypeBox Static types from repair.schemas.ts (import type only).
import type {
  ApplicationAnswer,
  AppliedAnswer,
  EligibilityAnswer,
  ProgressAnswer,
  QueueItemAnswer,
} from '../../domains/repair/repair.schemas.ts';
import { fetchFile, request, upload, type NamedFile } from './http';

export type { ApplicationAnswer, AppliedAnswer, EligibilityAnswer, ProgressAnswer, QueueItemAnswer, RecordEligibilityAnswer } from '../../domains/repair/repair.schemas.ts';

export type RepairChannel = 'standard' | 'restructuring';

/** Eligibility of a subject's public negative records (by USCC). */
export function fetchRepairEligibility(uscc: string, channel: RepairChannel = 'standard'): Promise<EligibilityAnswer> {
  return request<EligibilityAnswer>('GET', '/api/public/repair/eligibility', { query: { uscc, channel } });
}

/** The 信用修复承诺书 text for the chosen records (shown before submitting). */
export async function fetchRepairCommitment(body: { uscc: string; agentName: string; recordIds: string[]; channel: RepairChannel }): Promise<string> {
  return (await request<{ text: string }>('POST', '/api/public/repair/commitment', { body })).text;
}

/** Submits an application: the JSON part and one file part per material, named by its kind. */
export function submitRepairApplication(fields: Record<string, unknown>, files: Array<{ kind: string; file: File }>): Promise<AppliedAnswer> {
  const form = new FormData();
  form.append('application', JSON.stringify(fields));
  for (const f of files) form.append(f.kind, f.file, f.file.name);
  return upload<AppliedAnswer>('/api/public/repair/applications', form);
}

/** Progress by 查询码 and USCC together. */
export function fetchRepairProgress(uscc: string, code: string): Promise<ProgressAnswer> {
  return request<ProgressAnswer>('POST', '/api/public/repair/progress', { body: { uscc, code } });
}

/** The decision document (PDF) by 查询码 and USCC. */
export function downloadRepairDecision(uscc: string, code: string): Promise<NamedFile> {
  return fetchFile('POST', '/api/public/repair/decision', '信用修复决定书.pdf', { body: { uscc, code } });
}

/** The console queue. */
export async function fetchRepairQueue(status: 'open' | 'decided' | 'all' = 'open'): Promise<QueueItemAnswer[]> {
  return (await request<{ items: QueueItemAnswer[] }>('GET', '/api/repair/applications', { query: { status } })).items;
}

/** One application with its records and materials. */
export function fetchRepairApplication(id: string): Promise<ApplicationAnswer> {
  return request<ApplicationAnswer>('GET', `/api/repair/applications/${encodeURIComponent(id)}`);
}

/** The credit office forwards an application to the deciding department. */
export function forwardRepairApplication(id: string): Promise<{ decideDue: string }> {
  return request('POST', `/api/repair/applications/${encodeURIComponent(id)}/forward`);
}

/** The deciding department approves or refuses. */
export function decideRepairApplication(id: string, approve: boolean, reason: string): Promise<{ status: string; decisionNo: string }> {
  return request('POST', `/api/repair/applications/${encodeURIComponent(id)}/decision`, { body: { approve, reason: reason || null } });
}

/** One material's file (staff only). */
export function downloadRepairMaterial(id: string, materialId: string, name: string): Promise<NamedFile> {
  return fetchFile('GET', `/api/repair/applications/${encodeURIComponent(id)}/materials/${encodeURIComponent(materialId)}`, name);
}
