// What the monitoring route files share: the roles that read and write, the OpenAPI tag, the one
// multipart upload reader and the download reply. The plugin in monitoring.routes.ts registers the
// multipart parser these uploads rely on.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Role } from '../../db/types.ts';
import { AppError } from '../../platform/errors.ts';
import type { Upload } from './upload.ts';

/** The plugin's Fastify instance with TypeBox typing, as each area's routes receive it. */
export type MonitoringApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export const READ: Role[] = ['admin', 'auditor', 'district_admin'];
export const WRITE: Role[] = ['admin'];

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const TAG = '城市信用监测';
export const UPLOAD = { consumes: ['multipart/form-data'], description: '以 multipart/form-data 上传一个文件（字段名任意），不超过 20 MB' };
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Reads the one uploaded file; a file cut off at the size limit is refused (multipart only flags it). */
export async function readUpload(req: FastifyRequest): Promise<Upload> {
  if (!req.isMultipart()) throw new AppError('multipart_required', '请以 multipart/form-data 方式上传文件', 415);
  const file = await req.file({ throwFileSizeLimit: false });
  if (!file) throw new AppError('file_missing', '请选择要上传的文件', 400);
  const chunks: Buffer[] = [];
  for await (const chunk of file.file) chunks.push(chunk as Buffer);
  if (file.file.truncated) {
    throw new AppError('file_too_large', `上传文件超过 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB 上限，请拆分后重新上传`, 413);
  }
  return { filename: file.filename, buffer: Buffer.concat(chunks) };
}

// File answers use the platform's one attachment header (platform/download.ts).
export { contentDisposition, sendFile as download } from '../../platform/download.ts';
