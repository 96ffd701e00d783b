// City credit monitoring routes (城市信用状况监测): events, classification, institution checklist,
// indicator trees, official scores, comparison, what-if, briefings, department scorecards; and the
// public list of municipal credit documents. Thin: validate, authorise, call one service function.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {} from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../db/types.ts';
import { AppError } from '../../platform/errors.ts';
import { auditCtx, requireUser } from '../../platform/http.ts';
import {
  BinaryResponse,
  ChecklistIdParams,
  ChecklistImportResponse,
  ChecklistItemSchema,
  ChecklistPatchBody,
  ChecklistResponse,
  ClassifyBody,
  ClassifyResponse,
  CompareQuery,
  CompareResponse,
  ConversionsPage,
  ConversionsQuery,
  CreateEventBody,
  ClassifierBuildSchema,
  CreditEventSchema,
  EffectRulesQuery,
  EffectRulesResponse,
  EventIdParams,
  EventsPage,
  EventsQuery,
  ImportEventsResponse,
  OverrideBody,
  PeriodQuery,
  PoliciesResponse,
  PublicEventsPage,
  PublicEventsQuery,
  ReviewQuery,
  ReviewQueuePage,
  PublishBody,
  ReportQuery,
  ScorecardsQuery,
  ScorecardsResponse,
  ScoresImportQuery,
  ScoresImportResponse,
  StatsResponse,
  TreeIdParams,
  TreeSchema,
  TrendQuery,
  TrendResponse,
  WeightsBody,
  WhatIfBody,
  WhatIfResponse,
} from './monitoring.schemas.ts';
import * as svc from './monitoring.service.ts';

const READ: Role[] = ['admin', 'auditor', 'district_admin'];
const WRITE: Role[] = ['admin'];

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const TAG = '城市信用监测';
const UPLOAD = { consumes: ['multipart/form-data'], description: '以 multipart/form-data 上传一个文件（字段名任意），不超过 20 MB' };

/** Reads the one uploaded file; a file cut off at the size limit is refused (multipart only flags it). */
async function readUpload(req: FastifyRequest): Promise<svc.Upload> {
  if (!req.isMultipart()) throw new AppError('multipart_required', '请以 multipart/form-data 方式上传文件', 415);
  const file = await req.file({ throwFileSizeLimit: false });
  if (!file) throw new AppError('file_missing', '请选择要上传的文件', 400);
  const chunks: Buffer[] = [];
  for await (const chunk of file.file) chunks.push(chunk as Buffer);
  if (file.file.truncated) {
    throw new AppError('file_too_large', `上传文件超过 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB 上限，请拆分后重新上传`, 413);
  }
  return { filename: file.filename, buffer: Buffer.concat(chunks) };
}

