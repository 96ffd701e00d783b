// Commitment routes: the portal's 信用承诺公示 (collected commitments through publicity's read model, online
// 主动型 ones from here) and the online commitment; the console's fulfilment marking, breaches and figures.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { auditCtx, requireUser } from '../../platform/http.ts';
import { PublicRecordPageSchema, publicRecordPage, publicRecords } from '../publicity/index.ts';
import { BreachList, CommitmentStatsAnswer, FulfilmentBody, PublicCommitment, TextAnswer, TextQuery, VoluntaryBody, VoluntaryPage } from './commitments.schemas.ts';
import { breaches, commitmentStats, makeVoluntaryCommitment, markFulfilment, voluntaryCommitments, voluntaryPreview } from './commitments.service.ts';

function perMinute(max: number, what: string) {
  return {
    rateLimit: {
      max,
      timeWindow: '1 minute',
      errorResponseBuilder: (_req: FastifyRequest, ctx: { ttl: number }) => {
        const seconds = Math.max(1, Math.ceil(ctx.ttl / 1000));
        return new AppError('rate_limited', `${what}过于频繁：每分钟最多 ${max} 次，请 ${seconds} 秒后再试`, 429, { limitPerMinute: max, retryAfterSeconds: seconds });
      },
    },
  };
}
const Cursor = Type.Optional(Type.String({ maxLength: 40 }));
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 100 }));

/** Registers the commitment routes (portal and console). */
export default async function commitmentsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;
  const secret = app.ctx.config.secret;
  const policy = { personName: app.ctx.config.publicPersonName };

  app.get(
    '/api/public/commitments',
    { config: perMinute(120, '查询'), schema: { tags: ['公开'], summary: '信用承诺公示：部门归集的信用承诺', querystring: Type.Object({ cursor: Cursor, limit: Limit }), response: { 200: PublicRecordPageSchema } } },
    async (req) => publicRecordPage(db, publicRecords(db).where('r.record_type', '=', 'commitment'), { cursor: req.query.cursor, limit: req.query.limit ?? 20, policy }),
  );

  app.get(
    '/api/public/commitments/voluntary',
    {
      config: perMinute(120, '查询'),
      schema: { tags: ['公开'], summary: '信用承诺公示：主体在线作出的主动型承诺', querystring: Type.Object({ subjectId: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })), cursor: Cursor, limit: Limit }), response: { 200: VoluntaryPage } },
    },
    async (req) => voluntaryCommitments(db, req.query),
  );

  app.get(
    '/api/public/commitments/text',
    { config: perMinute(30, '生成承诺书'), schema: { tags: ['公开'], summary: '主动型信用承诺书（供确认）', querystring: TextQuery, response: { 200: TextAnswer } } },
    async (req) => ({ text: await voluntaryPreview(db, req.query.subjectId, req.query.matter) }),
  );

  app.post(
    '/api/public/commitments',
    { config: perMinute(10, '作出信用承诺'), schema: { tags: ['公开'], summary: '在线作出主动型信用承诺', body: VoluntaryBody, response: { 200: PublicCommitment } } },
    async (req) => makeVoluntaryCommitment(db, secret, req.body, auditCtx(req)),
  );

  app.post(
    '/api/commitments/fulfilments',
    { schema: { tags: ['信用承诺'], summary: '标记信用承诺履约或违诺（附依据）', body: FulfilmentBody, response: { 200: Type.Object({ id: Type.String() }) } } },
    async (req) => {
      const user = await requireUser(req, ['admin', 'reporter', 'reviewer']);
      return markFulfilment(db, user, req.body, auditCtx(req));
    },
  );

  app.get('/api/commitments/breaches', { schema: { tags: ['信用承诺'], summary: '违诺的信用承诺（信用办：全部；部门：本部门）', response: { 200: BreachList } } }, async (req) => {
    const user = await requireUser(req, ['admin', 'auditor', 'reporter', 'reviewer', 'district_admin']);
    return { items: await breaches(db, user) };
  });

  app.get(
    '/api/commitments/stats',
    { schema: { tags: ['信用承诺'], summary: '信用承诺统计：作出、履约、违诺', querystring: Type.Object({ from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }) }), response: { 200: CommitmentStatsAnswer } } },
    async (req) => {
      await requireUser(req, ['admin', 'auditor']);
      return commitmentStats(db, req.query);
    },
  );
}
