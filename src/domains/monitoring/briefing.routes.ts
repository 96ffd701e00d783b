// Briefing route (监测分析通报): the month's briefing as HTML, Word or PDF download. Registered by
// monitoring.routes.ts inside its plugin. Thin: validate, authorise, call one service function.
import { requireUser } from '../../platform/http.ts';
import { READ, TAG, download, type MonitoringApp } from './monitoring.http.ts';
import { BinaryResponse, ReportQuery } from './monitoring.schemas.ts';
import * as svc from './briefing.service.ts';

/** Registers the routes of this area on the monitoring plugin's instance. */
export function briefingRoutes(app: MonitoringApp): void {
  const { db, config } = app.ctx;

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
}
