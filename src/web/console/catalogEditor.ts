// The catalogue editor's model (资源目录编辑): Chinese labels for every choice the catalogue model knows,
// the form's shape of a definition and back, checks in Chinese before a save, and the template preview.
// The server's validateCatalogItem stays the authority; these checks only catch the common mistakes early
// and say them in words. Label tables are typed against the server's unions, so a new type, role or
// visibility fails typecheck here until it has a Chinese name.
import type { CatalogDataItem, CatalogDefinition } from '../api/types';

type FieldType = CatalogDataItem['type'];
type Visibility = CatalogDataItem['visibility'];
type FieldRole = NonNullable<CatalogDataItem['role']>;
type CodeKind = NonNullable<CatalogDataItem['codeKind']>;
type RecordType = CatalogDefinition['recordType'];
type SubjectCategory = CatalogDefinition['subjectCategories'][number];
type InfoClass = CatalogDefinition['infoClass'];
type Frequency = CatalogDefinition['exchangeFrequency'];

interface Option<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

/** 数据类型 (docs/domain/02-catalogue.md §2.1: 字符/日期/整数/浮点/枚举/集合). */
export const FIELD_TYPE_OPTIONS: readonly Option<FieldType>[] = [
  { value: 'string', label: '文本（字符型）', hint: '名称、文号、代码、内容等' },
  { value: 'date', label: '日期（日期型）', hint: '如 2026-12-07' },
  { value: 'integer', label: '整数（整数型）' },
  { value: 'decimal', label: '金额/数值（浮点型）', hint: '如罚款金额（万元）' },
  { value: 'enum', label: '代码表单选（枚举型）', hint: '从代码表中选一个' },
  { value: 'set', label: '代码表多选（集合型）', hint: '可选多个，如处罚类别' },
];

/** 公开范围 (docs/domain/02-catalogue.md §2.1). */
export const VISIBILITY_OPTIONS: readonly Option<Visibility>[] = [
  { value: '社会公开', label: '社会公开', hint: '在门户网站向社会公示' },
  { value: '政务共享', label: '政务共享', hint: '只在政府部门之间共享，不公开' },
  { value: '授权查询', label: '授权查询', hint: '经信息主体授权方可查询，不公开' },
];

/** What kind of record an item produces (the 双公示 kind and the lists). */
export const RECORD_TYPE_OPTIONS: readonly Option<RecordType>[] = [
  { value: 'permit', label: '行政许可（双公示）' },
  { value: 'penalty', label: '行政处罚（双公示）' },
  { value: 'red_list', label: '红名单' },
  { value: 'black_list', label: '黑名单（严重失信主体名单）' },
  { value: 'commitment', label: '信用承诺' },
  { value: 'other', label: '其他行政行为及信息' },
];

export const SUBJECT_CATEGORY_OPTIONS: readonly SubjectCategory[] = ['法人及非法人组织', '自然人', '个体工商户'];
export const INFO_CLASS_OPTIONS: readonly InfoClass[] = ['基本信息', '行政管理', '诚实守信', '严重失信', '其他'];
export const FREQUENCY_OPTIONS: readonly Frequency[] = ['实时', '每日', '每周', '每月', '每季度', '每年', '按需'];

/** What a field means to the collection engine (字段用途), in words. */
export const ROLE_LABELS: Record<FieldRole, string> = {
  subject_name: '信用主体名称',
  subject_category: '信用主体类别',
  subject_uscc: '统一社会信用代码',
  subject_regno: '工商注册号',
  subject_org_code: '组织机构代码',
  subject_tax_no: '税务登记号',
  subject_inst_cert: '事业单位证书号',
  subject_social_org_cert: '社会组织登记证号',
  subject_id_type: '主体证件类型',
  subject_id_number: '主体证件号码',
  legal_rep_name: '法定代表人姓名',
  legal_rep_id_type: '法定代表人证件类型',
  legal_rep_id_number: '法定代表人证件号码',
  doc_name: '决定书（文书）名称',
  doc_no: '决定文书号（记录唯一性）',
  decision_date: '决定日期（用于报送时限）',
  valid_from: '有效期自',
  valid_to: '有效期至',
  publicity_end: '公示截止期',
  removal_date: '移出日期',
  authority_name: '决定机关名称',
  authority_uscc: '决定机关统一社会信用代码',
  source_name: '数据来源单位名称',
  source_uscc: '数据来源单位统一社会信用代码',
  amount: '罚款金额（万元）',
  confiscation_amount: '没收金额（万元）',
  penalty_categories: '处罚类别',
  status: '当前状态',
  list_type: '名单类型',
  content: '内容',
  remark: '备注',
  region_code: '地方编码',
  updated_at: '数据更新时间',
};

