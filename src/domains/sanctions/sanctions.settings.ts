// The feedback deadline (反馈时限) the credit office sets (issue 15 §4): working days a department has to feed back
// on a check with hits (docs/domain/04-joint-measures.md §4.2), default 10 [M]; read by the to-dos, the overview
// and the reminder job through feedback.service.ts feedbackDays.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import { auditCtx, requireUser } from '../../platform/http.ts';
import { putSetting } from '../../platform/settings.ts';
import { DEFAULT_FEEDBACK_DAYS, FEEDBACK_DAYS_KEY, feedbackDays } from './feedback.service.ts';
import { FeedbackSettingsValues, FeedbackSettingsView } from './sanctions.settings.schemas.ts';

const SOURCE = '待信用办确认（可配置）：联合奖惩要求核查后反馈措施实施情况，反馈时限未见全国规定，默认 10 个工作日（按节假日和调休计算）';

/** Stores the feedback deadline (1–60 working days), audited with before and after. */
export async function saveFeedbackDays(db: Db, days: number, ctx: AuditContext): Promise<number> {
  if (!Number.isInteger(days) || days < 1 || days > 60) throw new AppError('workflow_settings_invalid', '反馈时限须为 1–60 个工作日', 400, { problems: ['反馈时限须为 1–60 个工作日'] });
  return db.transaction().execute(async (trx) => {
    const before = await feedbackDays(trx);
    await putSetting(trx, FEEDBACK_DAYS_KEY, days);
    await audit(trx, ctx, { action: 'sanctions.settings', target: `setting:${FEEDBACK_DAYS_KEY}`, detail: { before, after: days } });
    return days;
  });
}

const view = (days: number, admin: boolean) => ({ settings: { feedbackWorkingDays: days }, defaults: { feedbackWorkingDays: DEFAULT_FEEDBACK_DAYS }, source: SOURCE, editable: admin });

/** GET/PUT /api/sanctions/settings: the credit office reads, its administrators change. */
export default async function sanctionsSettingsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;
  app.get('/api/sanctions/settings', { schema: { tags: ['联合奖惩'], summary: '联合奖惩反馈时限（工作日）', response: { 200: FeedbackSettingsView } } }, async (req) => {
    const user = await requireUser(req, ['admin', 'auditor']);
    return view(await feedbackDays(db), user.role === 'admin');
  });
  app.put(
    '/api/sanctions/settings',
    { schema: { tags: ['联合奖惩'], summary: '修改联合奖惩反馈时限（仅信用办管理员；留审计记录）', body: FeedbackSettingsValues, response: { 200: FeedbackSettingsView } } },
    async (req) => {
      await requireUser(req, ['admin']);
      return view(await saveFeedbackDays(db, req.body.feedbackWorkingDays, auditCtx(req)), true);
    },
  );
}
