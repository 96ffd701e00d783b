// Public routes of the credit report (公共信用信息报告): issue a PDF, verify by number and code, verify an
// uploaded PDF. Thin: validate, call one service function, shape the answer. All three are rate-limited
// per client; uploads are size-limited and a cut-off upload is refused (413), never verified.
import { contentDisposition } from '../../platform/download.ts';
import fastifyMultipart from '@fastify/multipart';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { auditCtx } from '../../platform/http.ts';
import { ReportError } from './errors.ts';
import { warmUpReportRenderer } from './reports.render.ts';
import { ErrorResponse, IssueBody, PdfResponse, VerifyQuery, VerifyResponse } from './reports.schemas.ts';
import { issueReport, verifyByCode, verifyByPdf, type ReportSettings } from './reports.service.ts';

/** Requests per client and minute. Issuing renders a PDF and takes a number, so it is the tightest. */
export const REPORT_RATE_LIMITS = { issue: 10, verify: 30, verifyUpload: 10 } as const;
/** Largest PDF accepted for verification; issued reports are a few hundred KB. */
export const MAX_VERIFY_UPLOAD_BYTES = 10 * 1024 * 1024;

const perMinute = (max: number) => ({ rateLimit: { max, timeWindow: '1 minute' } });

/** Registers the credit-report routes (with multipart uploads, encapsulated in this plugin). */
export default async function reportRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, config } = app.ctx;
  const settings: ReportSettings = { secret: config.secret, cityName: config.cityName, cityRegionCode: config.cityRegionCode, siteTitle: config.siteTitle };
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_VERIFY_UPLOAD_BYTES, files: 1, fields: 5 } });
  // Reads the fonts once at start-up rather than in the first visitor's request.
  app.addHook('onReady', async () => warmUpReportRenderer());

  app.post(
    '/api/public/reports',
    {
      config: perMinute(REPORT_RATE_LIMITS.issue),
      schema: {
        tags: ['公开'],
        summary: '出具公共信用信息报告（PDF，法人及非法人组织、个体工商户）',
        description: '仅含出具时依法向社会公开的信息；自然人报告须本人实名申请，此处不出具（404）。',
        body: IssueBody,
        produces: ['application/pdf'],
        response: { 200: PdfResponse, 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      // Only the configured origin: the Host header is the client's, and a genuine PDF must not point elsewhere.
      const r = await issueReport(db, settings, req.body.subjectId, { baseUrl: config.publicBaseUrl, audit: auditCtx(req) });
      return reply
        .type('application/pdf')
        .header('content-disposition', contentDisposition(r.filename, `${r.number}.pdf`))
        .header('x-report-number', r.number)
        .header('x-verification-code', r.verificationCode)
        .header('cache-control', 'no-store')
        .send(r.pdf);
    },
  );

  app.get(
    '/api/public/reports/verify',
    {
      config: perMinute(REPORT_RATE_LIMITS.verify),
      schema: { tags: ['公开'], summary: '按报告编号和校验码核验报告', querystring: VerifyQuery, response: { 200: VerifyResponse } },
    },
    async (req) => verifyByCode(db, settings, req.query.no, req.query.code),
  );

  app.post(
    '/api/public/reports/verify',
    {
      config: perMinute(REPORT_RATE_LIMITS.verifyUpload),
      schema: {
        tags: ['公开'],
        summary: '上传报告 PDF 核验（与出具时的文件逐字节一致方为通过）',
        consumes: ['multipart/form-data'],
        response: { 200: VerifyResponse, 413: ErrorResponse },
      },
    },
    async (req) => {
      if (!req.isMultipart()) throw new ReportError('multipart_required', '请以 multipart/form-data 方式上传报告 PDF 文件', 415);
      const file = await req.file({ throwFileSizeLimit: false });
      if (!file) throw new ReportError('file_required', '请选择要核验的报告 PDF 文件', 400);
      const chunks: Buffer[] = [];
      for await (const chunk of file.file) chunks.push(chunk as Buffer);
      // @fastify/multipart cuts an oversized file silently: refuse it rather than verify a part.
      if (file.file.truncated) {
        throw new ReportError('file_too_large', `文件超过 ${MAX_VERIFY_UPLOAD_BYTES / 1024 / 1024} MB，不是本平台出具的报告`, 413);
      }
      return verifyByPdf(db, settings, Buffer.concat(chunks));
    },
  );
}
