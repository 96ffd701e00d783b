// Calls of the publicity rules' settings (公示规则设置, issue 13): read by every console user, changed by the credit office.
import { request } from './http';
import type { PublicitySettingsChange, PublicitySettingsView } from './types';

/** The settings in force, each with its default and source. */
export function getPublicitySettings(): Promise<PublicitySettingsView> {
  return request<PublicitySettingsView>('GET', '/api/publicity/settings');
}

/** Saves changed settings (信用办管理员 only; audited; every record is re-decided by the next publicity job). */
export function savePublicitySettings(change: PublicitySettingsChange): Promise<PublicitySettingsView> {
  return request<PublicitySettingsView>('PUT', '/api/publicity/settings', { body: change });
}
