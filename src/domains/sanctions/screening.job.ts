// The screening job (sanctions.screen): a saved upload screened in the background with its progress in the job
// row, the result XLSX kept in the data folder for the department to download. Durable like ingest's import.
import { mkdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppContext } from '../../platform/http.ts';
import type { JobDefinition, JobRunner, QueuedJob } from '../../platform/jobs.ts';
import { randomToken } from '../../platform/crypto.ts';
import { screenFile, type ScreeningSummary } from './screening.ts';

export const SCREEN_JOB = 'sanctions.screen';

export interface ScreenPayload {
  path: string;
  fileName: string;
  departmentId: number;
  userId: number | null;
  scenario: string;
}

/** What the job row's progress holds: rows screened so far, then the outcome. */
export type ScreenProgress = { stage: 'running'; done: number } | { stage: 'done'; done: number; checkId: string; caseNo: string; summary: ScreeningSummary };

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
    const bytes = await readFile(p.path);
    const dir = await screeningDir(ctx.config.dataDir);
    const r = await ctx.db.transaction().execute((trx) =>
      screenFile(
        trx,
        { secret: ctx.config.secret, departmentId: p.departmentId, userId: p.userId, scenario: p.scenario, fileName: p.fileName, bytes, onProgress: (done) => job.report({ stage: 'running', done }) },
        { actor: { userId: p.userId, departmentId: p.departmentId } },
      ),
    );
    await writeFile(resultPath(dir, job.id), r.xlsx, { mode: 0o600 });
    await job.report({ stage: 'done', done: r.summary.rows, checkId: r.checkId, caseNo: r.caseNo, summary: r.summary }, { force: true });
    return `比对 ${r.summary.rows} 行：命中黑名单 ${r.summary.black}，红名单 ${r.summary.red}，未找到 ${r.summary.notFound}`;
  },
  async settle(_ctx, job) {
    await rm(job.payload.path, { force: true });
  },
};

/** The jobs of the sanctions domain (listed in src/shell/jobs.ts). */
export const sanctionsJobs: JobDefinition[] = [screenJob];
