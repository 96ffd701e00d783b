// Monitoring index routes (指标与推演): indicator trees and custom weights, official score imports,
// comparison, effect rules, what-if and the monthly trend. Registered by monitoring.routes.ts inside
// its plugin (which owns the multipart parser). Thin: validate, authorise, call one service function.
import { Type } from '@fastify/type-provider-typebox';
import { auditCtx, requireUser } from '../../platform/http.ts';
import { download, READ, TAG, UPLOAD, WRITE, XLSX, readUpload, type MonitoringApp } from './monitoring.http.ts';
import { scoresTemplateXlsx } from './templates.ts';
import {
  CompareQuery,
  CompareResponse,
  EffectRulesQuery,
  EffectRulesResponse,
  ScoresImportQuery,
  ScoresImportResponse,
  TreeIdParams,
  TreeSchema,
  TrendQuery,
  TrendResponse,
  WeightsBody,
  WhatIfBody,
  WhatIfResponse,
} from './monitoring.schemas.ts';
import * as svc from './index.service.ts';

/** Registers the routes of this area on the monitoring plugin's instance. */
export function indexRoutes(app: MonitoringApp): void {
  const { db, config } = app.ctx;

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

  app.get(
    '/api/monitoring/scores/template.xlsx',
    { schema: { tags: [TAG], summary: '监测得分导入模板（中文表头、示例行和指标清单）', response: { 200: Type.String({ format: 'binary' }) } } },
    async (req, reply) => {
      await requireUser(req, WRITE);
      return download(reply, await scoresTemplateXlsx(), XLSX, '监测得分导入模板.xlsx', 'scores-template.xlsx');
    },
  );

  app.post(
    '/api/monitoring/scores/import',
    {
      schema: {
        tags: [TAG],
        summary: '导入官方月度监测得分（CSV 或 XLSX，列 月份、城市、指标、得分，也接受 month,city,indicator,score；同月同城市的已有得分被替换）',
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
}
