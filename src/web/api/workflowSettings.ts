// Calls of the repair, objection and feedback-deadline settings (issue 15 §4): read by the credit office (管理员,
// 审计员), saved by its administrators only (the server checks the role, validates and audits).
import { request } from './http';
import type { FeedbackSettingsView, ObjectionSettingsValues, ObjectionSettingsView, RepairSettingsValues, RepairSettingsView } from './types';

/** The repair settings in force, with defaults and sources. */
export function getRepairSettings(): Promise<RepairSettingsView> {
  return request<RepairSettingsView>('GET', '/api/repair/settings');
}

/** Saves the whole repair settings value. */
export function saveRepairSettings(values: RepairSettingsValues): Promise<RepairSettingsView> {
  return request<RepairSettingsView>('PUT', '/api/repair/settings', { body: values });
}

/** The objection settings in force, with defaults and sources. */
export function getObjectionSettings(): Promise<ObjectionSettingsView> {
  return request<ObjectionSettingsView>('GET', '/api/objections/settings');
}

/** Saves the whole objection settings value. */
export function saveObjectionSettings(values: ObjectionSettingsValues): Promise<ObjectionSettingsView> {
  return request<ObjectionSettingsView>('PUT', '/api/objections/settings', { body: values });
}

/** The feedback deadline (working days) after a check with hits. */
export function getFeedbackSettings(): Promise<FeedbackSettingsView> {
  return request<FeedbackSettingsView>('GET', '/api/sanctions/settings');
}

/** Saves the feedback deadline. */
export function saveFeedbackSettings(feedbackWorkingDays: number): Promise<FeedbackSettingsView> {
  return request<FeedbackSettingsView>('PUT', '/api/sanctions/settings', { body: { feedbackWorkingDays } });
}