/** RFC 6266 attachment header: an ASCII fallback and the UTF-8 (Chinese) name. */
export function contentDisposition(filename: string, fallback: string): string {
  const encoded = encodeURIComponent(filename).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

function download(reply: FastifyReply, body: Buffer | string, type: string, filename: string, fallback: string) {
  return reply.type(type).header('content-disposition', contentDisposition(filename, fallback)).send(body);
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Registers the monitoring routes (with multipart uploads, encapsulated in this plugin). */
export default async function monitoringRoutes(fastify: FastifyInstance): Promise<void> {
  await fastify.register(import('@fastify/multipart'), { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } });
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, config } = app.ctx;

  // ------------------------------------------------------------ events

  app.post(
    '/api/monitoring/events',
    { schema: { tags: [TAG], summary: '新增信用事件（入库时自动分类）', body: CreateEventBody, response: { 200: CreditEventSchema } } },
    async (req) => {
      const user = await requireUser(req, WRITE);
      return svc.createEvent(db, config, user, req.body, auditCtx(req));
    },
  );

  app.post(
    '/api/monitoring/events/import',
    {
      schema: {
        tags: [TAG],
        summary: '导入信用事件（CSV 或 XLSX；列 title/标题, date/日期, source, link, summary, polarity, subject, subdomain）',
        ...UPLOAD,
        response: { 200: ImportEventsResponse },
      },
    },
    async (req) => {
      const user = await requireUser(req, WRITE);
      return svc.importEvents(db, config, user, await readUpload(req), auditCtx(req));
    },
  );

  app.get(
    '/api/monitoring/events',
    { schema: { tags: [TAG], summary: '信用事件列表（按日期倒序，游标分页）', querystring: EventsQuery, response: { 200: EventsPage } } },
    async (req) => {
      await requireUser(req, READ);
      return svc.listEvents(db, req.query);
    },
  );

  app.get(
    '/api/monitoring/events/stats',
    { schema: { tags: [TAG], summary: '信用事件统计：各领域、子领域不良事件占比及月度趋势', querystring: PeriodQuery, response: { 200: StatsResponse } } },
    async (req) => {
      await requireUser(req, READ);
      return svc.eventStatistics(db, req.query);
    },
  );

  app.post(
    '/api/monitoring/events/:id/override',
    {
      schema: {
        tags: [TAG],
        summary: '人工修正事件分类（作为标注样本参与重新训练）',
        params: EventIdParams,
        body: OverrideBody,
        response: { 200: CreditEventSchema },
      },
    },
    async (req) => {
      const user = await requireUser(req, WRITE);
      return svc.overrideEvent(db, user, req.params.id, req.body, auditCtx(req));
    },
  );

  app.get(
    '/api/monitoring/events/review',
    {
      schema: {
        tags: [TAG],
        summary: '待复核信用事件（分类置信度低于阈值，复核前不计入监测数字），按入库时间先后',
        querystring: ReviewQuery,
        response: { 200: ReviewQueuePage },
      },
    },
    async (req) => {
      await requireUser(req, READ);
      return svc.reviewQueue(db, req.query);
    },
  );

  app.post(
    '/api/monitoring/events/:id/review',
    {
      schema: {
        tags: [TAG],
        summary: '复核待复核事件：确定领域、子领域和性质（作为标注样本参与下次重新训练），之后计入监测数字',
        params: EventIdParams,
        body: OverrideBody,
        response: { 200: CreditEventSchema },
      },
    },
    async (req) => {
      const user = await requireUser(req, WRITE);
      return svc.decideReview(db, user, req.params.id, req.body, auditCtx(req));
    },
  );

  app.post(
    '/api/monitoring/classifier/retrain',
    {
      schema: {
        tags: [TAG],
        summary: '用内置标注样本和全部人工复核/修正结果重新训练事件分类模型，返回留出测试集准确率',
        response: { 200: ClassifierBuildSchema },
      },
    },
    async (req) => {
      const user = await requireUser(req, WRITE);
      return svc.retrainClassifier(db, user.username, auditCtx(req));
    },
  );

  app.post(
    '/api/monitoring/events/:id/publish',
    {
      schema: {
        tags: [TAG],
        summary: '在信用网站“信用事件公开”栏目公开或撤回信用事件（须有来源链接）',
        params: EventIdParams,
        body: PublishBody,
        response: { 200: CreditEventSchema },
      },
    },
    async (req) => {
      const user = await requireUser(req, WRITE);
      return svc.publishEvent(db, user, req.params.id, req.body.published, auditCtx(req));
    },
  );

  app.get(
    '/api/public/credit-events',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: { tags: ['公开'], summary: '信用事件公开：本市公开的优良和不良信用事件（含来源链接和日期）', querystring: PublicEventsQuery, response: { 200: PublicEventsPage } },
    },
    async (req) => svc.publicEvents(db, req.query),
  );

  app.get(
    '/api/public/code-conversions',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: { tags: ['公开'], summary: '统一社会信用代码转换公示：旧代码（组织机构代码、注册号）与统一社会信用代码的对应关系', querystring: ConversionsQuery, response: { 200: ConversionsPage } },
    },
    async (req) => svc.codeConversions(db, req.query),
  );

  app.post(
    '/api/monitoring/classify',
    { schema: { tags: [TAG], summary: '事件标题分类（含分类依据）', body: ClassifyBody, response: { 200: ClassifyResponse } } },
    async (req) => {
      await requireUser(req, READ);
      return { results: await svc.classifyTitles(db, req.body.titles) };
    },
  );

  // ------------------------------------------------------------ institution checklist

  app.get(
    '/api/monitoring/checklist',
    { schema: { tags: [TAG], summary: '信用制度清单及完善程度', response: { 200: ChecklistResponse } } },
    async (req) => {
      await requireUser(req, READ);
      return svc.checklistView(db);
    },
  );

  app.patch(
    '/api/monitoring/checklist/:id',
    {
      schema: { tags: [TAG], summary: '更新制度状态及文件（名称、文号、日期、链接）', params: ChecklistIdParams, body: ChecklistPatchBody, response: { 200: ChecklistItemSchema } },
    },
    async (req) => {
      const user = await requireUser(req, WRITE);
      return svc.patchChecklistItem(db, user, req.params.id, req.body, auditCtx(req));
    },
  );

  app.post(
    '/api/monitoring/checklist/import',
    { schema: { tags: [TAG], summary: '导入信用制度清单（XLSX，校验通过后整体替换）', ...UPLOAD, response: { 200: ChecklistImportResponse } } },
    async (req) => {
      const user = await requireUser(req, WRITE);
      return svc.importChecklist(db, user, await readUpload(req), auditCtx(req));
    },
  );

  app.get(
    '/api/monitoring/checklist/export.xlsx',
    { schema: { tags: [TAG], summary: '导出信用制度清单（XLSX，亦为导入模板）', produces: [XLSX], response: { 200: BinaryResponse } } },
    async (req, reply) => {
      await requireUser(req, READ);
      return download(reply, await svc.exportChecklist(db), XLSX, '信用制度清单.xlsx', 'checklist.xlsx');
    },
  );

  app.get(
    '/api/public/policies',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: { tags: ['公开'], summary: '本市已出台的信用制度文件（信用制度栏目）', response: { 200: PoliciesResponse } },
    },
    async () => ({ items: await svc.publicPolicies(db) }),
  );

  // ------------------------------------------------------------ indicator trees, scores, comparison

  app.get(
    '/api/monitoring/trees',
    { schema: { tags: [TAG], summary: '指标体系（当前版本及历史版本）', response: { 200: Type.Object({ items: Type.Array(TreeSchema) }) } } },
    async (req) => {
      await requireUser(req, READ);
      return { items: await svc.listTrees(db) };
    },
  );

  app.post(
    '/api/monitoring/trees/:id/weights',
    { schema: { tags: [TAG], summary: '自定义指标分值（生成新版本；分值不合计时拒绝）', params: TreeIdParams, body: WeightsBody, response: { 200: TreeSchema } } },
    async (req) => {
      const user = await requireUser(req, WRITE);
      return svc.setTreeWeights(db, user, req.params.id, req.body, auditCtx(req));
    },
  );

  app.post(
    '/api/monitoring/scores/import',
    {
      schema: {
        tags: [TAG],
        summary: '导入官方月度监测得分（CSV 或 XLSX，列 month,city,indicator,score；同月同城市的已有得分被替换）',
        ...UPLOAD,
        querystring: ScoresImportQuery,
        response: { 200: ScoresImportResponse },
      },
    },
    async (req) => {
      const user = await requireUser(req, WRITE);
      return svc.importScores(db, user, await readUpload(req), req.query.tree, auditCtx(req));
    },
  );

  app.get(
    '/api/monitoring/compare',
    { schema: { tags: [TAG], summary: '与监测城市对比：综合指数、排名、各指标与平均值（含本地测算）', querystring: CompareQuery, response: { 200: CompareResponse } } },
    async (req) => {
      await requireUser(req, READ);
      return svc.compareFor(db, config, req.query);
    },
  );

  app.get(
    '/api/monitoring/effect-rules',
    { schema: { tags: [TAG], summary: '模拟推演可选的改进措施', querystring: EffectRulesQuery, response: { 200: EffectRulesResponse } } },
    async (req) => {
      await requireUser(req, READ);
      return svc.listEffectRules(db, req.query.tree);
    },
  );

  app.post(
    '/api/monitoring/whatif',
    { schema: { tags: [TAG], summary: '模拟推演：所选改进措施对综合指数和排名的影响', body: WhatIfBody, response: { 200: WhatIfResponse } } },
    async (req) => {
      await requireUser(req, READ);
      return svc.whatIf(db, config, req.body);
    },
  );

  app.get(
    '/api/monitoring/trend',
    {
      schema: {
        tags: [TAG],
        summary: '月度趋势：本市综合指数、排名及监测城市数（官方得分），以及归集数据量',
        description: `按月（含首尾月，最多 ${svc.TREND_MAX_MONTHS} 个月，按月份升序）返回；当月没有得分时 score 为 null。`,
        querystring: TrendQuery,
        response: { 200: TrendResponse },
      },
    },
    async (req) => {
      await requireUser(req, READ);
      return svc.trendFor(db, config, req.query);
    },
  );

  // ------------------------------------------------------------ briefing, scorecards

  app.get(
    '/api/monitoring/report',
    {
      schema: {
        tags: [TAG],
        summary: '监测分析通报（HTML、Word 或 PDF 下载）',
        querystring: ReportQuery,
        produces: ['text/html', 'application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
        response: { 200: BinaryResponse },
      },
    },
    async (req, reply) => {
      await requireUser(req, READ);
      const format = req.query.format ?? 'pdf';
      const r = await svc.reportFor(db, config, { ...req.query, format });
      return download(reply, r.body, r.contentType, r.filename, `monitoring-report.${format}`);
    },
  );

  app.get(
    '/api/monitoring/scorecards',
    { schema: { tags: [TAG], summary: '部门考核（按月：上报量、按时上报率、一次通过率、退回数据更正情况及用时；加权综合得分排名）', querystring: ScorecardsQuery, response: { 200: ScorecardsResponse } } },
    async (req) => {
      await requireUser(req, READ);
      return svc.scorecardsView(await svc.scorecardsFor(db, req.query.month ?? svc.currentMonth()));
    },
  );

  app.get(
    '/api/monitoring/scorecards.xlsx',
    { schema: { tags: [TAG], summary: '导出部门考核（XLSX）', querystring: ScorecardsQuery, produces: [XLSX], response: { 200: BinaryResponse } } },
    async (req, reply) => {
      await requireUser(req, READ);
      const month = req.query.month ?? svc.currentMonth();
      return download(reply, await svc.scorecardsXlsx(await svc.scorecardsFor(db, month)), XLSX, `部门考核（${month}）.xlsx`, `scorecards-${month}.xlsx`);
    },
  );
}
