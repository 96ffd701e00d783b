// Reading collected records (归集记录) for the console: the list within the user's department scope, and one
// record with every version. Versions are stored with personal fields masked; only the credit office may ask
// for the originals, which are decrypted here and audited (privacy rule).
import type { Db } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { decrypt } from '../../platform/crypto.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import { departmentScope, type SessionUser } from '../auth/index.ts';
import { getRecord, listRecords, type RecordDto, type RecordWarning, type VersionDto } from './ingest.repository.ts';

/** A record with its versions as the console shows them (no sealed originals). */
export interface RecordDetail {
  record: RecordDto;
  versions: Array<Omit<VersionDto, 'piiEnc'>>;
}

/** Records newest first within the user's scope, filtered by department, item, a 文号 or name fragment and a warning. */
export async function recordsInScope(
  db: Db,
  user: SessionUser,
  q: { departmentId?: number; item?: string; q?: string; cursor?: string; warning?: RecordWarning },
): Promise<{ items: RecordDto[]; nextCursor: string | null }> {
  return listRecords(db, await departmentScope(db, user), q);
}

/**
 * One record and all its versions, if the user may see it (404, 403 other department, audited); `unmask`
 * (credit office only, else 403) puts the decrypted personal fields back into each version, audited.
 */
export async function recordDetail(db: Db, secret: string, user: SessionUser, id: string, unmask: boolean, ctx: AuditContext): Promise<RecordDetail> {
  const rec = await getRecord(db, id);
  if (!rec) throw notFound('record_not_found', '记录不存在');
  const scope = await departmentScope(db, user);
  if (scope !== null && !scope.includes(rec.record.departmentId)) {
    await audit(db, ctx, { action: 'ingest.record.read', target: `record:${id}`, outcome: 'denied', detail: { reason: 'other_department' } });
    throw forbidden('department_forbidden', '无权查看其他部门的记录');
  }
  if (unmask && user.role !== 'admin') {
    await audit(db, ctx, { action: 'personal_data.read', target: `record:${id}`, outcome: 'denied' });
    throw forbidden('unmask_forbidden', '只有信用办管理员可以查看未脱敏的个人信息');
  }
  if (unmask) {
    // Every staff read of unmasked personal data is audited (privacy rule).
    await audit(db, ctx, { action: 'personal_data.read', target: `record:${id}`, detail: { versions: rec.versions.filter((v) => v.piiEnc).map((v) => v.version) } });
  }
  return {
    record: rec.record,
    versions: rec.versions.map(({ piiEnc, ...v }) => ({
      ...v,
      content: unmask && piiEnc ? { ...v.content, ...(JSON.parse(decrypt(secret, piiEnc, 'pii')) as Record<string, string>) } : v.content,
    })),
  };
}