/** Which identifier check a code column gets (代码校验). */
export const CODE_KIND_LABELS: Record<CodeKind, string> = {
  uscc: '统一社会信用代码（18 位）',
  org: '组织机构代码（9 位）',
  regno: '工商注册号（15 位）',
  id: '身份证件号码',
  tax: '税务登记号',
  cert: '证书编号',
};

export type RequiredMode = 'always' | 'never' | 'when';

/** One enumeration row in the form; other properties of a stored entry (aliases, severity …) ride along. */
export interface EnumRow {
  code: string;
  label: string;
  rest: Omit<NonNullable<CatalogDataItem['enum']>[number], 'code' | 'label'>;
}

/** A data item as the form edits it. `rest` keeps what the form does not show (e.g. emptyWhen), unchanged. */
export interface FieldForm {
  /** Stable key for the table rows while codes are edited. */
  uid: number;
  code: string;
  name: string;
  type: FieldType;
  requiredMode: RequiredMode;
  whenField: string;
  whenValues: string[];
  maxLength: number | null;
  decimals: number | null;
  enumRows: EnumRow[];
  visibility: Visibility;
  masked: boolean;
  aliases: string[];
  role: FieldRole | '';
  codeKind: CodeKind | '';
  longTermAllowed: boolean;
  multiline: boolean;
  inTemplate: boolean;
  description: string;
  rest: Partial<CatalogDataItem>;
}

/** A definition as the form edits it; `rest` keeps legacy formats and other parts the form leaves alone. */
export interface ItemForm {
  id: string;
  name: string;
  recordType: RecordType;
  infoClass: InfoClass;
  subjectCategories: SubjectCategory[];
  sourceDepartments: string[];
  validityDescription: string;
  validityYears: number | null;
  exchangeFrequency: Frequency;
  timelinessWorkingDays: number | null;
  effectiveFrom: string;
  versionNote: string;
  source: string;
  fields: FieldForm[];
  rest: Partial<CatalogDefinition>;
}

let uidSeq = 0;
const nextUid = (): number => ++uidSeq;

/** A new data item with the usual defaults; its 字段标识 is the next free F01, F02 …. */
export function blankField(taken: readonly string[]): FieldForm {
  let n = taken.length + 1;
  let code = `F${String(n).padStart(2, '0')}`;
  while (taken.includes(code)) code = `F${String(++n).padStart(2, '0')}`;
  return {
    uid: nextUid(),
    code,
    name: '',
    type: 'string',
    requiredMode: 'never',
    whenField: '',
    whenValues: [],
    maxLength: 200,
    decimals: null,
    enumRows: [],
    visibility: '社会公开',
    masked: false,
    aliases: [],
    role: '',
    codeKind: '',
    longTermAllowed: false,
    multiline: false,
    inTemplate: true,
    description: '',
    rest: {},
  };
}

/** A new local item to start from. */
export function blankItem(): ItemForm {
  return {
    id: '',
    name: '',
    recordType: 'other',
    infoClass: '行政管理',
    subjectCategories: ['法人及非法人组织'],
    sourceDepartments: [],
    validityDescription: '长期',
    validityYears: null,
    exchangeFrequency: '每月',
    timelinessWorkingDays: 7,
    effectiveFrom: '',
    versionNote: '',
    source: '',
    fields: [],
    rest: {},
  };
}

/** The form's shape of a stored definition. */
export function toForm(def: CatalogDefinition): ItemForm {
  const { id, name, recordType, infoClass, subjectCategories, sourceDepartments, validity, exchangeFrequency, timelinessWorkingDays, effectiveFrom, versionNote, source, items, ...rest } = def;
  return {
    id,
    name,
    recordType,
    infoClass,
    subjectCategories: [...subjectCategories],
    sourceDepartments: [...sourceDepartments],
    validityDescription: validity.description,
    validityYears: validity.years ?? null,
    exchangeFrequency,
    timelinessWorkingDays: timelinessWorkingDays ?? null,
    effectiveFrom: effectiveFrom ?? '',
    versionNote: versionNote ?? '',
    source: source ?? '',
    fields: items.map(fieldToForm),
    rest,
  };
}

function fieldToForm(f: CatalogDataItem): FieldForm {
  const { code, name, type, required, maxLength, decimals, enum: values, visibility, masked, aliases, role, codeKind, longTermAllowed, multiline, inTemplate, description, ...rest } = f;
  const cond = typeof required === 'object' ? required.when : null;
  return {
    uid: nextUid(),
    code,
    name,
    type,
    requiredMode: cond ? 'when' : (required as 'always' | 'never'),
    whenField: cond?.field ?? '',
    whenValues: cond ? (cond.in ?? (cond.equals !== undefined ? [cond.equals] : [])) : [],
    maxLength: maxLength ?? null,
    decimals: decimals ?? null,
    enumRows: (values ?? []).map(({ code: c, label, ...r }) => ({ code: c, label, rest: r })),
    visibility,
    masked,
    aliases: [...(aliases ?? [])],
    role: role ?? '',
    codeKind: codeKind ?? '',
    longTermAllowed: longTermAllowed === true,
    multiline: multiline === true,
    inTemplate: inTemplate !== false,
    description: description ?? '',
    rest,
  };
}

