// TypeBox request/response schemas for the console's auth, department, user, API-key and audit routes.
import { Type, type Static } from '@sinclair/typebox';

export const RoleSchema = Type.Union([
  Type.Literal('admin'),
  Type.Literal('reporter'),
  Type.Literal('reviewer'),
  Type.Literal('district_admin'),
  Type.Literal('auditor'),
]);

export const SessionUserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  departmentId: Type.Union([Type.Integer(), Type.Null()]),
  departmentName: Type.Union([Type.String(), Type.Null()]),
  mustChangePassword: Type.Boolean({ description: '使用一次性密码登录，须先修改密码' }),
});

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100 }),
  password: Type.String({ minLength: 1, maxLength: 200 }),
});

export const MeResponse = Type.Object({ user: SessionUserSchema, csrfToken: Type.String() });

export const DepartmentSchema = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  shortName: Type.String(),
  kind: Type.Union([Type.Literal('office'), Type.Literal('city_unit'), Type.Literal('district'), Type.Literal('soe')]),
  parentId: Type.Union([Type.Integer(), Type.Null()]),
  regionCode: Type.Union([Type.String(), Type.Null()]),
  uscc: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  /** 报送需审核: batches wait for the department's 审核员 before they are written (issue 17 §3). */
  reviewRequired: Type.Boolean(),
});

export const DepartmentPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })),
    shortName: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    uscc: Type.Optional(Type.Union([Type.String({ minLength: 18, maxLength: 40 }), Type.Null()])),
    active: Type.Optional(Type.Boolean()),
    reviewRequired: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CreateDepartmentBody = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{1,19}$', description: '部门编码（字母开头，字母、数字或下划线）' }),
    name: Type.String({ minLength: 2, maxLength: 100 }),
    shortName: Type.String({ minLength: 1, maxLength: 50 }),
    kind: Type.Union([Type.Literal('city_unit'), Type.Literal('district'), Type.Literal('soe')]),
    parentId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    regionCode: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{6}$' }), Type.Null()])),
    uscc: Type.Optional(Type.Union([Type.String({ minLength: 18, maxLength: 40 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const UserSchema = Type.Composite([
  SessionUserSchema,
  Type.Object({ active: Type.Boolean(), departmentActive: Type.Union([Type.Boolean(), Type.Null()]), createdAt: Type.String() }),
]);

export const UserPatchBody = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    departmentId: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 1 })])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ResetPasswordBody = Type.Object({
  password: Type.String({ minLength: 1, maxLength: 200, description: '一次性密码：用户登录后须立即修改' }),
});

export const ChangePasswordBody = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
  newPassword: Type.String({ minLength: 1, maxLength: 200 }),
});

export const CreateUserBody = Type.Object({
  username: Type.String({ minLength: 3, maxLength: 40 }),
  displayName: Type.String({ minLength: 1, maxLength: 60 }),
  role: RoleSchema,
  // Null first: with coerceTypes, Ajv would otherwise turn null into 0 through the integer branch.
  departmentId: Type.Union([Type.Null(), Type.Integer({ minimum: 1 })]),
  password: Type.String({ minLength: 1, maxLength: 200 }),
});
export type CreateUserBody = Static<typeof CreateUserBody>;

export const ApiKeySchema = Type.Object({
  id: Type.Integer(),
  appKey: Type.String(),
  name: Type.String(),
  departmentId: Type.Integer(),
  departmentName: Type.String(),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});

export const CreateApiKeyBody = Type.Object({
  departmentId: Type.Integer(),
  name: Type.String({ minLength: 1, maxLength: 100 }),
});

export const AuditQuery = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 100 })),
  departmentId: Type.Optional(Type.Integer({ minimum: 1, description: '操作人所属部门' })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  outcome: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('denied'), Type.Literal('failed')])),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});

export const AuditEntrySchema = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actorUsername: Type.Union([Type.String(), Type.Null()]),
  actorRole: Type.Union([Type.String(), Type.Null()]),
  actorDepartmentId: Type.Union([Type.Integer(), Type.Null()]),
  actorAppKey: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  detail: Type.Unknown(),
  ip: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  actionLabel: Type.String({ description: '操作的中文名称' }),
  actorDepartmentName: Type.Union([Type.String(), Type.Null()]),
  targetLabel: Type.Union([Type.String(), Type.Null()], { description: '对象的名称（用户姓名与登录名、部门名称、批次号等）' }),
  fields: Type.Array(Type.Object({ label: Type.String(), value: Type.String() }), { description: '详情（已脱敏的字段列表）' }),
});

export const AuditActionsResponse = Type.Object({ items: Type.Array(Type.Object({ action: Type.String(), label: Type.String() })) });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** POST /api/apikeys: the new key, with its secret shown this once. */
export const CreatedApiKeySchema = Type.Object({ id: Type.Integer(), appKey: Type.String(), secret: Type.String() });

// Static types of the answers above, imported type-only by the web console (src/web/api) instead of copies.
export type CreatedApiKey = Static<typeof CreatedApiKeySchema>;
export type Role = Static<typeof RoleSchema>;
export type SessionUser = Static<typeof SessionUserSchema>;
export type MeResponse = Static<typeof MeResponse>;
export type Department = Static<typeof DepartmentSchema>;
export type CreateDepartmentBody = Static<typeof CreateDepartmentBody>;
export type DepartmentPatchBody = Static<typeof DepartmentPatchBody>;
export type User = Static<typeof UserSchema>;
export type UserPatchBody = Static<typeof UserPatchBody>;
export type ApiKey = Static<typeof ApiKeySchema>;
export type AuditQuery = Static<typeof AuditQuery>;
export type AuditEntry = Static<typeof AuditEntrySchema>;
