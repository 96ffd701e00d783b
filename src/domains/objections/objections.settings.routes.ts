// The objection settings form (issue 15 §4): GET for the credit office (administrators and auditors), PUT for its
// administrators only, audited (objections.settings.ts saveObjectionSettings).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { auditCtx, requireUser } from '../../platform/http.ts';
import { ObjectionSettingsValues, ObjectionSettingsView, type ObjectionSettingsViewDto } from './objections.settings.schemas.ts';
import { DEFAULT_OBJECTION_SETTINGS, OBJECTION_LIMIT_CAPS, objectionSettings, saveObjectionSettings, type ObjectionSettings } from './objections.settings.ts';

// What the console shows beside each value: the real document, or 待信用办确认 where the rule is unverified
// (docs/domain/03-publicity.md §3.3, docs/domain/03-publicity.md §3.4); never our own file names (issue 17 §4).
const SOURCES = {
  departmentDays: '参照地方行政处罚公示规定：错误信息 5 个工作日内更正，撤销的决定 5 个工作日内撤下；全国时限待信用办确认（可配置）',
  precheckDays: '待信用办确认（可配置）：初审时限未见全国规定',
  materialDays: '待信用办确认（可配置）：申请人补充材料的期限未见全国规定（等待补充期间不计入工作人员超期）',
  whileOpen: '待信用办确认（可配置）：处理期间对信息作“异议标注”；默认继续公示并标注“异议处理中”，也可暂停公示。修改只对此后提出的异议生效',
  materials: '平台设定：PDF、JPG、PNG，按文件内容核验类型；上限不超过 10 个、每个 5 MB（门户一次提交的容量）',
};

function view(s: ObjectionSettings, admin: boolean): ObjectionSettingsViewDto {
  return { settings: s, defaults: DEFAULT_OBJECTION_SETTINGS, caps: { ...OBJECTION_LIMIT_CAPS }, sources: SOURCES, editable: admin };
}

/** GET/PUT /api/objections/settings. */
export default async function objectionSettingsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;
  app.get('/api/objections/settings', { schema: { tags: ['异议申诉'], summary: '异议申诉设置（时限、处理期间公示方式、材料限制）', response: { 200: ObjectionSettingsView } } }, async (req) => {
    const user = await requireUser(req, ['admin', 'auditor']);
    return view(await objectionSettings(db), user.role === 'admin');
  });
  app.put(
    '/api/objections/settings',
    { schema: { tags: ['异议申诉'], summary: '修改异议申诉设置（仅信用办管理员；留审计记录）', body: ObjectionSettingsValues, response: { 200: ObjectionSettingsView } } },
    async (req) => {
      await requireUser(req, ['admin']);
      return view(await saveObjectionSettings(db, req.body, auditCtx(req)), true);
    },
  );
}
