// Routes of the lists domain (红黑名单): list types, the entry register and its lifecycle, the 告知书, statistics,
// and the public list pages. Thin: validate, authorise (role table in README.md), call one service.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../db/types.ts';
import { sendFile } from '../../platform/download.ts';
import { AppError } from '../../platform/errors.ts';
import { auditCtx, requireUser } from '../../platform/http.ts';
import { chinaToday, LIFECYCLE_ROLES, objectionWorkingDays, proposeEntry, transitionEntry } from './lifecycle.ts';
import {
  AmendListTypeBody,
  BinaryResponse,
  CodeParams,
  EntriesQuery,
  EntriesResponse,
  EntryDetail,
  EntryIdParams,
  ListStatsResponse,
  ListTypeHistoryResponse,
  ListTypesResponse,
  ListTypeView,
  ProposeBody,
  PublicListQuery,
  PublicListResponse,
  PublicSubjectEntries,
  PublicTypesResponse,
  StatsQuery,
  SubjectParams,
  SyncResponse,
  TransitionBody,
} from './lists.schemas.ts';
import { renderNoticePdf } from './notice.ts';
import { entryDetail, noticeFacts, publicList, publicSubjectEntries, publicTypes, searchEntries } from './query.ts';
import { listStatistics } from './stats.ts';
import { syncCollectedEntries } from './sync.ts';
import { amendListType, listTypeHistory, listTypes } from './types.service.ts';
import { Type } from '@sinclair/typebox';

const CONSOLE: Role[] = ['admin', 'reviewer', 'auditor', 'reporter', 'district_admin'];
// A district admin reads its district's entries (auth's departmentScope, as elsewhere in the console); it takes no
// step of the lifecycle (LIFECYCLE_ROLES) and sees no city-wide statistics.
const ENTRIES: Role[] = ['admin', 'reviewer', 'auditor', 'reporter', 'district_admin'];
const ACTORS: Role[] = [...new Set([...LIFECYCLE_ROLES.notify, ...LIFECYCLE_ROLES.review, ...LIFECYCLE_ROLES.list, ...LIFECYCLE_ROLES.remove])];
const STATS: Role[] = ['admin', 'reviewer', 'auditor'];
const TAG = '红黑名单';
const RATE = { rateLimit: { max: 120, timeWindow: '1 minute' } };

