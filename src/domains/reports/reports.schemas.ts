// TypeBox schemas of the credit-report routes. The verification answer has one shape for every outcome,
// so a wrong code and an unknown number cannot be told apart.
import { Type } from '@sinclair/typebox';

export const IssueBody = Type.Object(
  { subjectId: Type.String({ pattern: '^[0-9]{1,19}$', description: '信用主体编号（法人及非法人组织、个体工商户）' }) },
  { additionalProperties: false },
);

export const VerifyQuery = Type.Object({
  no: Type.String({ minLength: 1, maxLength: 64, description: '报告编号，如 XYBG-630100-20261128-000123' }),
  code: Type.String({ minLength: 1, maxLength: 32, description: '校验码（8 位）' }),
});

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const VerifyResponse = Type.Object({
  genuine: Type.Boolean({ description: '是否为本平台出具且未经改动的报告' }),
  number: Nullable(Type.String()),
  subjectName: Nullable(Type.String()),
  issuedAt: Nullable(Type.String({ description: '出具时间（北京时间，ISO 8601）' })),
  changedSince: Type.Boolean({ description: '自出具以来该主体的公共信用信息是否发生变化' }),
  message: Type.String(),
});

/** The PDF bytes (a Buffer is sent as is, never serialised). */
export const PdfResponse = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'PDF 报告；响应头 x-report-number、x-verification-code' });

export const ErrorResponse = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
});

// Static type of the verification answer, imported type-only by the web portal (src/web/api) instead of a copy.
import type { Static } from '@sinclair/typebox';
export type VerifyResponse = Static<typeof VerifyResponse>;
