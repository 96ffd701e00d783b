// Who may write which record (issue 11 §1). Two rules, both per row and both reasons of their own in the
// receipt (回执) and the error file:
// - the authority a row names (处罚机关/许可机关 USCC, and 数据来源单位 USCC where the item has it) must be the
//   uploading department's own USCC or one it may report for (代报机关, auth/authorities.service.ts);
//   checked here, in Node, as each row is validated;
// - a row whose record key already belongs to another department's record is refused; checked in the merge
//   (merge.ts mergeChunk) with the same index probe that finds the stored records.
// The credit office may correct any record with a reason (更正原因): its correction batches skip both rules,
// and a corrected record keeps its owning department.
import type { CatalogItem } from '../catalog/index.ts';
import type { ReportingAuthorities } from '../auth/index.ts';
import type { RowIssueOut } from './validate.ts';

/** Row codes of the ownership rules, beside validate.ts ROW_CODES (all errors). */
export const OWNERSHIP_CODES = ['authority_not_allowed', 'source_not_allowed', 'department_uscc_missing', 'record_owned_by_other_department'] as const;
export type OwnershipCode = (typeof OWNERSHIP_CODES)[number];

/**
 * Compiles the authority rule for one batch: returns the row's issues (empty when every authority field it
 * fills is allowed). Fields left empty are the validator's business (required_missing).
 */
export function authorityRule(
  item: CatalogItem,
  auth: ReportingAuthorities,
  hint = false,
): (values: Readonly<Record<string, string | number | null>>) => RowIssueOut[] {
  const fields = item.items.filter((f) => f.role === 'authority_uscc' || f.role === 'source_uscc');
  const none = auth.allowed.size === 0;
  return (values) => {
    let issues: RowIssueOut[] | null = null;
    for (const f of fields) {
      const v = values[f.code];
      if (typeof v !== 'string' || v === '' || auth.allowed.has(v)) continue;
      (issues ??= []).push(
        none
          ? {
              field: f.code,
              header: f.name,
              code: 'department_uscc_missing',
              message: `本部门（${auth.departmentName}）尚未设置统一社会信用代码，无法核对${f.name}“${v}”；请联系信用办在“部门管理”中设置本部门的统一社会信用代码或可代报的机关`,
            }
          : {
              field: f.code,
              header: f.name,
              code: f.role === 'authority_uscc' ? 'authority_not_allowed' : 'source_not_allowed',
              message: `${f.name}“${v}”不是本部门或本部门可代报的机关；${hint ? CORRECTION_HINT : '如需代报，请联系信用办在“部门管理”中添加可代报的机关'}`,
            },
      );
    }
    return issues ?? [];
  };
}

/** What the credit office is told when its own row is refused: a correction needs a reason. */
const CORRECTION_HINT = '信用办如需更正，请填写更正原因后重新提交';

/** The issue of a row whose record belongs to another department; `hint` adds how the credit office corrects it. */
export function ownedByOtherIssue(ownerName: string, hint: boolean): RowIssueOut {
  return {
    field: '',
    header: '',
    code: 'record_owned_by_other_department',
    message: `该记录由${ownerName}报送，本部门无权修改${hint ? `；${CORRECTION_HINT}` : ''}`,
  };
}