/** Registers the lists routes. */
export default async function listsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;
  const personName = app.ctx.config.publicPersonName;

  app.get('/api/lists/types', { schema: { tags: [TAG], summary: '名单类型（最新版本，含待确认事项）', response: { 200: ListTypesResponse } } }, async (req) => {
    await requireUser(req, CONSOLE);
    return { items: await listTypes(db) };
  });

  app.get('/api/lists/types/:code/versions', { schema: { tags: [TAG], summary: '名单类型的全部版本', params: CodeParams, response: { 200: ListTypeHistoryResponse } } }, async (req) => {
    await requireUser(req, CONSOLE);
    return { items: await listTypeHistory(db, req.params.code) };
  });

  app.put(
    '/api/lists/types/:code',
    { schema: { tags: [TAG], summary: '修订名单类型（新增一个版本；信用办管理员）', params: CodeParams, body: AmendListTypeBody, response: { 200: ListTypeView } } },
    async (req) => {
      const user = await requireUser(req, ['admin']);
      return amendListType(db, req.params.code, req.body, user.id, auditCtx(req));
    },
  );

  app.get('/api/lists/entries', { schema: { tags: [TAG], summary: '名单条目登记簿（筛选、分页）', querystring: EntriesQuery, response: { 200: EntriesResponse } } }, async (req) => {
    const user = await requireUser(req, ENTRIES);
    return searchEntries(db, user, req.query);
  });

  app.get('/api/lists/entries/:id', { schema: { tags: [TAG], summary: '名单条目（依据、流转记录、可执行的操作）', params: EntryIdParams, response: { 200: EntryDetail } } }, async (req) => {
    const user = await requireUser(req, ENTRIES);
    return entryDetail(db, user, req.params.id);
  });

  app.post(
    '/api/lists/entries',
    { schema: { tags: [TAG], summary: '拟列入（须有依据记录和认定标准条款）', body: ProposeBody, response: { 201: Type.Object({ id: Type.String() }) } } },
    async (req, reply) => {
      const user = await requireUser(req, LIFECYCLE_ROLES.propose);
      reply.code(201);
      return proposeEntry(db, user, req.body, app.ctx.config.secret, auditCtx(req));
    },
  );

  app.post(
    '/api/lists/entries/:id/transitions',
    {
      schema: {
        tags: [TAG],
        summary: '名单条目流转：告知、审核、不予列入、列入并公示、移出（乐观锁：须带所见的 lockVersion）',
        params: EntryIdParams,
        body: TransitionBody,
        response: { 200: Type.Object({ status: Type.String(), lockVersion: Type.Integer() }) },
      },
    },
    async (req) => {
      const user = await requireUser(req, ACTORS);
      return transitionEntry(db, user, req.params.id, req.body, auditCtx(req), app.ctx.config.secret);
    },
  );

  app.get(
    '/api/lists/entries/:id/notice.pdf',
    { schema: { tags: [TAG], summary: '下载告知书（PDF）', params: EntryIdParams, produces: ['application/pdf'], response: { 200: BinaryResponse } } },
    async (req, reply) => {
      const user = await requireUser(req, ENTRIES);
      const d = await noticeFacts(db, user, req.params.id);
      if (!d.notifiedOn) throw new AppError('list_transition_invalid', '该条目尚未告知，没有告知书', 409);
      const pdf = await renderNoticePdf(d, d.type, await objectionWorkingDays(db));
      return sendFile(reply, pdf, 'application/pdf', `告知书-${d.entry.id}.pdf`, `notice-${d.entry.id}.pdf`);
    },
  );

  app.get('/api/lists/stats', { schema: { tags: [TAG], summary: '名单统计：规模、新增、移出、修复、红名单占比', querystring: StatsQuery, response: { 200: ListStatsResponse } } }, async (req) => {
    await requireUser(req, STATS);
    const to = req.query.to ?? chinaToday();
    const from = req.query.from ?? `${to.slice(0, 4)}-01-01`;
    if (from > to) throw new AppError('validation_failed', '起始日期不能晚于截止日期', 400);
    return listStatistics(db, from, to);
  });

  app.post('/api/lists/sync', { schema: { tags: [TAG], summary: '立即登记已入库的红名单、黑名单记录（信用办管理员）', response: { 200: SyncResponse } } }, async (req) => {
    await requireUser(req, ['admin']);
    return syncCollectedEntries(db);
  });

  app.get('/api/public/list-types', { config: RATE, schema: { tags: ['公开'], summary: '红黑名单类型及在列条目数', response: { 200: PublicTypesResponse } } }, async () => ({
    items: await publicTypes(db, chinaToday()),
  }));

  app.get(
    '/api/public/list-types/:code',
    { config: RATE, schema: { tags: ['公开'], summary: '某一名单的列入或移出条目（依法可公开的字段）', params: CodeParams, querystring: PublicListQuery, response: { 200: PublicListResponse } } },
    async (req) => publicList(db, req.params.code, req.query.tab ?? 'listed', req.query.page ?? 1, req.query.pageSize ?? 20, personName, chinaToday()),
  );

  app.get(
    '/api/public/subjects/:id/list-entries',
    { config: RATE, schema: { tags: ['公开'], summary: '主体在列的红黑名单条目', params: SubjectParams, response: { 200: PublicSubjectEntries } } },
    async (req) => ({ items: await publicSubjectEntries(db, req.params.id, personName, chinaToday()) }),
  );
}
