// Public code-checking API: GET /api/codes/{code} and POST /api/codes/check. Thin: validate, call
// the pure checkers, and mask personal ID numbers before they leave the server (docs/domain/03-publicity.md §3.5).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {} from '@fastify/rate-limit';
import { AppError } from '../../platform/errors.ts';
import { checkCode } from './check.ts';
import { maskIdNumber } from './idnumber.ts';
import type { CodeResult } from './types.ts';
import {
  BatchBody,
  BatchResponse,
  CodeParams,
  CodeQuery,
  CodeResultSchema,
  MAX_BATCH,
  type CodeResultDto,
} from './codes.schemas.ts';

const PERSON_KINDS = new Set(['id', 'id15', 'hmt_permit', 'foreign_permit']);
// Parsed parts that identify a person beyond what the verdict needs.
const PERSONAL_PARTS = ['birthDate', 'gender', 'id18'];
const rateLimit = { max: 120, timeWindow: '1 minute' };

/** Masks a person's number wherever a public answer would echo it; codes of organisations stay as they are. */
export function toPublic(r: CodeResult): CodeResultDto {
  if (!PERSON_KINDS.has(r.kind)) return r;
  const secrets = [r.normalized, r.input.trim(), r.parsed?.id18].filter(
    (s): s is string => typeof s === 'string' && s.length > 10,
  );
  const hide = (text: string) => secrets.reduce((t, s) => t.split(s).join(maskIdNumber(s)), text);
  const parsed = r.parsed ? { ...r.parsed } : undefined;
  if (parsed) for (const k of PERSONAL_PARTS) delete parsed[k];
  return {
    ...r,
    input: maskIdNumber(r.input),
    normalized: maskIdNumber(r.normalized),
    // Birth-date messages only appear for impossible dates, but the number itself must not.
    reasons: r.reasons.map((x) => ({ ...x, message: hide(x.message) })),
    ...(parsed ? { parsed } : {}),
  };
}

/** Registers the public, rate-limited code-checking routes. */
export default async function codesRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/codes/:code',
    {
      config: { rateLimit },
      schema: {
        tags: ['codes'],
        summary: '校验单个代码（统一社会信用代码、组织机构代码、身份证号码、工商注册号）',
        params: CodeParams,
        querystring: CodeQuery,
        response: { 200: CodeResultSchema },
      },
    },
    async (req) => toPublic(checkCode(req.params.code, req.query.kind ?? 'auto')),
  );

  r.post(
    '/api/codes/check',
    {
      config: { rateLimit },
      schema: {
        tags: ['codes'],
        summary: `批量校验代码（最多 ${MAX_BATCH} 个）`,
        body: BatchBody,
        response: { 200: BatchResponse },
      },
    },
    async (req) => {
      const { codes, kind = 'auto' } = req.body;
      if (codes.length > MAX_BATCH) {
        throw new AppError(
          'code_batch_too_large',
          `一次最多校验 ${MAX_BATCH} 个代码，本次提交了 ${codes.length} 个，请分批提交`,
          400,
          { max: MAX_BATCH, received: codes.length },
        );
      }
      const summary = { total: codes.length, valid: 0, warning: 0, invalid: 0 };
      const results = codes.map((c) => {
        const res = checkCode(c, kind);
        summary[res.verdict]++;
        return toPublic(res);
      });
      return { summary, results };
    },
  );
}
