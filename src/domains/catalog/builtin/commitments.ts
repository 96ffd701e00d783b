// 信用承诺 as a catalogue item (docs/domain/02-catalogue.md §2.2, issue 15 §3): the departments collect the
// commitments they receive (告知承诺制 and the other kinds) by file, signed API or form through ingest, like
// any other item. Built on the generic template (the subject, 文书号 = the commitment's number, 日期, 受理机构
// and its code), with the kind and the matter added; records have type 'commitment' (the portal's 信用承诺 tab).
import type { CatalogItem, DataItem, EnumValue } from '../catalog.schemas.ts';
import { makeGenericItem } from './generic.ts';

/** docs/domain/02-catalogue.md §2.2 [V]: 审批替代, 容缺受理, 行业自律, 信用修复, 主动; codes are ours [M]. */
export const COMMITMENT_KIND_ENUM: EnumValue[] = [
  { code: '1', label: '审批替代型', aliases: ['告知承诺制', '审批替代型（告知承诺制）', '审批替代'] },
  { code: '2', label: '容缺受理型', aliases: ['容缺受理'] },
  { code: '3', label: '行业自律型', aliases: ['行业自律'] },
  { code: '4', label: '信用修复型', aliases: ['信用修复'] },
  { code: '5', label: '主动型', aliases: ['主动承诺', '主动'] },
];

const RENAMED: Record<string, Partial<DataItem>> = {
  QT_NR: { name: '承诺内容', aliases: ['内容', '承诺事项内容'] },
  QT_WSH: { name: '承诺书编号', aliases: ['文书号', '承诺编号'] },
  QT_RQ: { name: '承诺日期', aliases: ['日期', '作出承诺日期'] },
  QT_JG: { name: '受理部门', aliases: ['机构', '受理机关'] },
  QT_JGDM: { name: '受理部门统一社会信用代码', aliases: ['机构统一社会信用代码', '受理机关统一社会信用代码'] },
};

const KIND: DataItem = { code: 'CN_LX', name: '承诺类型', type: 'enum', required: 'always', enum: COMMITMENT_KIND_ENUM, masked: false, visibility: '社会公开' };
const MATTER: DataItem = { code: 'CN_SX', name: '承诺事项', aliases: ['事项名称', '办理事项'], type: 'string', required: 'always', maxLength: 500, masked: false, visibility: '社会公开' };

function commitmentItem(): CatalogItem {
  const base = makeGenericItem({ id: 'credit_commitment_v1', name: '信用承诺', infoClass: '诚实守信', recordType: 'commitment' });
  const items = base.items.map((f) => ({ ...f, ...(RENAMED[f.code] ?? {}) }));
  const at = items.findIndex((f) => f.code === 'QT_NR');
  items.splice(at, 0, KIND, MATTER);
  return { ...base, items, versionNote: '信用承诺（通用模板加承诺类型、承诺事项）', source: 'docs/domain/02-catalogue.md §2.2 credit commitments', status: 'active' };
}

/** The built-in 信用承诺 item, active. */
export const CREDIT_COMMITMENT_V1: CatalogItem = commitmentItem();
