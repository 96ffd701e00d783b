// Routes of credit repair (信用修复). Public (no account, rate-limited): eligibility, the commitment text, the
// application with its materials, progress and the decision document by 查询码 + USCC. Console: the queue, an
// application and its materials, forwarding (credit office), the decision (the deciding department), the
// 信用修复告知书 of a penalty, and the figures. Thin: validate, authorise, call one service function.
import fastifyMultipart from '@fastify/multipart';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendFile } from '../../platform/download.ts';
import { AppError } from '../../platform/errors.ts';
import { auditCtx, requireUser } from '../../platform/http.ts';
import { createNotifier, type Notifier } from '../../platform/notifier.ts';
import type { IdentityProvider } from './identity.ts';
import { commandScanner, MATERIAL_KINDS, type MaterialKind, type MaterialScanner } from './materials.ts';
import { renderDecisionPdf, renderNoticePdf } from './repair.documents.ts';
import {
  ApplicationFields,
  ApplicationResponse,
  AppliedResponse,
  CommitmentBody,
  CommitmentResponse,
  DecisionBody,
  DecisionResponse,
  EligibilityQuery,
  EligibilityResponse,
  ForwardResponse,
  IdParams,
  MaterialParams,
  PdfResponse,
  ProgressBody,
  ProgressResponse,
  QueueQuery,
  QueueResponse,
  RecordParams,
  StatsQuery,
  StatsResponse,
} from './repair.schemas.ts';
import {
  applyForRepair,
  decideRepair,
  decisionDocumentData,
  forwardRepair,
  noticeDocumentData,
  previewCommitment,
  repairApplication,
  repairMaterial,
  repairProgress,
  repairQueue,
  repairStats,
  subjectEligibility,
  type MaterialUpload,
  type RepairDeps,
} from './repair.service.ts';
import { repairSettings } from './repair.settings.ts';

/** Requests per client and minute on the public paths; the 查询码 look-ups are the tightest (against guessing). */
export const REPAIR_RATE_LIMITS = { eligibility: 30, apply: 10, progress: 10 } as const;
/** Hard cap of one upload request, whatever the settings say (the settings' limits are checked per file). */
const MAX_REQUEST_BYTES = 200 * 1024 * 1024;

const perMinute = (max: number) => ({ rateLimit: { max, timeWindow: '1 minute' } });

/** What the shell may plug in: an outside sender for notices, a provincial identity service, a scanner. */
export interface RepairRouteOptions {
  notifier?: Notifier;
  identity?: IdentityProvider;
  scanner?: MaterialScanner;
}

