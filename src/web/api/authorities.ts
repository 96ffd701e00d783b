// A department's authorities it may report for (代报机关, issue 11 §1) and its own USCC.
import { request } from './http';
import type { Authority, AuthorityList } from '../../domains/auth/authorities.schemas.ts';

// The server's answer types (type-only import: erased from the bundle).
export type ReportableAuthority = Authority;
export type { AuthorityList };

/** The department's own USCC and the authorities it may report for. */
export function listAuthorities(departmentId: number): Promise<AuthorityList> {
  return request<AuthorityList>('GET', `/api/departments/${encodeURIComponent(String(departmentId))}/authorities`);
}

/** Add an authority the department may report for (credit office). */
export function addAuthority(departmentId: number, body: { uscc: string; name: string; note?: string | null }): Promise<ReportableAuthority> {
  return request<ReportableAuthority>('POST', `/api/departments/${encodeURIComponent(String(departmentId))}/authorities`, { body });
}

/** Remove an authority from the department's list (credit office). */
export function removeAuthority(departmentId: number, uscc: string): Promise<unknown> {
  return request<unknown>('DELETE', `/api/departments/${encodeURIComponent(String(departmentId))}/authorities/${encodeURIComponent(uscc)}`);
}

/** Set (or clear, with null) the department's own USCC (credit office). */
export function setDepartmentUscc(departmentId: number, uscc: string | null): Promise<unknown> {
  return request<unknown>('PATCH', `/api/departments/${encodeURIComponent(String(departmentId))}`, { body: { uscc } });
}
