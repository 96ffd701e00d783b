// The screening job (sanctions.screen): a saved upload screened in the background with its progress in the job
// row, the result XLSX kept in the data folder for the department to download. Durable like ingest's import.
// The upload route reads the file once (to count its rows) and hands the rows to the job run in the same
// process (handOverRows), so the job does not read and decode the file again; the saved upload stays the durable
// copy, read again only by a run that has no rows handed over (a restart, another process).
import { mkdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppContext } from '../../platform/http.ts';
import type { JobDefinition, JobRunner, QueuedJob } from '../../platform/jobs.ts';
import { randomToken } from '../../platform/crypto.ts';
import { readScreeningFile, screenFile, type ScreeningRow, type ScreeningSummary, type ScreeningTimings } from './screening.ts';

export const SCREEN_JOB = 'sanctions.screen';

export interface ScreenPayload {
  path: string;
  fileName: string;
  departmentId: number;
  userId: number | null;
  scenario: string;
}

/**
 * What the job row's progress holds: rows screened so far, then the outcome, with where the time went (ms, for
 * the bench; the status route does not show it): reading the saved file (0 when the upload handed its rows
 * over), matching, and writing the XLSX (its file included).
 */
export type ScreenProgress =
  | { stage: 'running'; done: number }
  | { stage: 'done'; done: number; checkId: string; caseNo: string; summary: ScreeningSummary; timings?: ScreeningTimings };

// Rows read at upload, by the saved upload's path, until the job takes them. Bounded: a job that never runs in
// this process (claimed by another) leaves its rows here until newer uploads push them out.
const handedOver = new Map<string, readonly ScreeningRow[]>();
const MAX_HANDED_OVER = 4;

/** Keeps the rows the upload route read for the job that screens the saved upload at `path`. */
export function handOverRows(path: string, rows: readonly ScreeningRow[]): void {
  handedOver.set(path, rows);
  while (handedOver.size > MAX_HANDED_OVER) handedOver.delete(handedOver.keys().next().value!);
}

/** The rows of the upload at `path`: those handed over by the upload, else read from the saved file (readMs). */
async function rowsOf(path: string, fileName: string): Promise<{ rows: readonly ScreeningRow[]; readMs: number }> {
  const rows = handedOver.get(path);
  handedOver.delete(path);
  if (rows) return { rows, readMs: 0 };
  const t = performance.now();
  return { rows: await readScreeningFile(await readFile(path), fileName), readMs: performance.now() - t };
}

/** The folder of screening uploads and results (0700) under the data folder. */
export async function screeningDir(dataDir: string): Promise<string> {
  const dir = join(dataDir, 'screenings');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
}

/** Where a finished job's XLSX is kept. */
export const resultPath = (dir: string, jobId: string) => join(dir, `${jobId}.xlsx`);

/** Saves an uploaded file (0600) for the job; returns its path. */
export async function saveScreeningUpload(dir: string, bytes: Buffer): Promise<string> {
  const path = join(dir, `${Date.now()}-${randomToken(8)}.upload`);
  await writeFile(path, bytes, { mode: 0o600, flag: 'wx' });
  return path;
}

/**
 * Starts a screening now in this process as a durable job (a restart re-runs it); returns the job id the status
 * and download routes take.
 */
export async function startScreening(jobs: JobRunner, payload: ScreenPayload): Promise<string> {
  return (await jobs.submit(SCREEN_JOB, payload)).id;
}

const screenJob: QueuedJob<ScreenPayload> = {
  name: SCREEN_JOB,
  kind: 'queued',
  description: '批量比对：按统一社会信用代码、身份证号码或名称核查名单并生成结果表',
  retries: 1,
  async run(ctx: AppContext, job) {
    const p = job.payload;
    const { rows, readMs } = await rowsOf(p.path, p.fileName);
    const dir = await screeningDir(ctx.config.dataDir);
    const r = await ctx.db.transaction().execute((trx) =>
      screenFile(
        trx,
        { secret: ctx.config.secret, departmentId: p.departmentId, userId: p.userId, scenario: p.scenario, fileName: p.fileName, rows, onProgress: (done) => job.report({ stage: 'running', done }) },
        { actor: { userId: p.userId, departmentId: p.departmentId } },
      ),
    );
    const t = performance.now();
    await writeFile(resultPath(dir, job.id), r.xlsx, { mode: 0o600 });
    const timings: ScreeningTimings = { ...r.timings, readMs, writeMs: r.timings.writeMs + performance.now() - t };
    await job.report({ stage: 'done', done: r.summary.rows, checkId: r.checkId, caseNo: r.caseNo, summary: r.summary, timings } satisfies ScreenProgress, { force: true });
    return `比对 ${r.summary.rows} 行：命中黑名单 ${r.summary.black}，红名单 ${r.summary.red}，未找到 ${r.summary.notFound}`;
  },
  async settle(_ctx, job) {
    await rm(job.payload.path, { force: true });
  },
};

/** The jobs of the sanctions domain (listed in src/shell/jobs.ts). */
export const sanctionsJobs: JobDefinition[] = [screenJob];