/** Reads the multipart application: the JSON part `application` and one file part per material (named by kind). */
async function readApplication(req: FastifyRequest, maxFileBytes: number, maxFiles: number) {
  let fields: unknown = undefined;
  const materials: MaterialUpload[] = [];
  try {
    for await (const part of req.parts({ limits: { fileSize: maxFileBytes, files: maxFiles + 1, fields: 5, fieldSize: 64 * 1024 } })) {
      if (part.type === 'field') {
        if (part.fieldname === 'application') fields = JSON.parse(String(part.value));
        continue;
      }
      const content = await part.toBuffer();
      // @fastify/multipart cuts an oversized file: refuse it rather than store a part of it.
      if (part.file.truncated) throw new AppError('repair_material_too_large', `材料「${part.filename}」超过 ${(maxFileBytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB 的上限`);
      if (!(part.fieldname in MATERIAL_KINDS)) throw new AppError('repair_material_type', `未知的材料类别：${part.fieldname}`);
      materials.push({ kind: part.fieldname as MaterialKind, fileName: part.filename || 'material', content });
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT') throw new AppError('repair_too_many_materials', `材料最多 ${maxFiles} 个`);
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('repair_material_too_large', `材料超过 ${(maxFileBytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB 的上限`);
    if (e instanceof SyntaxError) throw new AppError('validation_failed', '申请信息不是合法的 JSON');
    throw e;
  }
  if (!Value.Check(ApplicationFields, fields)) throw new AppError('validation_failed', '申请信息不完整：请填写统一社会信用代码、经办人姓名和手机号，并选择申请修复的信息');
  return { fields, materials };
}

/** Registers the repair routes; options let the shell (or a test) plug in the outside pieces. */
export function repairRoutesWith(opts: RepairRouteOptions = {}) {
  return async function repairRoutes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const { db, config } = app.ctx;
    const deps: RepairDeps = {
      secret: config.secret,
      notifier: opts.notifier ?? createNotifier(),
      identity: opts.identity,
      scanner: opts.scanner !== undefined ? opts.scanner : commandScanner(config.repairScanCommand),
    };
    await app.register(fastifyMultipart, { limits: { fileSize: MAX_REQUEST_BYTES } });

    // ------------------------------------------------------------------ public (portal, no account)
    app.get(
      '/api/public/repair/eligibility',
      { config: perMinute(REPAIR_RATE_LIMITS.eligibility), schema: { tags: ['公开'], summary: '信用修复资格：主体正在公示的失信信息能否修复、何时可申请、所需材料', querystring: EligibilityQuery, response: { 200: EligibilityResponse } } },
      async (req) => subjectEligibility(db, config.secret, req.query.uscc, new Date(), req.query.channel ?? 'standard'),
    );

    app.post(
      '/api/public/repair/commitment',
      { config: perMinute(REPAIR_RATE_LIMITS.eligibility), schema: { tags: ['公开'], summary: '生成信用修复承诺书（提交前确认）', body: CommitmentBody, response: { 200: CommitmentResponse } } },
      async (req) => ({ text: await previewCommitment(db, config.secret, { ...req.body, channel: req.body.channel ?? 'standard' }) }),
    );

    app.post(
      '/api/public/repair/applications',
      {
        config: perMinute(REPAIR_RATE_LIMITS.apply),
        schema: { tags: ['公开'], summary: '在线申请信用修复（multipart：application 为 JSON，材料按类别命名上传）', consumes: ['multipart/form-data'], response: { 200: AppliedResponse } },
      },
      async (req) => {
        if (!req.isMultipart()) throw new AppError('validation_failed', '请以 multipart/form-data 方式提交申请和材料');
        const s = await repairSettings(db);
        const { fields, materials } = await readApplication(req, s.maxFileBytes, s.maxFiles);
        return applyForRepair(db, deps, { ...fields, channel: fields.channel ?? 'standard', materials }, auditCtx(req));
      },
    );

    app.post(
      '/api/public/repair/progress',
      { config: perMinute(REPAIR_RATE_LIMITS.progress), schema: { tags: ['公开'], summary: '凭查询码和统一社会信用代码查询信用修复进度', body: ProgressBody, response: { 200: ProgressResponse } } },
      async (req) => repairProgress(db, config.secret, req.body.uscc, req.body.code),
    );

    app.post(
      '/api/public/repair/decision',
      { config: perMinute(REPAIR_RATE_LIMITS.progress), schema: { tags: ['公开'], summary: '凭查询码和统一社会信用代码下载决定书（PDF）', body: ProgressBody, produces: ['application/pdf'], response: { 200: PdfResponse } } },
      async (req, reply) => {
        const p = await repairProgress(db, config.secret, req.body.uscc, req.body.code);
        const data = await decisionDocumentData(db, config.secret, p.id);
        if (!data) throw new AppError('repair_not_found', '该申请尚未作出决定');
        return sendFile(reply.header('cache-control', 'no-store'), await renderDecisionPdf(data), 'application/pdf', `${data.approved ? '信用修复决定书' : '不予信用修复决定书'}-${p.id}.pdf`, `repair-decision-${p.id}.pdf`);
      },
    );

    // ------------------------------------------------------------------ console
    const STAFF = ['admin', 'auditor', 'reviewer', 'reporter'] as const;
    const DEPARTMENT = ['reviewer', 'reporter'] as const;

    app.get('/api/repair/applications', { schema: { tags: ['信用修复'], summary: '信用修复申请队列（超期在前）', querystring: QueueQuery, response: { 200: QueueResponse } } }, async (req) => {
      const user = await requireUser(req, [...STAFF]);
      return { items: await repairQueue(db, user, { status: req.query.status ?? 'open' }) };
    });

    app.get('/api/repair/applications/:id', { schema: { tags: ['信用修复'], summary: '信用修复申请详情', params: IdParams, response: { 200: ApplicationResponse } } }, async (req) => {
      const user = await requireUser(req, [...STAFF]);
      return repairApplication(db, user, req.params.id, auditCtx(req));
    });

    app.get('/api/repair/applications/:id/materials/:materialId', { schema: { tags: ['信用修复'], summary: '下载申请材料（仅工作人员，留痕）', params: MaterialParams } }, async (req, reply) => {
      const user = await requireUser(req, [...STAFF]);
      const m = await repairMaterial(db, user, req.params.id, req.params.materialId, auditCtx(req));
      const ext = m.mediaType === 'application/pdf' ? 'pdf' : m.mediaType === 'image/png' ? 'png' : 'jpg';
      return sendFile(reply.header('cache-control', 'no-store'), m.content, m.mediaType, m.fileName, `material-${req.params.materialId}.${ext}`);
    });

    app.post('/api/repair/applications/:id/forward', { schema: { tags: ['信用修复'], summary: '信用办核验身份材料后转送认定部门', params: IdParams, response: { 200: ForwardResponse } } }, async (req) => {
      const user = await requireUser(req, ['admin']);
      return forwardRepair(db, deps, user, req.params.id, auditCtx(req));
    });

    app.post(
      '/api/repair/applications/:id/decision',
      { schema: { tags: ['信用修复'], summary: '认定部门作出修复或不予修复决定', params: IdParams, body: DecisionBody, response: { 200: DecisionResponse } } },
      async (req) => {
        const user = await requireUser(req, [...DEPARTMENT]);
        return decideRepair(db, deps, user, req.params.id, req.body, auditCtx(req));
      },
    );

    app.get('/api/repair/applications/:id/decision.pdf', { schema: { tags: ['信用修复'], summary: '决定书（PDF）', params: IdParams, produces: ['application/pdf'] } }, async (req, reply) => {
      const user = await requireUser(req, [...STAFF]);
      await repairApplication(db, user, req.params.id, auditCtx(req));
      const data = await decisionDocumentData(db, config.secret, req.params.id);
      if (!data) throw new AppError('repair_not_found', '该申请尚未作出决定');
      return sendFile(reply, await renderDecisionPdf(data), 'application/pdf', `${data.approved ? '信用修复决定书' : '不予信用修复决定书'}-${req.params.id}.pdf`, `repair-decision-${req.params.id}.pdf`);
    });

    app.get('/api/repair/notices/:recordId', { schema: { tags: ['信用修复'], summary: '信用修复告知书（两书同达，PDF）', params: RecordParams, produces: ['application/pdf'] } }, async (req, reply) => {
      const user = await requireUser(req, ['admin', 'reviewer', 'reporter']);
      const data = await noticeDocumentData(db, config.secret, user, req.params.recordId);
      const pdf = await renderNoticePdf({ ...data, siteTitle: config.siteTitle, portalUrl: config.publicBaseUrl });
      return sendFile(reply, pdf, 'application/pdf', `信用修复告知书-${data.record.docNo}.pdf`, `repair-notice-${req.params.recordId}.pdf`);
    });

    app.get('/api/repair/stats', { schema: { tags: ['信用修复'], summary: '信用修复统计（监测与考核）', querystring: StatsQuery, response: { 200: StatsResponse } } }, async (req) => {
      await requireUser(req, ['admin', 'auditor']);
      return repairStats(db, req.query);
    });
  };
}

/** The repair routes with the default notifier (database log) and the configured scanner. */
export default repairRoutesWith();
