// Credit-services statistics routes (信用服务统计, issue 15 §5): repair, objections and commitments of a period,
// as JSON and .xlsx, for the credit office. Registered by monitoring.routes.ts. Thin: validate, authorise, call.
import type { Role } from '../../db/types.ts';
import { requireUser } from '../../platform/http.ts';
import { CreditServicesQuery, CreditServicesStats } from './feeds.schemas.ts';
import { creditServicesStats, creditServicesXlsx } from './feeds.service.ts';
import { download, TAG, XLSX, type MonitoringApp } from './monitoring.http.ts';
import { Type } from '@fastify/type-provider-typebox';

/** The credit office: its administrators and auditors see every department's figures. */
const CREDIT_OFFICE: Role[] = ['admin', 'auditor'];

/** Registers the routes of this area on the monitoring plugin's instance. */
export function feedsRoutes(app: MonitoringApp): void {
  const { db } = app.ctx;

  app.get(
    '/api/stats/credit-services',
    { schema: { tags: [TAG], summary: '信用服务统计：信用修复（申请、准予、不予、平均工作日）、异议申诉（按类型、按结果、办理用时）、信用承诺（按类型作出、违诺）', querystring: CreditServicesQuery, response: { 200: CreditServicesStats } } },
    async (req) => {
      await requireUser(req, CREDIT_OFFICE);
      return creditServicesStats(db, req.query);
    },
  );

  app.get(
    '/api/stats/credit-services.xlsx',
    { schema: { tags: [TAG], summary: '导出信用服务统计（XLSX）', querystring: CreditServicesQuery, produces: [XLSX], response: { 200: Type.String({ format: 'binary' }) } } },
    async (req, reply) => {
      await requireUser(req, CREDIT_OFFICE);
      const { from, to } = req.query;
      return download(reply, await creditServicesXlsx(await creditServicesStats(db, req.query)), XLSX, `信用服务统计（${from}至${to}）.xlsx`, `credit-services-${from}-${to}.xlsx`);
    },
  );
}