const isEnumType = (t: FieldType): boolean => t === 'enum' || t === 'set';

/** The definition the server takes (status and version are the server's to set). */
export function toDefinition(form: ItemForm, version = 1): CatalogDefinition {
  const def: CatalogDefinition = {
    ...form.rest,
    id: form.id.trim(),
    name: form.name.trim(),
    version,
    status: 'draft',
    recordType: form.recordType,
    subjectCategories: [...form.subjectCategories],
    infoClass: form.infoClass,
    sourceDepartments: [...form.sourceDepartments],
    validity: { description: form.validityDescription.trim(), ...(form.validityYears ? { years: form.validityYears } : {}) },
    exchangeFrequency: form.exchangeFrequency,
    items: form.fields.map(fieldToDefinition),
  };
  if (form.timelinessWorkingDays) def.timelinessWorkingDays = form.timelinessWorkingDays;
  if (form.effectiveFrom) def.effectiveFrom = form.effectiveFrom;
  if (form.versionNote.trim()) def.versionNote = form.versionNote.trim();
  if (form.source.trim()) def.source = form.source.trim();
  return def;
}

function fieldToDefinition(f: FieldForm): CatalogDataItem {
  const values = f.whenValues.filter((v) => v.trim());
  const required: CatalogDataItem['required'] =
    f.requiredMode === 'when' ? { when: values.length === 1 ? { field: f.whenField, equals: values[0] } : { field: f.whenField, in: values } } : f.requiredMode;
  const out: CatalogDataItem = { ...f.rest, code: f.code.trim(), name: f.name.trim(), type: f.type, required, masked: f.masked, visibility: f.visibility };
  const aliases = f.aliases.map((a) => a.trim()).filter(Boolean);
  if (aliases.length) out.aliases = aliases;
  if (f.maxLength && f.type !== 'date') out.maxLength = f.maxLength;
  if (f.decimals !== null && f.type === 'decimal') out.decimals = f.decimals;
  if (isEnumType(f.type)) out.enum = f.enumRows.map((r) => ({ ...r.rest, code: r.code.trim(), label: r.label.trim() }));
  if (f.role) out.role = f.role;
  if (f.codeKind && f.type === 'string') out.codeKind = f.codeKind;
  if (f.longTermAllowed && f.type === 'date') out.longTermAllowed = true;
  if (f.multiline) out.multiline = true;
  if (!f.inTemplate) out.inTemplate = false;
  if (f.description.trim()) out.description = f.description.trim();
  return out;
}

/**
 * A header as the server compares headers (catalog.model.ts headerKey): NFKC, no spaces, '_', '-', '*'
 * or zero-width characters, ASCII upper-case, no trailing colon. So 欠费 等级 and 欠费等级 collide here as
 * they would on upload.
 */
export function headerKey(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\s_\-*\u200b-\u200f\ufeff\u3000\u00a0]/g, '')
    .toUpperCase()
    .replace(/:+$/, '');
}

/** One problem found before saving: where (数据项 n) and what, in Chinese. */
export interface FormProblem {
  /** uid of the data item, or null for the item itself. */
  field: number | null;
  message: string;
}

const ITEM_ID = /^[a-z][a-z0-9_]*$/;
const FIELD_CODE = /^[A-Z][A-Z0-9_]*$/;

