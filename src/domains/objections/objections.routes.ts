// Objection routes: the portal's filing, progress look-up and material supplement (no account; rate-limited,
// 查询码 + subject code together), and the console's queue, detail, 初审 and the department's decision.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendFile } from '../../platform/download.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { auditCtx, requireUser } from '../../platform/http.ts';
import { createNotifier } from '../../platform/notifier.ts';
import { recordsForObjection } from '../ingest/index.ts';
import { subjectBasics } from '../subjects/index.ts';
import {
  DecideBody,
  FileBody,
  FiledAnswer,
  LookupBody,
  ObjectionStatsAnswer,
  PledgeAnswer,
  PledgeQuery,
  PrecheckBody,
  PublicObjection,
  QueueAnswer,
  QueueQuery,
  StaffObjection,
  SupplementBody,
} from './objections.schemas.ts';
import { addMaterial, decideObjection, evidenceFile, fileObjection, lookupObjection, precheck, staffObjection, staffObjections } from './objections.service.ts';
import { beijingDay } from './objections.settings.ts';
import { objectionStats } from './objections.stats.ts';
import { pledgeText } from './pledge.ts';

/** A 429 that says in Chinese how long to wait. */
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

const STAFF = ['admin', 'auditor', 'reporter', 'reviewer', 'district_admin'] as const;
const Params = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,19}$' }) });
const Ok = Type.Object({ ok: Type.Literal(true) });
// The largest evidence the settings allow (OBJECTION_LIMIT_CAPS: ten files of 5 MB) as base64 in JSON, with room
// for the text fields; the settings in force are checked per file by the service.
const FILING_BODY_LIMIT = 72 * 1024 * 1024;

/** Registers the objection routes (portal and console). */
export default async function objectionsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;
  const secret = app.ctx.config.secret;
  // Notices are logged; an SMS or mail gateway is an outside sender the shell may add (platform/notifier.ts).
  const env = () => ({ secret, notifier: createNotifier() });

  app.get(
    '/api/public/objections/pledge',
    { config: perMinute(30, '获取承诺书'), schema: { tags: ['公开'], summary: '异议申诉信用承诺书（按所选公示信息生成）', querystring: PledgeQuery, response: { 200: PledgeAnswer } } },
    async (req) => {
      const [r] = await recordsForObjection(db, [req.query.recordId]);
      // Only for a record the public may see: nothing about other records leaks.
      if (!r || r.audience !== 'public' || !r.subject_id) throw notFound('record_not_found', '未找到该公示信息');
      const s = await subjectBasics(db, r.subject_id);
      const subjectName = s && s.kind !== 'natural_person' ? s.name : null;
      return { text: pledgeText({ subjectName, applicantName: '（申请人）', day: beijingDay(new Date()) }), subjectName, docNo: r.doc_no };
    },
  );

  app.post(
    '/api/public/objections',
    { bodyLimit: FILING_BODY_LIMIT, config: perMinute(10, '提交异议申诉'), schema: { tags: ['公开'], summary: '提交异议申诉（返回查询码，仅显示一次）', body: FileBody, response: { 200: FiledAnswer } } },
    async (req) => fileObjection(db, env(), req.body, auditCtx(req)),
  );

  app.post(
    '/api/public/objections/lookup',
    { config: perMinute(10, '查询异议申诉'), schema: { tags: ['公开'], summary: '凭查询码和主体代码查询异议申诉进度与结果', body: LookupBody, response: { 200: PublicObjection } } },
    async (req) => lookupObjection(db, secret, req.body.queryCode, req.body.subjectCode, auditCtx(req)),
  );

  app.post(
    '/api/public/objections/material',
    { bodyLimit: FILING_BODY_LIMIT, config: perMinute(10, '补充材料'), schema: { tags: ['公开'], summary: '凭查询码补充证明材料', body: SupplementBody, response: { 200: PublicObjection } } },
    async (req) => addMaterial(db, env(), req.body, auditCtx(req)),
  );

  app.get(
    '/api/objections',
    { schema: { tags: ['异议申诉'], summary: '异议申诉队列（信用办：全部；部门：本部门；超期在前）', querystring: QueueQuery, response: { 200: QueueAnswer } } },
    async (req) => {
      const user = await requireUser(req, [...STAFF]);
      return { items: await staffObjections(db, user, { status: req.query.status }) };
    },
  );

  app.get(
    '/api/objections/stats',
    {
      schema: {
        tags: ['异议申诉'],
        summary: '异议申诉统计：按事由、结果，办理用时（工作日）',
        querystring: Type.Object({ from: Type.Optional(Type.String({ format: 'date' })), to: Type.Optional(Type.String({ format: 'date' })) }),
        response: { 200: ObjectionStatsAnswer },
      },
    },
    async (req) => {
      await requireUser(req, ['admin', 'auditor']);
      return objectionStats(db, req.query);
    },
  );

  app.get('/api/objections/:id', { schema: { tags: ['异议申诉'], summary: '一条异议申诉', params: Params, response: { 200: StaffObjection } } }, async (req) => {
    const user = await requireUser(req, [...STAFF]);
    return staffObjection(db, user, req.params.id);
  });

  app.get(
    '/api/objections/:id/files/:fileId',
    { schema: { tags: ['异议申诉'], summary: '下载证明材料', params: Type.Object({ id: Params.properties.id, fileId: Params.properties.id }) } },
    async (req, reply) => {
      const user = await requireUser(req, [...STAFF]);
      const f = await evidenceFile(db, user, req.params.id, req.params.fileId, auditCtx(req));
      return sendFile(reply, f.content, f.mime, f.name, `evidence-${req.params.fileId}`);
    },
  );

  app.post('/api/objections/:id/precheck', { schema: { tags: ['异议申诉'], summary: '初审：要求补充材料，或转认定部门核实', params: Params, body: PrecheckBody, response: { 200: Ok } } }, async (req) => {
    const user = await requireUser(req, ['admin']);
    await precheck(db, env(), user, req.params.id, req.body, auditCtx(req));
    return { ok: true as const };
  });

  app.post('/api/objections/:id/decide', { schema: { tags: ['异议申诉'], summary: '认定部门核实办结：更正、撤销或不予更正', params: Params, body: DecideBody, response: { 200: Ok } } }, async (req) => {
    const user = await requireUser(req, ['reporter', 'reviewer']);
    await decideObjection(db, env(), user, req.params.id, req.body, auditCtx(req));
    return { ok: true as const };
  });
}
