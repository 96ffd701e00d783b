// TypeBox schemas of the public codes API; the response schemas also keep the JSON shape fixed.
import { Type, type Static } from '@sinclair/typebox';

/** Largest batch POST /api/codes/check accepts (issue 3). */
export const MAX_BATCH = 10_000;

export const KindParam = Type.Union(
  [Type.Literal('auto'), Type.Literal('uscc'), Type.Literal('org'), Type.Literal('id'), Type.Literal('regno')],
  { description: '代码类型；auto 为自动识别', default: 'auto' },
);

export const ReasonSchema = Type.Object({
  code: Type.String({ description: '机器可读的原因代码，如 check_char_mismatch' }),
  message: Type.String({ description: '中文说明' }),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning'), Type.Literal('info')]),
});

export const CodeResultSchema = Type.Object({
  input: Type.String({ description: '原始输入（个人证件号码已脱敏）' }),
  normalized: Type.String({ description: '规范化后的代码（个人证件号码已脱敏）' }),
  kind: Type.Union(
    ['uscc', 'org', 'id', 'hmt_permit', 'foreign_permit', 'id15', 'regno', 'unknown'].map((k) => Type.Literal(k)),
  ),
  verdict: Type.Union([Type.Literal('valid'), Type.Literal('warning'), Type.Literal('invalid')]),
  reasons: Type.Array(ReasonSchema),
  parsed: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: '解析出的各组成部分' })),
});

export const CodeParams = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 256, description: '待校验的代码' }),
});

export const CodeQuery = Type.Object({ kind: Type.Optional(KindParam) });

export const BatchBody = Type.Object({
  // The 10,000 limit is checked in the handler so that the caller gets the Chinese message.
  codes: Type.Array(Type.String({ maxLength: 256 }), { description: `待校验的代码，最多 ${MAX_BATCH} 个` }),
  kind: Type.Optional(KindParam),
});

export const BatchResponse = Type.Object({
  summary: Type.Object({
    total: Type.Integer(),
    valid: Type.Integer(),
    warning: Type.Integer(),
    invalid: Type.Integer(),
  }),
  results: Type.Array(CodeResultSchema),
});

export type CodeResultDto = Static<typeof CodeResultSchema>;
