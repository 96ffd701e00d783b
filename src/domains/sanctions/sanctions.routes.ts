// Routes of joint reward and punishment (联合奖惩): the measures catalogue (credit office), pre-action checks for
// clerks and for department systems (signed API), feedback, the credit office's overview and statistics, and
// the public 联合奖惩案例. Thin: validate, authorise, call one service, shape the answer.
import fastifyMultipart from '@fastify/multipart';
import { readFile } from 'node:fs/promises';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../db/types.ts';
import { sendFile } from '../../platform/download.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { queuedJobState } from '../../platform/jobs.ts';
import { pendingNonceOf, settleNonceClaim, type NonceClaimRow } from '../auth/index.ts';
import { readScreeningFile } from './screening.ts';
import { handOverRows, resultPath, saveScreeningUpload, SCREEN_JOB, screeningDir, startScreening, type ScreenPayload, type ScreenProgress } from './screening.job.ts';
import { checkScenario } from './measures.ts';
import { auditCtx, requireApiCaller, requireUser } from '../../platform/http.ts';
import { getSetting } from '../../platform/settings.ts';
import { getCheck, listChecks, runCheck } from './check.service.ts';
import { FEEDBACK_DAYS_KEY, markNotable, openChecks, publishedCases, recordFeedback } from './feedback.service.ts';
import { activateMeasure, amendMeasure, createMeasure, listMeasures, retireMeasure } from './measures.ts';
import { SCENARIOS, KNOWN_LIST_TYPES } from './scenarios.ts';
import {
  ActivateBody,
  BinaryResponse,
  CasesSchema,
  CheckAnswerSchema,
  CheckBody,
  CheckListSchema,
  CodeParam,
  FeedbackBody,
  FeedbackResult,
  IdParam,
  MeasureBody,
  MeasureSchema,
  NotableBody,
  OverviewSchema,
  PeriodQuery,
  ScreeningStatusSchema,
  ScenariosSchema,
  StatsSchema,
  StoredCheckSchema,
} from './sanctions.schemas.ts';
import { sanctionStats, sanctionStatsXlsx } from './stats.service.ts';
import { Type } from '@sinclair/typebox';

const TAG = '联合奖惩';
const EXT_TAG = '部门系统接口';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Everyone signed in to the console may read the catalogue. */
const READ: Role[] = ['admin', 'reviewer', 'reporter', 'auditor', 'district_admin'];
/** The credit office manages measures, marks cases and sees every department. */
const OFFICE: Role[] = ['admin'];
/** Department clerks check and feed back for their own department. */
const CLERKS: Role[] = ['reporter', 'reviewer'];
const OVERSIGHT: Role[] = ['admin', 'auditor'];

