// 归集 routes: console upload (async, with progress), online form, receipts, error files, records,
// statistics; and the signed API for department systems. Thin: authorise, call a service, shape the answer.
import { contentDisposition } from '../../platform/download.ts';
import fastifyMultipart from '@fastify/multipart';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Channel } from '../../db/types.ts';
import { audit } from '../../platform/audit.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import { auditCtx, requireApiCaller, requireUser, type AppContext } from '../../platform/http.ts';
import { departmentScope, type SessionUser } from '../auth/index.ts';
import { findActiveItem } from '../catalog/index.ts';
import type { CatalogItem } from '../catalog/index.ts';
import { appImportOptions, importRows } from './import.service.ts';
import { importProgress, pendingImportFiles, saveRowsForImport, startImport } from './import.job.ts';
import { prepareUploadDir, removeUpload, saveUpload, sweepUploads } from './uploads.ts';
import { errorWorkbook } from './errorfile.ts';
import { collectionStats, listReceipts, receiptInScope, rejectsInScope } from './receipts.service.ts';
import { recordDetail, recordsInScope } from './records.service.ts';
import { RECORD_WARNINGS } from './ingest.repository.ts';
import { holdBatch } from './batches.ts';
import { approveBatch, heldRowsPage, returnBatch } from './review.ts';
import { batchRecordsInScope, receiptWorkbook } from './receiptfile.ts';
import {
  BatchRecordsSchema,
  BatchSchema,
  FormBody,
  HeldRowsSchema,
  ReturnBody,
  IngestLimitsSchema,
  IngestRowsBody,
  RecordDetailSchema,
  RecordSchema,
  RejectSchema,
  StatsRowSchema,
  UploadQuery,
} from './ingest.schemas.ts';

const UPLOAD_ROLES = ['admin', 'district_admin', 'reporter', 'reviewer'] as const;
const READ_ROLES = ['admin', 'district_admin', 'reporter', 'reviewer', 'auditor'] as const;
// The review step (issue 17 §3): the department's 审核员 and the credit office decide held batches.
const REVIEW_ROLES = ['admin', 'reviewer'] as const;
const BATCH_STATUSES = ['processing', 'pending_review', 'returned', 'committed', 'rejected', 'failed'] as const;

async function resolveItem(db: AppContext['db'], ref: string | undefined): Promise<CatalogItem> {
  if (!ref) throw new AppError('catalog_required', '请选择目录项', 400);
  const item = await findActiveItem(db, ref);
  if (!item) throw new AppError('catalog_not_found', `找不到可用的目录项“${ref}”`, 400);
  return item;
}

/** The department an upload is for: one's own, or (credit office, district admin) a chosen one within scope. */
async function uploadDepartment(req: FastifyRequest, user: SessionUser, requested: number | undefined): Promise<number> {
  const { db } = req.server.ctx;
  if (user.role === 'reporter' || user.role === 'reviewer') {
    if (requested !== undefined && requested !== user.departmentId) {
      await audit(db, auditCtx(req), { action: 'ingest.upload', target: `department:${requested}`, outcome: 'denied', detail: { reason: 'other_department' } });
      throw forbidden('department_forbidden', '只能为本部门报送数据');
    }
    return user.departmentId!;
  }
  if (requested === undefined) throw new AppError('department_required', '请选择报送部门', 400);
  const scope = await departmentScope(db, user);
  if (scope !== null && !scope.includes(requested)) {
    await audit(db, auditCtx(req), { action: 'ingest.upload', target: `department:${requested}`, outcome: 'denied', detail: { reason: 'other_department' } });
    throw forbidden('department_forbidden', '无权为其他部门报送数据');
  }
  return requested;
}

/**
 * A correction by the credit office (issue 11 §1): with a reason (更正原因) its rows may change any
 * department's records, audited with the reason; any other role giving a reason is refused.
 */
async function correctionOf(req: FastifyRequest, user: SessionUser, reason: string | undefined): Promise<{ reason: string; ctx: ReturnType<typeof auditCtx> } | null> {
  const text = reason?.trim();
  if (!text) return null;
  if (user.role !== 'admin') {
    await audit(req.server.ctx.db, auditCtx(req), { action: 'ingest.correction', outcome: 'denied', detail: { reason: 'role', role: user.role } });
    throw forbidden('correction_forbidden', '只有信用办管理员可以更正其他部门的记录');
  }
  return { reason: text, ctx: auditCtx(req) };
}

/** A receipt the caller may see (receipts.service.ts), with its import's progress from the job row (import.job.ts). */
async function batchInScope(req: FastifyRequest, user: SessionUser | null, callerDept: number | null, id: string) {
  const { db } = req.server.ctx;
  const b = await receiptInScope(db, user ? { user } : { departmentId: callerDept! }, id, auditCtx(req));
  return { ...b, progress: (await importProgress(db, [id])).get(id) ?? null };
}

