// Enumerations shared by the built-in catalogue items. Values are stored as the code; any code,
// label or alias is accepted on input (catalog.model.ts lookupEnum).
import type { EnumValue } from '../catalog.schemas.ts';

/**
 * 行政相对人类别 (docs/domain/01-sgs.md §1.3, values [V]). The standard's numeric codes were not found, so these
 * codes are our own [M]; exchanges should send the label.
 */
export const SUBJECT_CATEGORY_ENUM: EnumValue[] = [
  {
    code: '1',
    label: '法人及非法人组织',
    aliases: ['法人和非法人组织', '法人及其他组织', '法人或其他组织', '法人和其他组织', '法人', '非法人组织', '单位', '企业'],
  },
  { code: '2', label: '自然人', aliases: ['个人', '公民'] },
  { code: '3', label: '个体工商户', aliases: ['个体户', '个体经营户', '个体'] },
];

/**
 * 证件类型: codes 01–05 [V] (dragdream/cc PermissionList, docs/domain/01-sgs.md §1.3); 99 "其他-xx" is ours.
 * 06 港澳台居民居住证 (《港澳台居民居住证申领发放办法》, 国办发〔2018〕81号: 18-digit numbers with address code
 * 810000/820000/830000) has no code in the national list we found, so 06 is our own [M]: send the label.
 */
export const ID_TYPE_ENUM: EnumValue[] = [
  { code: '01', label: '身份证', aliases: ['居民身份证', '身份证号', '居民身份证号', '二代身份证', '中华人民共和国居民身份证'] },
  { code: '02', label: '护照', aliases: ['护照号'] },
  { code: '03', label: '港澳居民来往内地通行证', aliases: ['港澳通行证', '回乡证'] },
  { code: '04', label: '台湾居民来往大陆通行证', aliases: ['台胞证'] },
  { code: '05', label: '外国人永久居留身份证', aliases: ['外国人永久居留证', '永久居留身份证'] },
  { code: '06', label: '港澳台居民居住证', aliases: ['港澳居民居住证', '台湾居民居住证', '香港居民居住证', '澳门居民居住证'] },
  { code: '99', label: '其他', prefixMatch: true, note: '填写“其他-证件名称”' },
];

/** 许可类别 (docs/domain/01-sgs.md §1.3 [V]; codes 01–06 from dragdream/cc). */
export const PERMIT_CATEGORY_ENUM: EnumValue[] = [
  { code: '01', label: '普通' },
  { code: '02', label: '特许' },
  { code: '03', label: '认可' },
  { code: '04', label: '核准' },
  { code: '05', label: '登记' },
  { code: '06', label: '其他', prefixMatch: true, note: '填写“其他-具体类别”' },
];

/**
 * 当前状态. v2 许可: 1=有效, 2=无效 [P]. 异议 (3) and 其他 (9) are kept from the v1 code table so a
 * legacy 异议/其他 status is not lost [M]. 无效/撤销 withdraw a record entirely (docs/domain/01-sgs.md §1.4 rule 7).
 * 4 注销/失效 is our own code [M] (issue 13): a licence cancelled or lapsed in the normal way is no longer
 * shown to the public but stays shared with government; before it existed, 注销 and 失效 were aliases of 2.
 */
export const RECORD_STATUS_ENUM: EnumValue[] = [
  { code: '1', label: '有效', aliases: ['正常'] },
  { code: '2', label: '无效', aliases: ['撤销', '已撤销', '撤回', '已撤回', '确认无效'] },
  { code: '3', label: '异议', note: '旧版状态，本地扩展' },
  { code: '4', label: '注销或失效', aliases: ['注销', '已注销', '失效', '已失效', '过期', '已过期', '届满失效'], note: '本地扩展：正常注销、失效，不再社会公开，仍供政务共享' },
  { code: '9', label: '其他', prefixMatch: true, note: '旧版状态，本地扩展' },
];

