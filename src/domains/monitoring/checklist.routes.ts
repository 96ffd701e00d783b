// Institution checklist routes (信用制度清单): view, change an item, import and export the .xlsx; and
// the portal's list of municipal documents. Registered by monitoring.routes.ts inside its plugin
// (which owns the multipart parser). Thin: validate, authorise, call one service function.
import { auditCtx, requireUser } from '../../platform/http.ts';
import { READ, TAG, UPLOAD, WRITE, XLSX, download, readUpload, type MonitoringApp } from './monitoring.http.ts';
import {
  BinaryResponse,
  ChecklistIdParams,
  ChecklistImportResponse,
  ChecklistItemSchema,
  ChecklistPatchBody,
  ChecklistResponse,
  PoliciesResponse,
} from './monitoring.schemas.ts';
import * as svc from './checklist.service.ts';

/** Registers the routes of this area on the monitoring plugin's instance. */
export function checklistRoutes(app: MonitoringApp): void {
  const { db } = app.ctx;

  app.get(
    '/api/monitoring/checklist',
    { schema: { tags: [TAG], summary: '信用制度清单及完善程度', response: { 200: ChecklistResponse } } },
    async (req) => {
      await requireUser(req, READ);
      return svc.checklistView(db);
    },
  );

  app.patch(
    '/api/monitoring/checklist/:id',
    {
      schema: { tags: [TAG], summary: '更新制度状态及文件（名称、文号、日期、链接）', params: ChecklistIdParams, body: ChecklistPatchBody, response: { 200: ChecklistItemSchema } },
    },
    async (req) => {
      const user = await requireUser(req, WRITE);
      return svc.patchChecklistItem(db, user, req.params.id, req.body, auditCtx(req));
    },
  );

  app.post(
    '/api/monitoring/checklist/import',
    { schema: { tags: [TAG], summary: '导入信用制度清单（XLSX，校验通过后整体替换）', ...UPLOAD, response: { 200: ChecklistImportResponse } } },
    async (req) => {
      const user = await requireUser(req, WRITE);
      return svc.importChecklist(db, user, await readUpload(req), auditCtx(req));
    },
  );

  app.get(
    '/api/monitoring/checklist/export.xlsx',
    { schema: { tags: [TAG], summary: '导出信用制度清单（XLSX，亦为导入模板）', produces: [XLSX], response: { 200: BinaryResponse } } },
    async (req, reply) => {
      await requireUser(req, READ);
      return download(reply, await svc.exportChecklist(db), XLSX, '信用制度清单.xlsx', 'checklist.xlsx');
    },
  );

  app.get(
    '/api/public/policies',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: { tags: ['公开'], summary: '本市已出台的信用制度文件（信用制度栏目）', response: { 200: PoliciesResponse } },
    },
    async () => ({ items: await svc.publicPolicies(db) }),
  );
}
