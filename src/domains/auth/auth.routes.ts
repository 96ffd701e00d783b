// Console routes: sign-in, departments, users, API keys, audit log; and a signed ping for department systems.
// Thin: validate, authorise, call one service function, shape the answer.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { sendFile } from '../../platform/download.ts';
import { notFound } from '../../platform/errors.ts';
import { auditCtx, requireApiCaller, requireSignedIn, requireUser, SESSION_COOKIE, setSessionCookie } from '../../platform/http.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './apikeys.service.ts';
import { auditActionOptions, auditPage, auditXlsx } from './audit.service.ts';
import {
  ApiKeySchema,
  AuditActionsResponse,
  AuditEntrySchema,
  ChangePasswordBody,
  AuditQuery,
  CreateApiKeyBody,
  CreateDepartmentBody,
  CreatedApiKeySchema,
  CreateUserBody,
  DepartmentPatchBody,
  DepartmentSchema,
  IdParams,
  LoginBody,
  MeResponse,
  ResetPasswordBody,
  UserPatchBody,
  UserSchema,
} from './auth.schemas.ts';
import { assertDepartmentAccess, createUser, getDepartment, listDepartments, listUsers, login, logout, updateDepartment } from './auth.service.ts';
import { changeOwnPassword, changeUser, resetPassword, setUserActive } from './users.service.ts';
import { createDepartment } from './departments.create.ts';