/** The common mistakes, in words, before the server is asked (it checks everything again). */
export function checkForm(form: ItemForm): FormProblem[] {
  const out: FormProblem[] = [];
  const item = (message: string) => out.push({ field: null, message });
  if (!form.name.trim()) item('请填写目录项名称');
  if (!ITEM_ID.test(form.id.trim()) || form.id.trim().length > 64) item('目录项标识须以小写字母开头，只含小写字母、数字和下划线（不超过 64 个字符）');
  if (!form.subjectCategories.length) item('请至少选择一个信用主体类别');
  if (!form.validityDescription.trim()) item('请填写信息有效期限（如“长期”或“3 年”）');
  if (!form.fields.length) item('请至少添加一个数据项');

  const codes = new Map<string, number>();
  const headers = new Map<string, { uid: number; name: string }>();
  form.fields.forEach((f, i) => {
    const at = `第 ${i + 1} 个数据项${f.name.trim() ? `“${f.name.trim()}”` : ''}`;
    const add = (message: string) => out.push({ field: f.uid, message: `${at}：${message}` });
    if (!f.name.trim()) add('请填写中文名称（即模板表头）');
    const code = f.code.trim();
    if (!FIELD_CODE.test(code)) add('字段标识须以大写字母开头，只含大写字母、数字和下划线');
    else if (codes.has(code)) add(`字段标识 ${code} 与第 ${codes.get(code)! + 1} 个数据项重复`);
    else codes.set(code, i);
    // Every spelling that identifies the column on upload: name, aliases and the 字段标识 itself.
    const own = new Set<string>();
    for (const h of [f.name, ...f.aliases, f.code].map((x) => x.trim()).filter(Boolean)) {
      const k = headerKey(h);
      const owner = headers.get(k);
      if (owner && owner.uid !== f.uid) add(`表头或别名“${h}”与数据项“${owner.name}”冲突，上传时无法区分`);
      else if (!owner) headers.set(k, { uid: f.uid, name: f.name.trim() || code });
      own.add(k);
    }
    if (isEnumType(f.type)) {
      if (!f.enumRows.length) add('代码表型数据项须至少有一个代码值');
      const seen = new Set<string>();
      f.enumRows.forEach((r, j) => {
        if (!r.code.trim() || !r.label.trim()) add(`代码表第 ${j + 1} 行须同时填写代码和名称`);
        if (r.code.trim() && seen.has(r.code.trim())) add(`代码 ${r.code.trim()} 重复`);
        seen.add(r.code.trim());
      });
    }
    if (f.requiredMode === 'when') {
      const other = form.fields.find((o) => o.code === f.whenField);
      if (!other) add('条件必填须选择所依据的数据项');
      else if (other.uid === f.uid) add('条件必填不能依据自身');
      if (!f.whenValues.filter((v) => v.trim()).length) add('条件必填须选择至少一个取值');
    }
    if (f.type !== 'date' && f.maxLength !== null && (!Number.isInteger(f.maxLength) || f.maxLength < 1)) add('最大长度须为正整数');
    if (f.role && form.fields.some((o, j) => j < i && o.role === f.role)) add(`字段用途“${ROLE_LABELS[f.role]}”已由其他数据项使用`);
  });
  return out;
}

/** A column of the template preview. */
export interface PreviewColumn {
  name: string;
  code: string;
  rule: '必填' | '选填' | '条件必填';
  /** The choices a cell offers (代码表), shown under the header. */
  choices: string;
}

/** The header row a department would download: the template's columns in order, with their marking. */
export function templatePreview(form: ItemForm): PreviewColumn[] {
  return form.fields
    .filter((f) => f.inTemplate)
    .map((f) => ({
      name: f.name.trim() || '（未命名）',
      code: f.code,
      rule: f.requiredMode === 'always' ? '必填' : f.requiredMode === 'never' ? '选填' : '条件必填',
      choices: isEnumType(f.type) ? f.enumRows.map((r) => r.label).filter(Boolean).join('／') : '',
    }));
}

/** Moves a data item one place up (-1) or down (+1); out-of-range moves do nothing. */
export function moveField(form: ItemForm, index: number, delta: -1 | 1): void {
  const to = index + delta;
  if (to < 0 || to >= form.fields.length) return;
  const [f] = form.fields.splice(index, 1);
  form.fields.splice(to, 0, f);
}

/** Text of the required rule in words, for the data-item table (条件 shown with the other item's name). */
export function requiredText(form: ItemForm, f: FieldForm): string {
  if (f.requiredMode === 'always') return '必填';
  if (f.requiredMode === 'never') return '选填';
  const other = form.fields.find((o) => o.code === f.whenField);
  const labels = f.whenValues.map((v) => other?.enumRows.find((r) => r.code === v)?.label ?? v);
  return `${other?.name || f.whenField || '？'}为“${labels.join('或')}”时必填`;
}

/**
 * A 字段标识 from the initials of a Chinese name (欠费等级 → QFDJ), so nobody has to invent one: upper-case
 * letters and digits, a letter first, at most 30 characters, and _2, _3 … when already taken.
 */
export function codeFromInitials(initials: string, taken: readonly string[]): string {
  let base = initials.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 30);
  if (!/^[A-Z]/.test(base)) base = `F${base}`.slice(0, 30);
  let code = base;
  for (let n = 2; taken.includes(code); n++) code = `${base}_${n}`;
  return code;
}

/** A 目录项标识 for a new local item from the initials of its name (供水欠费信息 → local_gsqfxx). */
export function itemIdFromInitials(initials: string): string {
  const core = initials.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 40);
  return core ? `local_${core}` : '';
}
