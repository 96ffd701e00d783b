// Calls for 异议申诉 and 信用承诺: the portal's filing, progress and commitments (no session), and the console's
// queue and actions (session + CSRF through request()).
import { request } from './http';
import type { FiledAnswerDto, PublicObjectionDto, StaffObjectionDto } from '../../domains/objections/objections.schemas.ts';
import type { BreachDto, PublicCommitmentDto } from '../../domains/commitments/commitments.schemas.ts';
import type { RecordPage } from './types';

export type { FiledAnswerDto, PublicObjectionDto, StaffObjectionDto, BreachDto, PublicCommitmentDto };

export interface EvidenceFile {
  name: string;
  contentBase64: string;
}

/** Reads a chosen file as base64 for the JSON body. */
export function toEvidence(file: File): Promise<EvidenceFile> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve({ name: file.name, contentBase64: String(r.result).replace(/^data:[^,]*,/, '') });
    r.onerror = () => reject(new Error('无法读取文件'));
    r.readAsDataURL(file);
  });
}

/** The pledge text for a public record. */
export function fetchPledge(recordId: string): Promise<{ text: string; subjectName: string | null; docNo: string }> {
  return request('GET', '/api/public/objections/pledge', { query: { recordId } });
}

/** Files an objection; the answer's 查询码 is shown once. */
export function fileObjection(body: Record<string, unknown>): Promise<FiledAnswerDto> {
  return request('POST', '/api/public/objections', { body });
}

/** Progress and outcome with the 查询码 and the subject's code. */
export function lookupObjection(queryCode: string, subjectCode: string): Promise<PublicObjectionDto> {
  return request('POST', '/api/public/objections/lookup', { body: { queryCode, subjectCode } });
}

/** Adds material the credit office asked for. */
export function addObjectionMaterial(queryCode: string, subjectCode: string, files: EvidenceFile[], note: string): Promise<PublicObjectionDto> {
  return request('POST', '/api/public/objections/material', { body: { queryCode, subjectCode, files, note } });
}

/** The console queue (open, decided or all). */
export function fetchObjectionQueue(status: 'open' | 'decided' | 'all'): Promise<{ items: StaffObjectionDto[] }> {
  return request('GET', '/api/objections', { query: { status } });
}

/** 初审: ask for material or send to the department. */
export function precheckObjection(id: string, body: { action: 'request_material'; note: string } | { action: 'send'; note?: string }): Promise<{ ok: true }> {
  return request('POST', `/api/objections/${encodeURIComponent(id)}/precheck`, { body });
}

/** The department's outcome. */
export function decideObjection(id: string, body: { outcome: 'corrected' | 'withdrawn' | 'refused'; reason: string; corrections?: Array<{ recordId: string; values: Record<string, string> }> }): Promise<{ ok: true }> {
  return request('POST', `/api/objections/${encodeURIComponent(id)}/decide`, { body });
}

/** 信用承诺公示: collected commitments. */
export function fetchCollectedCommitments(cursor?: string | null): Promise<RecordPage> {
  return request('GET', '/api/public/commitments', { query: { cursor } });
}

/** Online 主动型 commitments (all, or one subject's). */
export function fetchVoluntaryCommitments(subjectId?: string, cursor?: string | null): Promise<{ items: PublicCommitmentDto[]; nextCursor: string | null }> {
  return request('GET', '/api/public/commitments/voluntary', { query: { subjectId, cursor } });
}

/** The text of a 主动型 commitment for confirmation. */
export function fetchCommitmentText(subjectId: string, matter: string): Promise<{ text: string }> {
  return request('GET', '/api/public/commitments/text', { query: { subjectId, matter } });
}

/** Makes a 主动型 commitment. */
export function makeCommitment(body: Record<string, unknown>): Promise<PublicCommitmentDto> {
  return request('POST', '/api/public/commitments', { body });
}

/** Marks 履约 / 违诺. */
export function markFulfilment(body: { recordId?: string; commitmentId?: string; outcome: 'kept' | 'breached'; basis: string }): Promise<{ id: string }> {
  return request('POST', '/api/commitments/fulfilments', { body });
}

/** Breaches for credit staff. */
export function fetchBreaches(): Promise<{ items: BreachDto[] }> {
  return request('GET', '/api/commitments/breaches');
}
