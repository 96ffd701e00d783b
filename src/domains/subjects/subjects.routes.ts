// Public subject API (no session): search by name, code or pinyin initials, and one subject's basic page.
// Thin: validate, call one service function, shape the answer. Both routes are rate-limited per client.
// The search columns are completed by the subject-search job (subjects.jobs.ts), which the app's job runner
// starts with the app and stops on close.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {} from '@fastify/rate-limit';
import { AppError, notFound } from '../../platform/errors.ts';
import { getPublicSubject, searchSubjects } from './subjects.service.ts';
import { PublicSubjectSchema, SearchQuerystring, SearchResponse, SubjectParams } from './subjects.schemas.ts';

/** Public searches per client and minute unless the config sets searchRateLimitPerMinute. */
export const SEARCH_RATE_LIMIT_PER_MINUTE = 60;

/** A 429 that says in Chinese how long to wait (Retry-After carries the same). */
function rateLimit(max: number, what: string) {
  return {
    max,
    timeWindow: '1 minute',
    errorResponseBuilder: (_req: FastifyRequest, ctx: { ttl: number }) => {
      const seconds = Math.max(1, Math.ceil(ctx.ttl / 1000));
      return new AppError('rate_limited', `${what}过于频繁：每分钟最多 ${max} 次，请 ${seconds} 秒后再试`, 429, { limitPerMinute: max, retryAfterSeconds: seconds });
    },
  };
}

/** Registers GET /api/public/search and GET /api/public/subjects/:id. */
export default async function subjectsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, pool } = app.ctx;
  const perMinute = (app.ctx.config as { searchRateLimitPerMinute?: number }).searchRateLimitPerMinute ?? SEARCH_RATE_LIMIT_PER_MINUTE;

  app.get(
    '/api/public/search',
    {
      config: { rateLimit: rateLimit(perMinute, '查询') },
      schema: {
        tags: ['主体查询'],
        summary: '信用主体查询：名称片段（至少 2 个字，支持繁体、全角）、统一社会信用代码、组织机构代码、注册号或拼音首字母',
        querystring: SearchQuerystring,
        response: { 200: SearchResponse },
      },
    },
    async (req) => searchSubjects(db, req.query.q ?? '', req.query.cursor || null, pool),
  );

  app.get(
    '/api/public/subjects/:id',
    {
      // Pages are cheap, but a client walking every id is harvesting; twice the search allowance.
      config: { rateLimit: rateLimit(perMinute * 2, '访问') },
      schema: { tags: ['主体查询'], summary: '信用主体基础信息', params: SubjectParams, response: { 200: PublicSubjectSchema } },
    },
    async (req) => {
      const s = await getPublicSubject(db, req.params.id, pool, app.ctx.config.publicPersonName);
      if (!s) throw notFound('subject_not_found', '未找到该信用主体');
      return s;
    },
  );
}