/** Registers the sanctions routes. */
export default async function sanctionsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, config } = app.ctx;
  await app.register(fastifyMultipart, { limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 5 } });
  const dir = await screeningDir(config.dataDir);

  app.get('/api/sanctions/scenarios', { schema: { tags: [TAG], summary: '业务场景与名单类型', response: { 200: ScenariosSchema } } }, async (req) => {
    await requireUser(req, READ);
    return { scenarios: [...SCENARIOS], listTypes: Object.entries(KNOWN_LIST_TYPES).map(([code, t]) => ({ code, ...t })) };
  });

  // ---- 措施清单 ----
  app.get(
    '/api/sanctions/measures',
    { schema: { tags: [TAG], summary: '措施清单（all=1 含已替换、已停用的历史版本）', querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }), response: { 200: Type.Object({ items: Type.Array(MeasureSchema) }) } } },
    async (req) => {
      await requireUser(req, READ);
      return { items: await listMeasures(db, { all: req.query.all }) };
    },
  );

  app.post('/api/sanctions/measures', { schema: { tags: [TAG], summary: '新增措施', body: MeasureBody, response: { 200: MeasureSchema } } }, async (req) => {
    const user = await requireUser(req, OFFICE);
    return db.transaction().execute((trx) => createMeasure(trx, req.body, user.id, auditCtx(req)));
  });

  app.put('/api/sanctions/measures/:code', { schema: { tags: [TAG], summary: '修订措施（生成新版本）', params: CodeParam, body: MeasureBody, response: { 200: MeasureSchema } } }, async (req) => {
    const user = await requireUser(req, OFFICE);
    return db.transaction().execute((trx) => amendMeasure(trx, req.params.code, req.body, user.id, auditCtx(req)));
  });

  app.post('/api/sanctions/measures/:code/activate', { schema: { tags: [TAG], summary: '启用措施（须有设定依据；缺依据的草稿可在此补录）', params: CodeParam, body: ActivateBody, response: { 200: MeasureSchema } } }, async (req) => {
    await requireUser(req, OFFICE);
    return db.transaction().execute((trx) => activateMeasure(trx, req.params.code, auditCtx(req), req.body));
  });

  app.post('/api/sanctions/measures/:code/retire', { schema: { tags: [TAG], summary: '停用措施', params: CodeParam, response: { 204: Type.Null() } } }, async (req, reply) => {
    await requireUser(req, OFFICE);
    await db.transaction().execute((trx) => retireMeasure(trx, req.params.code, auditCtx(req)));
    return reply.status(204).send(null);
  });

  // ---- 事前核查 (console) ----
  app.post('/api/sanctions/checks', { schema: { tags: [TAG], summary: '事前核查（本部门）', body: CheckBody, response: { 200: CheckAnswerSchema } } }, async (req) => {
    const user = await requireUser(req, CLERKS);
    if (user.departmentId === null) throw forbidden('sanction_no_department');
    const departmentId = user.departmentId;
    // No transaction, as on the signed API: two statements (one read, one write of the check, hits and audit entry).
    const input = { secret: config.secret, departmentId, channel: 'console' as const, userId: user.id, scenario: req.body.scenario, subjects: req.body.subjects };
    return runCheck(db, input, auditCtx(req), app.ctx.pool);
  });

  app.get(
    '/api/sanctions/checks',
    { schema: { tags: [TAG], summary: '本部门的核查记录（open=1 仅待反馈）', querystring: Type.Object({ open: Type.Optional(Type.Boolean()) }), response: { 200: CheckListSchema } } },
    async (req) => {
      const user = await requireUser(req, CLERKS);
      if (user.departmentId === null) throw forbidden('sanction_no_department');
      return { items: await listChecks(db, user.departmentId, { open: req.query.open }) };
    },
  );

  app.get('/api/sanctions/checks/:id', { schema: { tags: [TAG], summary: '核查详情', params: IdParam, response: { 200: StoredCheckSchema } } }, async (req) => {
    const user = await requireUser(req, [...CLERKS, ...OVERSIGHT]);
    return getCheck(db, req.params.id, { departmentId: user.departmentId, all: OVERSIGHT.includes(user.role) });
  });

  app.post('/api/sanctions/checks/:id/feedback', { schema: { tags: [TAG], summary: '反馈措施实施情况', params: IdParam, body: FeedbackBody, response: { 200: FeedbackResult } } }, async (req) => {
    const user = await requireUser(req, CLERKS);
    if (user.departmentId === null) throw forbidden('sanction_no_department');
    const officer = { id: user.id, departmentId: user.departmentId };
    return db.transaction().execute((trx) => recordFeedback(trx, req.params.id, officer, req.body.items, auditCtx(req)));
  });

  // ---- 信用办 overview, statistics, cases ----
  app.get('/api/sanctions/overview', { schema: { tags: [TAG], summary: '各部门待反馈与逾期核查', response: { 200: OverviewSchema } } }, async (req) => {
    await requireUser(req, OVERSIGHT);
    const days = await getSetting(db, FEEDBACK_DAYS_KEY);
    return { feedbackWorkingDays: typeof days === 'number' ? days : 10, items: await openChecks(db) };
  });

  app.get('/api/sanctions/stats', { schema: { tags: [TAG], summary: '联合奖惩统计', querystring: PeriodQuery, response: { 200: StatsSchema } } }, async (req) => {
    await requireUser(req, OVERSIGHT);
    return sanctionStats(db, { from: req.query.from, to: req.query.to }, req.query.departmentId);
  });

  app.get('/api/sanctions/stats.xlsx', { schema: { tags: [TAG], summary: '导出联合奖惩统计（XLSX）', querystring: PeriodQuery, produces: [XLSX], response: { 200: BinaryResponse } } }, async (req, reply) => {
    await requireUser(req, OVERSIGHT);
    const { from, to } = req.query;
    const s = await sanctionStats(db, { from, to }, req.query.departmentId);
    return sendFile(reply, await sanctionStatsXlsx(s), XLSX, `联合奖惩统计（${from}至${to}）.xlsx`, `sanctions-${from}-${to}.xlsx`);
  });

  app.post('/api/sanctions/feedback/:id/notable', { schema: { tags: [TAG], summary: '标记为联合奖惩案例并公开', params: IdParam, body: NotableBody, response: { 204: Type.Null() } } }, async (req, reply) => {
    const user = await requireUser(req, OFFICE);
    await db.transaction().execute((trx) => markNotable(trx, req.params.id, user.id, req.body, auditCtx(req)));
    return reply.status(204).send(null);
  });

  app.get('/api/public/sanctions/cases', { schema: { tags: ['信用信息公示'], summary: '联合奖惩案例', response: { 200: CasesSchema } } }, async () => ({ items: await publishedCases(db) }));

  // ---- 批量比对 (screening) ----
  app.post(
    '/api/sanctions/screenings',
    {
      schema: {
        tags: [TAG],
        summary: '批量比对：上传 CSV/XLSX（不超过 100,000 行），后台比对，返回任务号',
        consumes: ['multipart/form-data'],
        querystring: Type.Object({ scenario: Type.String({ maxLength: 32 }) }),
        response: { 202: Type.Object({ jobId: Type.String() }) },
      },
    },
    async (req, reply) => {
      const user = await requireUser(req, CLERKS);
      if (user.departmentId === null) throw forbidden('sanction_no_department');
      checkScenario(req.query.scenario);
      const file = await req.file();
      if (!file) throw new AppError('file_required', '请选择要比对的文件', 400);
      const bytes = await file.toBuffer();
      // Read once, here: the row count refuses a file over the limit (413, no job, no file kept), and the rows
      // read are handed to the job, which then does not read and decode the file again.
      const rows = await readScreeningFile(bytes, file.filename);
      const path = await saveScreeningUpload(dir, bytes);
      handOverRows(path, rows);
      const payload: ScreenPayload = { path, fileName: file.filename, departmentId: user.departmentId, userId: user.id, scenario: req.query.scenario };
      const jobId = await startScreening(app.jobs, payload);
      return reply.status(202).send({ jobId });
    },
  );

  app.get(
    '/api/sanctions/screenings/:id',
    {
      schema: {
        tags: [TAG],
        summary: '批量比对进度与结果',
        params: IdParam,
        response: { 200: ScreeningStatusSchema },
      },
    },
    async (req) => {
      const user = await requireUser(req, CLERKS);
      const job = await ownScreening(req.params.id, user.departmentId);
      const progress = (job.progress ?? null) as ScreenProgress | null;
      return {
        status: job.status,
        done: progress?.done ?? 0,
        error: job.status === 'failed' ? (job.error ?? '比对失败') : null,
        ...(progress?.stage === 'done' ? { checkId: progress.checkId, caseNo: progress.caseNo, summary: progress.summary } : {}),
      };
    },
  );

  app.get(
    '/api/sanctions/screenings/:id/result',
    { schema: { tags: [TAG], summary: '下载批量比对结果（XLSX）', params: IdParam, produces: [XLSX], response: { 200: BinaryResponse } } },
    async (req, reply) => {
      const user = await requireUser(req, CLERKS);
      const job = await ownScreening(req.params.id, user.departmentId);
      if (job.status !== 'done') throw notFound('screening_not_found', '比对尚未完成');
      const bytes = await readFile(resultPath(dir, req.params.id)).catch(() => {
        throw notFound('screening_not_found', '比对结果文件已不存在，请重新比对');
      });
      return sendFile(reply, bytes, XLSX, `比对结果-${req.params.id}.xlsx`, `screening-${req.params.id}.xlsx`);
    },
  );

  /** A screening job of the caller's department (another department's is answered as absent). */
  async function ownScreening(id: string, departmentId: number | null) {
    const job = await queuedJobState(db, SCREEN_JOB, id);
    if (!job || (job.payload as ScreenPayload).departmentId !== departmentId) throw notFound('screening_not_found');
    return job;
  }

  // ---- Signed API for department systems ----
  // signedNonceInHandler: the request's nonce is recorded by the check's own read statement (a signed check is two
  // statements: the key comes from the auth domain's cache, checked by that statement against the keys' generation).
  app.post('/api/ext/sanctions/check', { config: { signedNonceInHandler: true }, schema: { tags: [EXT_TAG], summary: '事前核查：按统一社会信用代码、身份证号码或名称核查主体', body: CheckBody, response: { 200: CheckAnswerSchema } } }, async (req) => {
    const caller = await requireApiCaller(req);
    // No transaction: runCheck reads (and records the nonce) in one statement and writes the check, its hits and
    // audit entry in another, both as named prepared statements on the pool.
    const input = { secret: config.secret, departmentId: caller.departmentId, channel: 'api' as const, apiKeyId: caller.keyId, scenario: req.body.scenario, subjects: req.body.subjects };
    const pending = pendingNonceOf(caller);
    const ctx = auditCtx(req);
    const nonce = pending ? { pending, settle: (row: NonceClaimRow) => settleNonceClaim(db, config, pending, row, ctx, app.ctx.pool) } : undefined;
    return runCheck(db, input, ctx, app.ctx.pool, nonce);
  });
}
