// Routes for a department's list of authorities it may report for (代报机关, issue 11 §1): read within one's
// department scope, changed by the credit office only. Thin: validate, authorise, call the service.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { auditCtx, requireUser } from '../../platform/http.ts';
import { assertDepartmentAccess } from './auth.service.ts';
import { IdParams } from './auth.schemas.ts';
import { AddAuthorityBody, AuthorityListSchema, AuthorityParams, AuthoritySchema } from './authorities.schemas.ts';
import { addAuthority, listAuthorities, removeAuthority } from './authorities.service.ts';

/** Registers the 代报机关 routes under /api/departments/:id/authorities. */
export default async function authoritiesRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;

  app.get(
    '/api/departments/:id/authorities',
    { schema: { tags: ['部门'], summary: '部门可代报的机关（本部门统一社会信用代码之外）', params: IdParams, response: { 200: AuthorityListSchema } } },
    async (req) => {
      const user = await requireUser(req);
      await assertDepartmentAccess(db, user, req.params.id, auditCtx(req), 'departments.authorities.read');
      return listAuthorities(db, req.params.id);
    },
  );

  app.post(
    '/api/departments/:id/authorities',
    { schema: { tags: ['部门'], summary: '添加可代报的机关（信用办管理员）', params: IdParams, body: AddAuthorityBody, response: { 201: AuthoritySchema } } },
    async (req, reply) => {
      const user = await requireUser(req, ['admin']);
      return reply.status(201).send(await addAuthority(db, req.params.id, req.body, user.id, auditCtx(req)));
    },
  );

  app.delete(
    '/api/departments/:id/authorities/:uscc',
    { schema: { tags: ['部门'], summary: '移除可代报的机关（信用办管理员）', params: AuthorityParams, response: { 200: Type.Object({ ok: Type.Boolean() }) } } },
    async (req) => {
      await requireUser(req, ['admin']);
      await removeAuthority(db, req.params.id, req.params.uscc, auditCtx(req));
      return { ok: true };
    },
  );
}
