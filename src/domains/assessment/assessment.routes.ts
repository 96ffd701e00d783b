// Department scorecard routes (部门考核), for the credit office roles. The URLs stay under
// /api/monitoring/ where the console and scripts have always called them. Thin: validate, authorise,
// call the service.
import { sendFile } from '../../platform/download.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../db/types.ts';
import { requireUser } from '../../platform/http.ts';
import { BinaryResponse, ScorecardsQuery, ScorecardsResponse } from './assessment.schemas.ts';
import { scorecardsFor, scorecardsView, scorecardsXlsx } from './assessment.service.ts';
import { currentMonth } from './util.ts';

const READ: Role[] = ['admin', 'auditor', 'district_admin'];
// The console groups these with the other monitoring pages, so the OpenAPI tag stays the same.
const TAG = '城市信用监测';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';


/** Registers the scorecard routes. */
export default async function assessmentRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;

  app.get(
    '/api/monitoring/scorecards',
    { schema: { tags: [TAG], summary: '部门考核（按月：上报量、按时上报率、一次通过率、退回数据更正情况及用时；加权综合得分排名）', querystring: ScorecardsQuery, response: { 200: ScorecardsResponse } } },
    async (req) => {
      await requireUser(req, READ);
      return scorecardsView(await scorecardsFor(db, req.query.month ?? currentMonth()));
    },
  );

  app.get(
    '/api/monitoring/scorecards.xlsx',
    { schema: { tags: [TAG], summary: '导出部门考核（XLSX）', querystring: ScorecardsQuery, produces: [XLSX], response: { 200: BinaryResponse } } },
    async (req, reply) => {
      await requireUser(req, READ);
      const month = req.query.month ?? currentMonth();
      return sendFile(reply, await scorecardsXlsx(await scorecardsFor(db, month)), XLSX, `部门考核（${month}）.xlsx`, `scorecards-${month}.xlsx`);
    },
  );
}
