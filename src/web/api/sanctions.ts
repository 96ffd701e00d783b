// Calls of 联合奖惩 (joint reward and punishment): measures, pre-action checks, feedback, screening, statistics,
// and the public 联合奖惩案例. The answer types are the server's schemas (import type only).
import { request, upload } from './http';
import type {
  ActivateBodyDto,
  CasesDto,
  CheckAnswerDto,
  CheckListDto,
  MeasureBodyDto,
  MeasureDto,
  ScreeningStatusDto,
  StatsDto,
  StoredCheckDto,
} from '../../domains/sanctions/sanctions.schemas.ts';

export type { CasesDto, CheckAnswerDto, CheckListDto, MeasureBodyDto, MeasureDto, ScreeningStatusDto, StatsDto, StoredCheckDto };
export type SubjectAnswer = CheckAnswerDto['subjects'][number];
export type MeasureAnswer = SubjectAnswer['measures'][number];

/** Business scenarios and the known list types. */
export function fetchScenarios(): Promise<{ scenarios: string[]; listTypes: Array<{ code: string; name: string; color: 'black' | 'red' }> }> {
  return request('GET', '/api/sanctions/scenarios');
}

/** The measures catalogue (all: with superseded and retired versions). */
export async function fetchMeasures(all = false): Promise<MeasureDto[]> {
  return (await request<{ items: MeasureDto[] }>('GET', '/api/sanctions/measures', { query: { all: all ? 'true' : undefined } })).items;
}

/** Adds a measure (credit office); without `activate` or a legal basis it is saved as a draft. */
export function createMeasure(body: MeasureBodyDto): Promise<MeasureDto> {
  return request('POST', '/api/sanctions/measures', { body });
}

/** Amends a measure: the server stores a new version and keeps the earlier one (credit office). */
export function amendMeasure(code: string, body: MeasureBodyDto): Promise<MeasureDto> {
  return request('PUT', `/api/sanctions/measures/${encodeURIComponent(code)}`, { body });
}

/** Activates a measure; a draft without a basis is given it here (credit office). */
export function activateMeasure(code: string, basis: NonNullable<ActivateBodyDto> | null = null): Promise<MeasureDto> {
  return request('POST', `/api/sanctions/measures/${encodeURIComponent(code)}/activate`, { body: basis });
}

/** Retires a measure (credit office). */
export function retireMeasure(code: string): Promise<unknown> {
  return request('POST', `/api/sanctions/measures/${encodeURIComponent(code)}/retire`);
}

/** A pre-action check for the user's department. */
export function runCheck(scenario: string, subjects: Array<{ uscc?: string; idNumber?: string; name?: string }>): Promise<CheckAnswerDto> {
  return request('POST', '/api/sanctions/checks', { body: { scenario, subjects } });
}

/** The department's checks (open: still owing feedback). */
export async function fetchChecks(open = false): Promise<CheckListDto['items']> {
  return (await request<CheckListDto>('GET', '/api/sanctions/checks', { query: { open: open ? 'true' : undefined } })).items;
}

/** One stored check with its answers. */
export function fetchCheck(id: string): Promise<StoredCheckDto> {
  return request('GET', `/api/sanctions/checks/${encodeURIComponent(id)}`);
}

export interface FeedbackInput {
  subjectId: string;
  measureId: string;
  applied: boolean;
  reason?: string;
  caseDescription: string;
  actedOn: string;
}

/** Records feedback on a check. */
export function sendFeedback(checkId: string, items: FeedbackInput[]): Promise<{ given: number; due: number }> {
  return request('POST', `/api/sanctions/checks/${encodeURIComponent(checkId)}/feedback`, { body: { items } });
}

/** Uploads a screening file; returns the job id. */
export function uploadScreening(file: File, scenario: string, onProgress?: (loaded: number, total: number | null) => void): Promise<{ jobId: string }> {
  const form = new FormData();
  form.append('file', file);
  return upload('/api/sanctions/screenings', form, { query: { scenario }, onProgress });
}

/** A screening job's progress and outcome. */
export function fetchScreening(jobId: string): Promise<ScreeningStatusDto> {
  return request('GET', `/api/sanctions/screenings/${encodeURIComponent(jobId)}`);
}

/** The download link of a finished screening. */
export const screeningResultUrl = (jobId: string) => `/api/sanctions/screenings/${encodeURIComponent(jobId)}/result`;

/** Statistics of a period. */
export function fetchStats(from: string, to: string): Promise<StatsDto> {
  return request('GET', '/api/sanctions/stats', { query: { from, to } });
}

/** The statistics export link. */
export const statsXlsxUrl = (from: string, to: string) => `/api/sanctions/stats.xlsx?from=${from}&to=${to}`;

/** Overdue feedback per department (credit office). */
export function fetchOverview(): Promise<{ feedbackWorkingDays: number; items: Array<{ departmentId: number; departmentName: string; open: number; overdue: number }> }> {
  return request('GET', '/api/sanctions/overview');
}

/** The published 联合奖惩案例. */
export async function fetchCases(): Promise<CasesDto['items']> {
  return (await request<CasesDto>('GET', '/api/public/sanctions/cases')).items;
}
