// 资源目录 routes: list items with their fields, template downloads, local items and their review.
import { contentDisposition } from '../../platform/download.ts';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { auditCtx, requireUser } from '../../platform/http.ts';
import { describeRequired } from './catalog.model.ts';
import { findActiveItem, getVersion, listAllVersions } from './catalog.repository.ts';
import { CatalogItemViewSchema as ItemSchema, CatalogVersionDetailSchema, type CatalogItem } from './catalog.schemas.ts';
import { STATUS_LABEL, createDraft, transition } from './catalog.service.ts';
import { discardDraft, updateDraft, versionDetail } from './catalog.drafts.ts';
import { buildTemplateCsv, buildTemplateXlsx } from './templates.ts';

function toDto(item: CatalogItem, status: string, builtin: boolean, draftedByMe?: boolean) {
  return {
    ...(draftedByMe === undefined ? {} : { draftedByMe }),
    id: item.id,
    name: item.name,
    version: item.version,
    status,
    recordType: item.recordType,
    infoClass: item.infoClass,
    subjectCategories: [...item.subjectCategories],
    builtin,
    // Every field, so that stored content can always be labelled; `inTemplate: false` marks local
    // extensions accepted on upload but not offered in templates or the online form.
    fields: item.items.map((f) => ({
        code: f.code,
        name: f.name,
        type: f.type,
        required: describeRequired(item, f),
        maxLength: f.maxLength ?? null,
        enum: f.enum ? f.enum.map((e) => ({ code: e.code, label: e.label })) : null,
        masked: f.masked,
        visibility: f.visibility,
        longTermAllowed: f.longTermAllowed === true,
        inTemplate: f.inTemplate !== false,
        role: f.role ?? null,
      })),
  };
}

/** Registers the catalogue routes. */
export default async function catalogRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;

  app.get(
    '/api/catalog',
    {
      schema: {
        tags: ['资源目录'],
        summary: '目录项及数据项（默认只列启用版本；管理员 all=true 列出全部版本）',
        querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Object({ items: Type.Array(ItemSchema) }) },
      },
    },
    async (req) => {
      const user = await requireUser(req);
      if (req.query.all && (user.role === 'admin' || user.role === 'auditor')) {
        return { items: (await listAllVersions(db)).map((v) => toDto(v.item, v.status, v.builtin, v.createdBy === user.id)) };
      }
      const versions = (await listAllVersions(db)).filter((v) => v.status === 'active');
      return { items: versions.map((v) => toDto(v.item, v.status, v.builtin)) };
    },
  );

  const ItemParam = Type.Object({ id: Type.String({ maxLength: 64 }) });
  for (const ext of ['xlsx', 'csv'] as const) {
    app.get(`/api/catalog/:id/template.${ext}`, { schema: { tags: ['资源目录'], summary: `下载填报模板（.${ext}）`, params: ItemParam } }, async (req, reply) => {
      await requireUser(req);
      const item = await findActiveItem(db, (req.params as { id: string }).id);
      if (!item) throw new AppError('catalog_not_found', '目录项不存在', 404);
      const body = ext === 'xlsx' ? await buildTemplateXlsx(item) : buildTemplateCsv(item);
      const name = `${item.name}-v${item.version}-填报模板.${ext}`;
      return reply
        .type(ext === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8')
        .header('content-disposition', contentDisposition(name, `${item.id}.${ext}`))
        .send(body);
    });
  }

  app.post(
    '/api/catalog',
    { schema: { tags: ['资源目录'], summary: '新增本地目录项（或新版本）草稿', body: Type.Object({}, { additionalProperties: true }), response: { 201: ItemSchema } } },
    async (req, reply) => {
      const user = await requireUser(req, ['admin']);
      const item = await createDraft(db, user, req.body, auditCtx(req));
      return reply.status(201).send(toDto(item, 'draft', false));
    },
  );

  for (const action of ['submit', 'approve', 'reject'] as const) {
    app.post(
      `/api/catalog/:id/versions/:version/${action}`,
      {
        schema: {
          tags: ['资源目录'],
          summary: { submit: '提交审核', approve: '审核通过并启用', reject: '退回修改' }[action],
          params: Type.Object({ id: Type.String({ maxLength: 64 }), version: Type.Integer({ minimum: 1 }) }),
        },
      },
      async (req) => {
        const user = await requireUser(req, ['admin']);
        const p = req.params as { id: string; version: number };
        await transition(db, user, p.id, p.version, action, auditCtx(req));
        return { ok: true };
      },
    );
  }

  // The catalogue editor (issue 17 §4): one version in full, re-saving and discarding a draft, and the
  // template of any version (a draft's, to check it before review). Reading is for the credit office and the
  // auditor; every change is the credit office's.
  const VersionParams = Type.Object({ id: Type.String({ maxLength: 64 }), version: Type.Integer({ minimum: 1 }) });
  app.get(
    '/api/catalog/:id/versions/:version',
    { schema: { tags: ['资源目录'], summary: '目录项某一版本的完整定义与审核信息', params: VersionParams, response: { 200: CatalogVersionDetailSchema } } },
    async (req) => {
      const user = await requireUser(req, ['admin', 'auditor']);
      return versionDetail(db, user, req.params.id, req.params.version);
    },
  );

  app.put(
    '/api/catalog/:id/versions/:version',
    {
      schema: {
        tags: ['资源目录'],
        summary: '保存草稿（仅起草人，仅草稿状态）',
        params: VersionParams,
        body: Type.Object({}, { additionalProperties: true }),
        response: { 200: ItemSchema },
      },
    },
    async (req) => {
      const user = await requireUser(req, ['admin']);
      const item = await updateDraft(db, user, req.params.id, req.params.version, req.body, auditCtx(req));
      return toDto(item, 'draft', false, true);
    },
  );

  app.post(
    '/api/catalog/:id/versions/:version/discard',
    { schema: { tags: ['资源目录'], summary: '放弃草稿', params: VersionParams, response: { 200: Type.Object({ ok: Type.Boolean() }) } } },
    async (req) => {
      await requireUser(req, ['admin']);
      await discardDraft(db, req.params.id, req.params.version, auditCtx(req));
      return { ok: true };
    },
  );

  for (const ext of ['xlsx', 'csv'] as const) {
    app.get(
      `/api/catalog/:id/versions/:version/template.${ext}`,
      { schema: { tags: ['资源目录'], summary: `下载某一版本（含草稿）的填报模板（.${ext}）`, params: VersionParams } },
      async (req, reply) => {
        await requireUser(req, ['admin', 'auditor']);
        const p = req.params as { id: string; version: number };
        const v = await getVersion(db, p.id, p.version);
        if (!v || v.status === 'discarded') throw new AppError('catalog_not_found', '目录项版本不存在', 404);
        const body = ext === 'xlsx' ? await buildTemplateXlsx(v.item) : buildTemplateCsv(v.item);
        const suffix = v.status === 'active' ? '' : `（${STATUS_LABEL[v.status]}）`;
        const name = `${v.item.name}-v${v.item.version}${suffix}-填报模板.${ext}`;
        return reply
          .type(ext === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8')
          .header('content-disposition', contentDisposition(name, `${v.item.id}-v${v.item.version}.${ext}`))
          .send(body);
      },
    );
  }
}
