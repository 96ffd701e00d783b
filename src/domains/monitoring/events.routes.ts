// Credit event routes (信用事件): create, import, list, statistics, staff corrections, the review queue,
// retraining, publication and title classification; and the portal's lists of published events and
// code conversions. Registered by monitoring.routes.ts inside its plugin (which owns the multipart
// parser). Thin: validate, authorise, call one service function.
import { auditCtx, requireUser } from '../../platform/http.ts';
import { Type } from '@fastify/type-provider-typebox';
import { download, READ, TAG, UPLOAD, WRITE, XLSX, readUpload, type MonitoringApp } from './monitoring.http.ts';
import { eventsTemplateXlsx } from './templates.ts';
import {
  ClassifierBuildSchema,
  ClassifyBody,
  ClassifyResponse,
  ConversionsPage,
  ConversionsQuery,
  CreateEventBody,
  CreditEventSchema,
  EventIdParams,
  EventsPage,
  EventsQuery,
  ImportEventsResponse,
  OverrideBody,
  PeriodQuery,
  PublicEventsPage,
  PublicEventsQuery,
  PublishBody,
  ReviewQuery,
  ReviewQueuePage,
  StatsResponse,
  TaxonomyResponse,
} from './monitoring.schemas.ts';
import { defaultTaxonomy } from './taxonomy.ts';
import * as svc from './events.service.ts';

/** Registers the routes of this area on the monitoring plugin's instance. */
export function eventRoutes(app: MonitoringApp): void {
  const { db, config } = app.ctx;

  app.post(
    '/api/monitoring/events',
    { schema: { tags: [TAG], summary: '新增信用事件（入库时自动分类）', body: CreateEventBody, response: { 200: CreditEventSchema } } },
    async (req) => {
      const user = await requireUser(req, WRITE);
      return svc.createEvent(db, config, user, req.body, auditCtx(req));
    },
  );

  app.get(
    '/api/monitoring/events/template.xlsx',
    { schema: { tags: [TAG], summary: '信用事件导入模板（中文表头、示例行和填写说明）', response: { 200: Type.String({ format: 'binary' }) } } },
    async (req, reply) => {
      await requireUser(req, WRITE);
      return download(reply, await eventsTemplateXlsx(), XLSX, '信用事件导入模板.xlsx', 'events-template.xlsx');
    },
  );

  app.post(
    '/api/monitoring/events/import',
    {
      schema: {
        tags: [TAG],
        summary: '导入信用事件（CSV 或 XLSX；列 标题、日期、来源、链接、摘要、性质、主体、子领域，也接受英文列名）',
        ...UPLOAD,
        response: { 200: ImportEventsResponse },
      },
    },
    async (req) => {
      const user = await requireUser(req, WRITE);
      return svc.importEvents(db, config, user, await readUpload(req), auditCtx(req));
    },
  );

  // The console reads the event domains from here, not from the server's file (the web reaches the server
  // only over HTTP).
  app.get(
    '/api/monitoring/taxonomy',
    { schema: { tags: [TAG], summary: '信用事件领域与子领域', response: { 200: TaxonomyResponse } } },
    async (req) => {
      await requireUser(req, READ);
      const t = defaultTaxonomy();
      return { version: t.version, domains: t.domains.map((d) => ({ name: d.name, subdomains: d.subdomains.map((x) => x.name) })) };
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
}