/** Registers the console's auth-related routes. */
export default async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, config } = app.ctx;

  app.post('/api/auth/login', { schema: { tags: ['认证'], summary: '登录', body: LoginBody, response: { 200: MeResponse } } }, async (req, reply) => {
    const r = await login(
      db,
      config,
      { username: req.body.username, password: req.body.password, ip: req.ip, userAgent: req.headers['user-agent'] ?? null },
      auditCtx(req),
    );
    setSessionCookie(req, reply, r.token, r.expiresAt);
    return { user: r.user, csrfToken: r.csrfToken };
  });

  app.get('/api/auth/me', { schema: { tags: ['认证'], summary: '当前用户', response: { 200: MeResponse } } }, async (req) => {
    const user = await requireSignedIn(req);
    return { user, csrfToken: req.sessionCsrf! };
  });

  app.post(
    '/api/auth/password',
    { schema: { tags: ['认证'], summary: '修改本人密码（一次性密码登录后必须先修改）', body: ChangePasswordBody, response: { 200: MeResponse } } },
    async (req) => {
      const user = await requireSignedIn(req);
      const raw = req.unsignCookie(req.cookies[SESSION_COOKIE] ?? '');
      await changeOwnPassword(db, user, { ...req.body, sessionToken: raw.value ?? '' }, auditCtx(req));
      return { user: { ...user, mustChangePassword: false }, csrfToken: req.sessionCsrf! };
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['认证'], summary: '退出登录' } }, async (req, reply) => {
    await requireSignedIn(req);
    const raw = req.unsignCookie(req.cookies[SESSION_COOKIE] ?? '');
    if (raw.valid && raw.value) await logout(db, raw.value, auditCtx(req));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get(
    '/api/departments',
    { schema: { tags: ['部门'], summary: '部门列表（按权限范围）', response: { 200: Type.Object({ items: Type.Array(DepartmentSchema) }) } } },
    async (req) => {
      const user = await requireUser(req);
      return { items: await listDepartments(db, user) };
    },
  );

  app.get(
    '/api/departments/:id',
    { schema: { tags: ['部门'], summary: '部门详情', params: IdParams, response: { 200: DepartmentSchema } } },
    async (req) => {
      const user = await requireUser(req);
      await assertDepartmentAccess(db, user, req.params.id, auditCtx(req), 'departments.read');
      const d = await getDepartment(db, req.params.id);
      if (!d) throw notFound('department_not_found', '部门不存在');
      return d;
    },
  );

  app.post(
    '/api/departments',
    { schema: { tags: ['部门'], summary: '新增部门（信用办管理员）', body: CreateDepartmentBody, response: { 200: DepartmentSchema } } },
    async (req) => {
      await requireUser(req, ['admin']);
      return createDepartment(db, req.body, auditCtx(req));
    },
  );

  app.patch(
    '/api/departments/:id',
    { schema: { tags: ['部门'], summary: '修改部门信息（信用办管理员）', params: IdParams, body: DepartmentPatchBody, response: { 200: DepartmentSchema } } },
    async (req) => {
      await requireUser(req, ['admin']);
      return updateDepartment(db, req.params.id, req.body, auditCtx(req));
    },
  );

  app.get(
    '/api/users',
    {
      schema: {
        tags: ['用户'],
        summary: '用户列表',
        querystring: Type.Object({ departmentId: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: { 200: Type.Object({ items: Type.Array(UserSchema) }) },
      },
    },
    async (req) => {
      const user = await requireUser(req);
      return { items: await listUsers(db, user, req.query.departmentId, auditCtx(req)) };
    },
  );

  app.post('/api/users', { schema: { tags: ['用户'], summary: '创建用户', body: CreateUserBody, response: { 200: UserSchema } } }, async (req) => {
    const user = await requireUser(req, ['admin', 'district_admin']);
    return createUser(db, user, req.body, auditCtx(req));
  });

  app.patch(
    '/api/users/:id',
    { schema: { tags: ['用户'], summary: '修改用户角色或所属部门', params: IdParams, body: UserPatchBody, response: { 200: UserSchema } } },
    async (req) => {
      const user = await requireUser(req, ['admin', 'district_admin']);
      return changeUser(db, user, req.params.id, req.body, auditCtx(req));
    },
  );

  app.post(
    '/api/users/:id/deactivate',
    { schema: { tags: ['用户'], summary: '停用用户（立即结束其所有会话）', params: IdParams, response: { 200: UserSchema } } },
    async (req) => {
      const user = await requireUser(req, ['admin', 'district_admin']);
      return setUserActive(db, user, req.params.id, false, auditCtx(req));
    },
  );

  app.post('/api/users/:id/activate', { schema: { tags: ['用户'], summary: '启用用户', params: IdParams, response: { 200: UserSchema } } }, async (req) => {
    const user = await requireUser(req, ['admin', 'district_admin']);
    return setUserActive(db, user, req.params.id, true, auditCtx(req));
  });

  app.post(
    '/api/users/:id/reset-password',
    { schema: { tags: ['用户'], summary: '重置密码为一次性密码（用户登录后须立即修改）', params: IdParams, body: ResetPasswordBody, response: { 200: UserSchema } } },
    async (req) => {
      const user = await requireUser(req, ['admin', 'district_admin']);
      return resetPassword(db, user, req.params.id, req.body.password, auditCtx(req));
    },
  );

  app.get(
    '/api/apikeys',
    { schema: { tags: ['API 密钥'], summary: 'API 密钥列表', response: { 200: Type.Object({ items: Type.Array(ApiKeySchema) }) } } },
    async (req) => {
      const user = await requireUser(req, ['admin', 'district_admin', 'auditor']);
      return { items: await listApiKeys(db, user) };
    },
  );

  app.post(
    '/api/apikeys',
    {
      schema: {
        tags: ['API 密钥'],
        summary: '创建 API 密钥（密钥只返回一次）',
        body: CreateApiKeyBody,
        response: { 200: CreatedApiKeySchema },
      },
    },
    async (req) => {
      const user = await requireUser(req, ['admin', 'district_admin']);
      return createApiKey(db, config, user, req.body, auditCtx(req));
    },
  );

  app.post('/api/apikeys/:id/revoke', { schema: { tags: ['API 密钥'], summary: '吊销 API 密钥', params: IdParams } }, async (req) => {
    const user = await requireUser(req, ['admin', 'district_admin']);
    await revokeApiKey(db, user, req.params.id, auditCtx(req));
    return { ok: true };
  });

  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['审计'],
        summary: '审计日志（倒序，游标分页）',
        querystring: AuditQuery,
        response: { 200: Type.Object({ items: Type.Array(AuditEntrySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (req) => {
      await requireUser(req, ['admin', 'auditor']);
      return auditPage(db, req.query, app.auditTargetNamers);
    },
  );

  app.get(
    '/api/audit/actions',
    { schema: { tags: ['审计'], summary: '审计日志的操作类型及中文名称（筛选用）', response: { 200: AuditActionsResponse } } },
    async (req) => {
      await requireUser(req, ['admin', 'auditor']);
      return { items: auditActionOptions() };
    },
  );

  app.get(
    '/api/audit.xlsx',
    {
      schema: {
        tags: ['审计'],
        summary: '导出审计日志（与列表相同的筛选条件，最多 10000 条，个人信息脱敏）',
        querystring: Type.Omit(AuditQuery, ['cursor', 'limit']),
        response: { 200: Type.String({ format: 'binary' }) },
      },
    },
    async (req, reply) => {
      await requireUser(req, ['admin', 'auditor']);
      const { body, truncated } = await auditXlsx(db, req.query, auditCtx(req), app.auditTargetNamers);
      if (truncated) reply.header('x-truncated', 'true');
      return sendFile(reply, body, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '审计日志.xlsx', 'audit-log.xlsx');
    },
  );

  // Department systems: a signed no-op to test keys and clocks (接口连通性测试).
  app.post(
    '/api/ext/ping',
    {
      schema: {
        tags: ['部门系统接口'],
        summary: '签名验证测试',
        description: '请求头 X-App-Key、X-Timestamp（Unix 秒）、X-Nonce、X-Sign = hex(HMAC-SHA256(secret, appKey\\ntimestamp\\nnonce\\nMETHOD\\npath?query\\nsha256hex(body)))',
        response: { 200: Type.Object({ ok: Type.Boolean(), departmentId: Type.Integer(), departmentName: Type.String(), serverTime: Type.String() }) },
      },
    },
    async (req) => {
      const caller = await requireApiCaller(req);
      return { ok: true, departmentId: caller.departmentId, departmentName: caller.departmentName, serverTime: new Date().toISOString() };
    },
  );
}
