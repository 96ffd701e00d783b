// Who may create or change which role (账号与角色). Nobody grants more than they hold: the credit office's
// admin manages every role; a district admin manages only clerks (填报员, 审核员) of its own district;
// everyone else manages nobody. The same table is in docs/OPERATIONS.md ("## 账号与角色").
import type { Role } from '../../db/types.ts';

/** Where an actor's grants apply: every department, or its own district (the department and its units). */
export type GrantScope = 'city' | 'district' | 'none';

/** The roles each role may create, and whose accounts it may change, deactivate, reactivate or reset. */
export const GRANTS: Record<Role, { roles: readonly Role[]; scope: GrantScope }> = {
  admin: { roles: ['admin', 'auditor', 'district_admin', 'reviewer', 'reporter'], scope: 'city' },
  district_admin: { roles: ['reviewer', 'reporter'], scope: 'district' },
  reviewer: { roles: [], scope: 'none' },
  reporter: { roles: [], scope: 'none' },
  auditor: { roles: [], scope: 'none' },
};

/** The account actions the grants govern; each is audited as `users.<action>`. */
export const USER_ACTIONS = ['create', 'set_role', 'set_department', 'deactivate', 'activate', 'reset_password'] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

/** True when an actor with this role may give (or manage an account holding) that role. */
export function mayGrant(actor: Role, role: Role): boolean {
  return GRANTS[actor].roles.includes(role);
}

/** Roles that must belong to a department (the database checks it too). */
export function needsDepartment(role: Role): boolean {
  return role !== 'admin' && role !== 'auditor';
}
