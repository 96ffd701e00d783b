// Public face of the auth domain (departments, users, sessions, API keys, reporting authorities).
// Other domains import auth only from here (the dependency rule in eslint.config.js).
export { ROLES, departmentScope, assertDepartmentAccess, actorOf, resolveSession, type SessionUser, type DepartmentDto } from './auth.service.ts';
export { reportingAuthorities, type ReportingAuthorities } from './authorities.service.ts';
export { CREDIT_OFFICE_CODE, DEPARTMENT_SEEDS, demoDepartmentUscc } from './departments.data.ts';
export { departmentsByIds, memberDepartments } from './departments.ts';
export { departmentReviewRequired } from './departments.ts';
export { noticeRecipients } from './recipients.ts';
export { getUser } from './auth.service.ts';
export { createDepartment } from './departments.create.ts';
export { nonceClaimSql, type NonceClaimRow, type PendingNonce } from './apikeys.cache.ts';
export { nonceClaimsSql, type NonceClaimsRow } from './apikeys.cache.ts';
export { pendingNonceOf, settleNonceClaim } from './apikeys.service.ts';
export { authAuditTargets } from './audit.targets.ts';
export { createApiKey, revokeApiKey, signRequest, checkSignedHeaders, checkSignedBody } from './apikeys.service.ts';
export { updateDepartment } from './auth.service.ts';