/** Registers the 归集 routes. */
export default async function ingestRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, config } = app.ctx;
  await app.register(fastifyMultipart, { limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 10 } });
  // Uploads live in the data folder (0700, files 0600) until their import job ends; files a crashed process left
  // behind belong to no job and are removed now, at start-up (a queued or interrupted job's file is kept for its rerun).
  const uploadDir = await prepareUploadDir(config.dataDir);
  const swept = await sweepUploads(uploadDir, await pendingImportFiles(db));
  if (swept) app.log.info({ swept, uploadDir }, 'removed uploads left by a stopped process');
  const base = appImportOptions(app.ctx);

  app.get('/api/ingest/limits', { schema: { tags: ['归集'], summary: '上传限制', response: { 200: IngestLimitsSchema } } }, async (req) => {
    await requireUser(req);
    return { maxUploadBytes: config.uploadMaxBytes, apiSyncMaxRows: config.apiSyncMaxRows };
  });

  app.post(
    '/api/ingest/upload',
    {
      schema: {
        tags: ['归集'],
        summary: '上传文件（CSV/XLSX/XLS），后台校验入库，返回批次号',
        consumes: ['multipart/form-data'],
        querystring: UploadQuery,
        response: { 202: Type.Object({ batchId: Type.String() }) },
      },
    },
    async (req, reply) => {
      const user = await requireUser(req, [...UPLOAD_ROLES]);
      const departmentId = await uploadDepartment(req, user, req.query.departmentId);
      const correction = await correctionOf(req, user, req.query.correctionReason);
      const item = await resolveItem(db, req.query.catalog);
      const file = await req.file();
      if (!file) throw new AppError('file_required', '请选择要上传的文件', 400);
      const path = await saveUpload(uploadDir, file.file);
      // @fastify/multipart cuts an oversized file silently: refuse it rather than import a truncated file.
      if (file.file.truncated) {
        await removeUpload(path);
        await audit(db, auditCtx(req), { action: 'ingest.upload', target: file.filename, outcome: 'failed', detail: { reason: 'too_large', limit: config.uploadMaxBytes } });
        throw new AppError('file_too_large', `文件超过上传上限 ${Math.round(config.uploadMaxBytes / 1024 / 1024)} MB，未保存任何数据。请拆分后分批上传`, 413);
      }
      // A durable job (ingest.import): run now by this process, and again by the next start if it is cut short.
      const batchId = await startImport(app.jobs, {
        source: 'file', path, fileName: file.filename, item, departmentId, channel: 'file', createdBy: user.id, correction, correctionHint: user.role === 'admin',
      }).catch(async (e: unknown) => {
        req.log.error({ err: e }, 'import failed');
        throw e;
      });
      await audit(db, auditCtx(req), { action: 'ingest.upload', target: `batch:${batchId}`, detail: { item: item.id, file: file.filename, departmentId, ...(correction ? { correctionReason: correction.reason } : {}) } });
      return reply.status(202).send({ batchId });
    },
  );

  app.post(
    '/api/ingest/form',
    { schema: { tags: ['归集'], summary: '在线填报单条记录（与文件同一校验流程）', body: FormBody, response: { 201: BatchSchema } } },
    async (req, reply) => {
      const user = await requireUser(req, [...UPLOAD_ROLES]);
      const departmentId = await uploadDepartment(req, user, req.body.departmentId);
      const correction = await correctionOf(req, user, req.body.correctionReason);
      const item = await resolveItem(db, req.body.catalog);
      const r = await importRows({
        ...base, item, departmentId, channel: 'form', createdBy: user.id, rows: [req.body.values],
        correction, correctionHint: user.role === 'admin',
      });
      await audit(db, auditCtx(req), { action: 'ingest.form', target: `batch:${r.batchId}`, detail: { item: item.id, departmentId, accepted: r.accepted, ...(correction ? { correctionReason: correction.reason } : {}) } });
      return reply.status(201).send((await batchInScope(req, user, null, r.batchId)) as never);
    },
  );

  app.get(
    '/api/ingest/batches',
    {
      schema: {
        tags: ['归集'],
        summary: '批次（回执）列表；warning=fine_unit_suspect 等只列回执中有该提示的批次（提示中列出行号）',
        querystring: Type.Object({
          departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
          cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })),
          warning: Type.Optional(Type.String({ pattern: '^[a-z_]{1,64}$' })),
          status: Type.Optional(Type.Union(BATCH_STATUSES.map((s) => Type.Literal(s)))),
          lateFrom: Type.Optional(Type.String({ format: 'date', description: '只列该日（北京时间）以来提交、含超期上报记录的已入库批次' })),
        }),
        response: { 200: Type.Object({ items: Type.Array(BatchSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (req) => {
      const user = await requireUser(req, [...READ_ROLES]);
      const page = await listReceipts(db, user, req.query);
      const progress = await importProgress(db, page.items.filter((b) => b.status === 'processing').map((b) => b.batchId));
      return { ...page, items: page.items.map((b) => ({ ...b, progress: progress.get(b.batchId) ?? null })) };
    },
  );

  const IdParam = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,19}$' }) });

  app.get('/api/ingest/batches/:id', { schema: { tags: ['归集'], summary: '回执', params: IdParam, response: { 200: BatchSchema } } }, async (req) => {
    const user = await requireUser(req, [...READ_ROLES]);
    return batchInScope(req, user, null, req.params.id);
  });

  app.get(
    '/api/ingest/batches/:id/rejects',
    {
      schema: {
        tags: ['归集'],
        summary: '退回行及原因',
        params: IdParam,
        querystring: Type.Object({ cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })) }),
        response: { 200: Type.Object({ items: Type.Array(RejectSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (req) => {
      const user = await requireUser(req, [...READ_ROLES]);
      return rejectsInScope(db, user, req.params.id, Number(req.query.cursor ?? 0), auditCtx(req));
    },
  );

  app.get(
    '/api/ingest/batches/:id/records',
    {
      schema: {
        tags: ['归集'],
        summary: '本批次写入的记录及其公示决定（公示至某日，或不予公示及原因）',
        params: IdParam,
        querystring: Type.Object({ cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })) }),
        response: { 200: BatchRecordsSchema },
      },
    },
    async (req) => {
      const user = await requireUser(req, [...READ_ROLES]);
      return batchRecordsInScope(db, user, req.params.id, Number(req.query.cursor ?? 0), auditCtx(req));
    },
  );

  app.get(
    '/api/ingest/batches/:id/receipt.xlsx',
    { schema: { tags: ['归集'], summary: '下载回执（xlsx）：批次统计与每条记录的公示决定', params: IdParam } },
    async (req, reply) => {
      const user = await requireUser(req, [...READ_ROLES]);
      const file = await receiptWorkbook(db, user, req.params.id, auditCtx(req));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('cache-control', 'no-store')
        .header('content-disposition', contentDisposition(file.fileName, `receipt-${req.params.id}.xlsx`))
        .send(file.body);
    },
  );

  app.get(
    '/api/ingest/batches/:id/held-rows',
    {
      schema: {
        tags: ['归集'],
        summary: '待审核批次的数据行（个人信息脱敏），供审核员审阅',
        params: IdParam,
        querystring: Type.Object({ cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })) }),
        response: { 200: HeldRowsSchema },
      },
    },
    async (req) => {
      const user = await requireUser(req, [...READ_ROLES]);
      return heldRowsPage(db, user, req.params.id, Number(req.query.cursor ?? 0), auditCtx(req));
    },
  );

  app.post(
    '/api/ingest/batches/:id/approve',
    { schema: { tags: ['归集'], summary: '审核通过：待审核批次入库（后台进行，返回批次号）', params: IdParam, response: { 202: Type.Object({ batchId: Type.String() }) } } },
    async (req, reply) => {
      const user = await requireUser(req, [...REVIEW_ROLES]);
      // Held by this process from the approval until the import job holds it, so no sweep takes it for abandoned.
      const release = holdBatch(req.params.id);
      try {
        const b = await approveBatch(db, user, req.params.id, auditCtx(req));
        await startImport(app.jobs, {
          source: 'review', batchId: b.batchId, path: '', fileName: b.fileName, item: b.item, departmentId: b.departmentId, channel: b.channel, createdBy: b.createdBy, apiKeyId: b.apiKeyId,
        });
      } finally {
        release();
      }
      return reply.status(202).send({ batchId: req.params.id });
    },
  );

  app.post(
    '/api/ingest/batches/:id/return',
    { schema: { tags: ['归集'], summary: '审核退回：待审核批次退回报送人，附退回说明', params: IdParam, body: ReturnBody, response: { 200: BatchSchema } } },
    async (req) => {
      const user = await requireUser(req, [...REVIEW_ROLES]);
      await returnBatch(db, user, req.params.id, req.body.note.trim(), auditCtx(req));
      return batchInScope(req, user, null, req.params.id);
    },
  );

  app.get(
    '/api/ingest/batches/:id/errors.xlsx',
    {
      schema: {
        tags: ['归集'],
        summary: '下载错误数据（原表头 + 错误说明，改正后可重新上传）。个人信息脱敏；上传人本人可加 unmasked=1 下载原文，留审计记录',
        params: IdParam,
        // `?unmasked=1` as the console links it (a boolean schema would not take 1 from a query string).
        querystring: Type.Object({ unmasked: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('true'), Type.Literal('0'), Type.Literal('false')])) }),
      },
    },
    async (req, reply) => {
      const user = await requireUser(req, [...READ_ROLES]);
      const unmasked = req.query.unmasked === '1' || req.query.unmasked === 'true';
      const file = await errorWorkbook(db, config.secret, user, req.params.id, unmasked, auditCtx(req));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('cache-control', 'no-store')
        .header('content-disposition', contentDisposition(file.fileName, `errors-${file.batchId}.xlsx`))
        .send(file.body);
    },
  );

  app.get(
    '/api/ingest/records',
    {
      schema: {
        tags: ['归集'],
        summary: '归集记录；warning=fine_unit_suspect / fine_implausible / age_unconfirmed 只列疑似按元填写、罚款超出合理上限、当事人年龄待确认的记录（本部门范围内，信用办为全部）',
        querystring: Type.Object({
          departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
          item: Type.Optional(Type.String({ maxLength: 64 })),
          q: Type.Optional(Type.String({ maxLength: 100 })),
          cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })),
          warning: Type.Optional(Type.Union(RECORD_WARNINGS.map((w) => Type.Literal(w)))),
        }),
        response: { 200: Type.Object({ items: Type.Array(RecordSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (req) => {
      const user = await requireUser(req, [...READ_ROLES]);
      return recordsInScope(db, user, req.query);
    },
  );

  app.get(
    '/api/ingest/records/:id',
    {
      schema: {
        tags: ['归集'],
        summary: '记录及其全部版本（个人信息脱敏；信用办管理员可加 unmask=1 查看原文，留审计记录）',
        params: IdParam,
        querystring: Type.Object({ unmask: Type.Optional(Type.Boolean()) }),
        response: { 200: RecordDetailSchema },
      },
    },
    async (req) => {
      const user = await requireUser(req, [...READ_ROLES]);
      return recordDetail(db, config.secret, user, req.params.id, req.query.unmask === true, auditCtx(req));
    },
  );

  app.get(
    '/api/ingest/stats',
    {
      schema: {
        tags: ['归集'],
        summary: '各部门归集统计：报送量、退回率、超期上报比例',
        querystring: Type.Object({ from: Type.Optional(Type.String({ format: 'date' })), to: Type.Optional(Type.String({ format: 'date' })) }),
        response: { 200: Type.Object({ items: Type.Array(StatsRowSchema) }) },
      },
    },
    async (req) => {
      const user = await requireUser(req, [...READ_ROLES]);
      return { items: await collectionStats(db, user, req.query) };
    },
  );

  // ---- Signed API for department systems (部门系统接口) ----
  app.post(
    '/api/ext/ingest/:catalog',
    {
      schema: {
        tags: ['部门系统接口'],
        summary: '报送 JSON 记录：小批量同步返回回执，大批量返回批次号后台处理',
        params: Type.Object({ catalog: Type.String({ maxLength: 64 }) }),
        body: IngestRowsBody,
        response: { 200: BatchSchema, 202: Type.Object({ batchId: Type.String() }) },
      },
    },
    async (req, reply) => {
      const caller = await requireApiCaller(req);
      const item = await resolveItem(db, req.params.catalog);
      const channel: Channel = 'api';
      if (req.body.rows.length <= config.apiSyncMaxRows) {
        const r = await importRows({ ...base, item, departmentId: caller.departmentId, channel, apiKeyId: caller.keyId, rows: req.body.rows });
        await audit(db, auditCtx(req), { action: 'ingest.api', target: `batch:${r.batchId}`, detail: { item: item.id, rows: r.total } });
        return batchInScope(req, null, caller.departmentId, r.batchId);
      }
      // Saved to disk first, so that the job can run again after a restart like a file upload's.
      const path = await saveRowsForImport(uploadDir, req.body.rows);
      const batchId = await startImport(app.jobs, { source: 'rows', path, fileName: null, item, departmentId: caller.departmentId, channel, apiKeyId: caller.keyId });
      await audit(db, auditCtx(req), { action: 'ingest.api', target: `batch:${batchId}`, detail: { item: item.id, rows: req.body.rows.length, async: true } });
      return reply.status(202).send({ batchId });
    },
  );

  app.get('/api/ext/ingest/batches/:id', { schema: { tags: ['部门系统接口'], summary: '查询批次回执', params: IdParam, response: { 200: BatchSchema } } }, async (req) => {
    const caller = await requireApiCaller(req);
    return batchInScope(req, null, caller.departmentId, req.params.id);
  });
}
