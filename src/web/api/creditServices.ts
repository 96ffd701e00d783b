// Calls of the credit-services statistics (信用服务统计: repair, objections, commitments). The answer type is the
// server's schema (import type only).
import { request } from './http';
import type { CreditServicesStats } from '../../domains/monitoring/feeds.schemas.ts';

export type { CreditServicesStats };

/** Repair, objection and commitment figures of a period (days, inclusive). */
export function fetchCreditServices(from: string, to: string): Promise<CreditServicesStats> {
  return request('GET', '/api/stats/credit-services', { query: { from, to } });
}

/** The statistics export link. */
export const creditServicesXlsxUrl = (from: string, to: string) => `/api/stats/credit-services.xlsx?from=${from}&to=${to}`;