/** 处罚程序 (行政处罚法 arts. 51–52 简易程序, 54 ff. 普通程序): not in the v2 standard; a local field [M] (issue 13). */
export const PROCEDURE_ENUM: EnumValue[] = [
  { code: '1', label: '简易程序', aliases: ['简易', '当场处罚', '当场'] },
  { code: '2', label: '普通程序', aliases: ['普通', '一般程序', '听证程序', '听证'] },
];

/**
 * 处罚类别, one normalised list for BOTH lists of docs/domain/01-sgs.md §1.3: the 2021 行政处罚法 art. 9 list
 * (codes 01–13, severity = its order from lightest to heaviest, [V]) and the pre-2021 list,
 * whose two combined categories cannot be split and stay as their own codes (L2, L4), ranked with
 * their heaviest component. 其他 has severity 0 so it never outranks a named category.
 */
export const PENALTY_CATEGORY_ENUM: EnumValue[] = [
  { code: '01', label: '警告', severity: 1 },
  { code: '02', label: '通报批评', severity: 2 },
  { code: '03', label: '罚款', severity: 3 },
  { code: '04', label: '没收违法所得', severity: 4 },
  { code: '05', label: '没收非法财物', severity: 5 },
  { code: '06', label: '暂扣许可证件', aliases: ['暂扣许可证', '暂扣执照', '暂扣营业执照'], severity: 6 },
  { code: '07', label: '降低资质等级', severity: 7 },
  { code: '08', label: '吊销许可证件', aliases: ['吊销许可证', '吊销执照', '吊销营业执照'], severity: 8 },
  { code: '09', label: '限制开展生产经营活动', severity: 9 },
  { code: '10', label: '责令停产停业', severity: 10 },
  { code: '11', label: '责令关闭', severity: 11 },
  { code: '12', label: '限制从业', severity: 12 },
  { code: '13', label: '行政拘留', severity: 13 },
  { code: '99', label: '其他', prefixMatch: true, severity: 0, note: '填写“其他-具体处罚种类”' },
  {
    code: 'L2',
    label: '没收违法所得、没收非法财物',
    aliases: ['没收违法所得,没收非法财物'],
    severity: 5,
    note: '2021 年前的合并类别',
  },
  {
    code: 'L4',
    label: '暂扣或者吊销许可证、暂扣或者吊销执照',
    aliases: ['暂扣或者吊销许可证', '暂扣或者吊销执照', '暂扣或吊销许可证、暂扣或吊销执照', '暂扣或吊销许可证', '暂扣或吊销执照'],
    severity: 8,
    note: '2021 年前的合并类别',
  },
];

/** The v1 (2015/2016) 处罚类别1/2 code table (docs/domain/01-sgs.md §1.2) mapped onto PENALTY_CATEGORY_ENUM. */
export const V1_PENALTY_CATEGORY_MAP: Record<string, string> = {
  '0': '01',
  '1': '03',
  '2': 'L2',
  '3': '10',
  '4': 'L4',
  '5': '13',
  '6': '99',
};

/** The v1 当前状态 code table (0=正常 1=撤销 2=异议 3=其他, docs/domain/01-sgs.md §1.2) onto RECORD_STATUS_ENUM. */
export const V1_STATUS_MAP: Record<string, string> = { '0': '1', '1': '2', '2': '3', '3': '9' };

/** The v1 审批类别 code table (0=普通 … 5=其他) onto PERMIT_CATEGORY_ENUM. */
export const V1_PERMIT_CATEGORY_MAP: Record<string, string> = {
  '0': '01',
  '1': '02',
  '2': '03',
  '3': '04',
  '4': '05',
  '5': '06',
};

/** 名单状态 for red/black lists (docs/domain/02-catalogue.md §2.2: 在列 / 已移出 / 已修复 [M]). */
export const LIST_STATUS_ENUM: EnumValue[] = [
  { code: '1', label: '在列', aliases: ['有效', '列入'] },
  { code: '2', label: '已移出', aliases: ['移出', '已移除'] },
  { code: '3', label: '已修复', aliases: ['信用修复', '修复'] },
];
