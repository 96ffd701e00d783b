// The repair settings form (issue 15 §4): GET for the credit office (administrators and auditors), PUT for its
// administrators only, audited. The virus-scan command is a server setting (REPAIR_SCAN_COMMAND): shown, not set.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { auditCtx, requireUser } from '../../platform/http.ts';
import { RepairSettingsValues, RepairSettingsView, type RepairSettingsViewDto } from './repair.settings.schemas.ts';
import { DEFAULT_REPAIR_SETTINGS, REPAIR_REGIMES, repairSettings, saveRepairSettings, type RepairSettings } from './repair.settings.ts';

// What the console shows beside each value: the real document, or 待信用办确认 where the rule is unverified
// (docs/domain/03-publicity.md §3.3, docs/domain/03-publicity.md §3.4); never our own file names (issue 17 §4).
const SOURCES = {
  deadlines: '国办发〔2025〕22号：信用中国受理后 10 个工作日内答复，认定部门收到后 3 个工作日内决定；各规则的时限待信用办确认（可配置）',
  repeatOffenderBar: '待信用办确认（可配置）：“屡禁不止、屡罚不改”者一定年限内不得申请，年限与次数未见规定，默认关闭',
  restructuringChannel: '国办发〔2025〕22号：经法院批准重整计划或和解协议的企业可申请修复，以法院裁定为材料',
  materials: '平台设定：PDF、JPG、PNG，按文件内容核验类型；一次提交合计不超过 200 MB',
  // The virus scan is the deployment's REPAIR_SCAN_COMMAND (config repairScanCommand; materials.ts): named in words.
  scan: '信用修复申请材料的病毒扫描由服务器部署配置设定，在此不能修改。配置后，每份材料保存前先经扫描程序检查，发现病毒或扫描未能完成的一律拒收；未配置时只按文件内容核验类型，不做病毒扫描。如需配置，请联系运维人员',
};

const REGIME_LABELS: Record<string, string> = { default: '默认（未单独设定的规则）', '2019': '2019 年规则', '2023': '2023 年规则（国家发展改革委令第 58 号）', '2026': '2026 年规则（《信用修复管理办法》，2026-04-01 起）' };

function view(s: RepairSettings, scanCommand: string | null, admin: boolean): RepairSettingsViewDto {
  return {
    settings: s,
    defaults: DEFAULT_REPAIR_SETTINGS,
    regimes: REPAIR_REGIMES.map((id) => ({ id, label: REGIME_LABELS[id] })),
    scan: { configured: scanCommand !== null, command: admin ? scanCommand : null },
    sources: SOURCES,
    editable: admin,
  };
}

/** GET/PUT /api/repair/settings. */
export default async function repairSettingsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, config } = app.ctx;
  app.get('/api/repair/settings', { schema: { tags: ['信用修复'], summary: '信用修复设置（时限、材料限制、屡禁不止限制、破产重整渠道）', response: { 200: RepairSettingsView } } }, async (req) => {
    const user = await requireUser(req, ['admin', 'auditor']);
    return view(await repairSettings(db), config.repairScanCommand, user.role === 'admin');
  });
  app.put(
    '/api/repair/settings',
    { schema: { tags: ['信用修复'], summary: '修改信用修复设置（仅信用办管理员；留审计记录）', body: RepairSettingsValues, response: { 200: RepairSettingsView } } },
    async (req) => {
      await requireUser(req, ['admin']);
      return view(await saveRepairSettings(db, req.body as RepairSettings, auditCtx(req)), config.repairScanCommand, true);
    },
  );
}
