// Schemas of the feedback deadline form (联合奖惩反馈时限, issue 15 §4).
import { Type, type Static } from '@sinclair/typebox';

export const FeedbackSettingsValues = Type.Object({ feedbackWorkingDays: Type.Integer() }, { additionalProperties: false });
export const FeedbackSettingsView = Type.Object({
  settings: FeedbackSettingsValues,
  defaults: FeedbackSettingsValues,
  source: Type.String(),
  editable: Type.Boolean(),
});
export type FeedbackSettingsViewDto = Static<typeof FeedbackSettingsView>;
