// The audit log in words (issue 17 §4): the Chinese name of every action string the code writes, and
// the detail object as labelled fields, so the credit office reads 登录 and 原因：密码错误 instead of
// auth.login and {"reason":"bad_password"}. Like errorCodes.ts it is one table for every domain:
// test/audit-actions.test.ts scans src for the actions written and fails on one missing here.

/** Action string → Chinese name. A new `audit(…, { action })` needs a line here. */
export const AUDIT_ACTIONS: Record<string, string> = {
  'api.auth': '接口签名验证',
  'apikeys.create': '创建 API 密钥',
  'apikeys.revoke': '吊销 API 密钥',
  'audit.export': '导出审计日志',
  'auth.csrf': '跨站请求校验',
  'auth.login': '登录',
  'auth.logout': '退出登录',
  'auth.password_change': '修改密码',
  'auth.role': '角色权限校验',
  'auth.session': '会话校验',
  'calendar.delete': '删除节假日调整',
  'calendar.save': '保存节假日调整',
  'catalog.approve': '审核通过目录版本',
  'catalog.discard': '放弃目录草稿',
  'catalog.draft': '保存目录草稿',
  'catalog.reject': '退回目录版本',
  'catalog.submit': '提交目录审核',
  'catalog.update': '修改目录草稿',
  'commitment.fulfilment': '标记承诺履约情况',
  'commitment.make': '作出信用承诺',
  'db.backup': '数据库备份',
  'db.restore': '数据库恢复',
  'demo.city': '载入演示城市数据',
  'demo.seed': '加载演示数据',
  'departments.authorities.add': '添加代报机关',
  'departments.authorities.read': '查看代报机关',
  'departments.authorities.remove': '移除代报机关',
  'departments.create': '新增部门',
  'departments.read': '查看部门',
  'departments.seed': '初始化部门',
  'departments.update': '修改部门',
  'ingest.api': '接口报送',
  'ingest.batch.read': '查看回执',
  'ingest.cli': '命令行导入',
  'ingest.correction': '信用办更正他部门数据',
  'ingest.errors.download': '下载退回数据',
  'ingest.form': '在线填报',
  'ingest.receipt.download': '下载回执',
  'ingest.record.read': '查看归集记录',
  'ingest.review': '审核批次',
  'ingest.review.approve': '审核通过批次',
  'ingest.review.return': '审核退回批次',
  'ingest.upload': '上传文件报送',
  'list_entry.list': '列入名单并公示',
  'list_entry.notify': '送达列入告知书',
  'list_entry.propose': '拟列入名单',
  'list_entry.reject': '不予列入',
  'list_entry.remove': '移出名单',
  'list_entry.review': '审核名单条目',
  'list_entry.sync': '归集名单条目',
  'list_type.amend': '修订名单类型',
  'monitoring.checklist.import': '导入信用制度清单',
  'monitoring.checklist.update': '更新信用制度清单',
  'monitoring.classifier.retrain': '重新训练事件分类',
  'monitoring.events.create': '登记信用事件',
  'monitoring.events.import': '导入信用事件',
  'monitoring.events.override': '更正事件分类',
  'monitoring.events.publish': '公开信用事件',
  'monitoring.events.review': '复核事件分类',
  'monitoring.events.unpublish': '撤回公开信用事件',
  'monitoring.scores.import': '导入监测得分',
  'monitoring.trees.weights': '调整指标权重',
  'objection.decide': '作出异议处理决定',
  'objection.evidence.read': '查看异议证据材料',
  'objection.file': '提出异议申诉',
  'objection.lookup': '凭查询码查询异议',
  'objection.material_added': '补充异议材料',
  'objection.material_requested': '要求补充异议材料',
  'objection.sent': '转送认定部门核查异议',
  'objection.settings': '修改异议申诉设置',
  'personal_data.read': '查看个人信息',
  'publicity.settings': '修改公示规则设置',
  'repair.apply': '申请信用修复',
  'repair.approve': '准予信用修复',
  'repair.decide': '作出信用修复决定',
  'repair.forward': '转送信用修复申请',
  'repair.material.download': '下载信用修复材料',
  'repair.refuse': '不予信用修复',
  'repair.settings': '修改信用修复设置',
  'repair.view': '查看信用修复申请',
  'report.issue': '出具信用报告',
  'roles.test': '角色测试',
  'sanctions.case.publish': '发布联合奖惩案例',
  'sanctions.check': '事前信用核查',
  'sanctions.feedback': '反馈联合奖惩措施',
  'sanctions.measure.activate': '启用奖惩措施',
  'sanctions.measure.amend': '修订奖惩措施',
  'sanctions.measure.create': '新增奖惩措施',
  'sanctions.measure.retire': '停用奖惩措施',
  'sanctions.screen': '批量比对',
  'sanctions.settings': '修改联合奖惩反馈时限',
  'users.activate': '启用账号',
  'users.create': '新增账号',
  'users.deactivate': '停用账号',
  'users.list': '查看账号列表',
  'users.reset_password': '重置密码',
  'users.set_department': '调整账号所属部门',
  'users.set_role': '调整账号角色',
  'users.update': '修改账号',
};

/** The Chinese name of an action; an action missing from the table is shown as written. */
export function auditActionLabel(action: string): string {
  return AUDIT_ACTIONS[action] ?? action;
}

// Detail keys the code writes, in words. Keys not listed are shown as written (still readable fields).
const DETAIL_LABELS: Record<string, string> = {
  accepted: '接收条数',
  active: '启用',
  before: '修改前',
  by: '操作方式',
  cascade: '连带处理',
  correctionReason: '更正原因',
  date: '日期',
  day: '日期',
  days: '天数',
  departmentId: '部门',
  department_id: '部门',
  domain: '领域',
  duplicates: '重复条数',
  error: '错误',
  event_date: '事件日期',
  file: '文件',
  fileName: '文件名',
  filename: '文件名',
  id: '编号',
  item: '目录项',
  items: '条目数',
  limit: '上限',
  masked: '已脱敏',
  message: '说明',
  migration: '迁移',
  mustChangePassword: '须修改密码',
  must_change_password: '须修改密码',
  name: '名称',
  new: '新增',
  note: '备注',
  otherDepartments: '涉及其他部门',
  polarity: '性质',
  previous: '原值',
  reason: '原因',
  recordCount: '记录数',
  records: '记录',
  rejected: '退回条数',
  result: '结果',
  role: '角色',
  rows: '行数',
  shortName: '简称',
  short_name: '简称',
  size: '大小',
  status: '状态',
  subdomain: '子领域',
  subjectId: '主体编号',
  summary: '摘要',
  tables: '数据表',
  title: '标题',
  total: '总条数',
  tree: '指标体系',
  unmasked: '查看原文',
  updated: '更新条数',
  uscc: '统一社会信用代码',
  username: '用户名',
  version: '版本',
  fromVersion: '原版本',
  toVersion: '新版本',
  weights: '权重',
  withdrawn: '撤回条数',
  // Written by the demo city's load (demo.city), score and checklist imports and checklist changes: found by the
  // auditor's journey (issue 17), which saw them in English.
  after: '修改后',
  batches: '批次数',
  cities: '城市数',
  document: '文件',
  events: '信用事件数',
  importId: '导入编号',
  issuer: '发文机关',
  late: '超期条数',
  listEntries: '名单条目数',
  months: '月份',
  ms: '用时（毫秒）',
  number: '文号',
  online: '网上公开',
  repaired: '已修复条数',
  replaced: '替换行数',
  scoreRows: '得分行数',
  sha256: '文件摘要（SHA-256）',
  stored: '存储行数',
  subjects: '主体数',
  today: '截至日期',
  url: '网址',
  users: '账号',
  // The demo city's load also runs checks, commitments, repairs and objections (issue 17 §1).
  cases: '公开案例数',
  checks: '核查次数',
  checksWithFeedback: '已反馈的核查数',
  commitments: '信用承诺数',
  commitmentsMarked: '已标记履约的承诺数',
  objections: '异议申诉数',
  repairApplications: '信用修复申请数',
  repairsDecided: '已决定的修复申请数',
  // …and API keys, the review step and a district unit's commitments (issue 17 §1, §3).
  apiKeys: 'API密钥数',
  signedChecks: '签名接口核查次数',
  reviewPending: '待审核批次数',
  reviewApproved: '审核通过批次数',
  reviewReturned: '审核退回批次数',
  districtBreaches: '区县违诺承诺数',
  // Every other key an audit call writes (issue 17 §4: the credit office read `code` and `added`), found by
  // test/audit-details.test.ts, which reads the type of every audit detail in src and fails on a key missing here.
  action: '操作',
  actor: '操作人',
  added: '新增数',
  answerDays: '答复时限（工作日）',
  answerDue: '答复期限',
  appKey: '应用标识（AppKey）',
  applied: '已采取措施数',
  appliesToExisting: '新规则适用于施行前的决定',
  async: '异步处理',
  backupCreatedAt: '备份时间',
  basis: '依据',
  basisAdded: '补录依据',
  basisDocNo: '依据文号',
  black: '命中黑名单数',
  blackList: '黑名单公示',
  categorySeverity: '处罚类别失信程度',
  ceiling: '罚款上限（万元）',
  channel: '渠道',
  classifiedBy: '分类方式',
  code: '代码',
  confidence: '置信度',
  count: '次数',
  criteria: '认定标准条款',
  deadlines: '办理时限',
  decideDays: '决定时限（工作日）',
  decideDue: '决定期限',
  default: '默认',
  defaultSeverity: '默认失信程度',
  department: '部门',
  departmentDays: '认定部门核实时限（工作日）',
  departmentEndDate: '部门报送的公示截止期',
  dueOn: '办理期限',
  enabled: '启用',
  ended: '移出数',
  exitReason: '移出原因',
  expiredAudience: '公示期满后的查看范围',
  expiresOn: '有效期至',
  fileId: '文件编号',
  files: '文件数',
  fineCeiling: '罚款合理上限（万元）',
  fineCeilings: '行业罚款上限',
  first: '起始日期',
  found: '已找到',
  from: '原值',
  hits: '命中数',
  inserted: '新增条数',
  invalid: '错误数',
  last: '截止日期',
  link: '链接',
  listEntriesEnded: '移出名单条目数',
  listType: '名单类型',
  listedOn: '列入日期',
  longTermFrom: '视为长期的起始日期',
  material: '材料编号',
  materialDays: '补正材料时限（工作日）',
  materials: '材料数',
  matter: '承诺事项',
  maxFileBytes: '单个文件大小上限（字节）',
  maxFiles: '文件数量上限',
  maxMonths: '最长公示期（月）',
  minMonths: '最短公示期（月）',
  minorFineAtMost: '较低数额罚款上限（万元）',
  no: '编号',
  notFound: '未找到数',
  objection: '异议处理情况',
  objectionUntil: '异议期至',
  on: '日期',
  outcome: '结果',
  oneTimePassword: '使用一次性密码',
  osUser: '操作系统用户',
  other: '其他行政行为公示',
  otherDepartment: '属其他部门',
  patch: '修改内容',
  pendingReview: '待复核条数',
  periodOverrides: '行业公示期规定',
  permit: '行政许可公示',
  possiblySimpleProcedure: '未报送处罚程序时',
  precheckDays: '初审时限（工作日）',
  publish: '公示',
  recordUnpublished: '停止公示的记录',
  red: '命中红名单数',
  redList: '红名单公示',
  regimes: '适用规则',
  repeatOffenderBar: '屡禁不止、屡罚不改限制',
  restructuringChannel: '破产重整渠道',
  review: '待人工核实数',
  reviewRequired: '报送须审核',
  rowCounts: '各表行数',
  rule: '规则',
  scenario: '业务场景',
  scope: '范围',
  sectors: '行业',
  secretIncluded: '含密钥',
  secretInstalled: '已安装密钥',
  seriousConfiscationAbove: '严重失信的没收金额门槛（万元）',
  seriousFineAbove: '巨额罚款门槛（万元）',
  sessionsEnded: '结束的会话数',
  severities: '失信程度',
  staffLabels: '人工标注数',
  to: '新值',
  transition: '新规则施行前作出的决定',
  unconfirmed: '待确认',
  untilValidityEnd: '至有效期届满',
  versions: '版本',
  whileOpen: '处理期间的显示',
  workingDays: '工作日数',
  years: '年数',
};

// Codes a detail key may hold, in words, per key (test/audit-details.test.ts finds every string-literal code the
// types allow and fails on one missing here). The domains' own label tables are the source of each line.
const VALUE_LABELS: Record<string, Record<string, string>> = {
  reason: {
    bad_password: '密码错误',
    code_mismatch: '主体代码不符',
    expired: '会话已过期',
    inactive: '账号已停用',
    inactive_department: '所属部门已停用',
    last_admin: '须保留至少一名启用的管理员',
    logout: '主动退出',
    not_uploader: '非上传人',
    one_time_password_used: '一次性密码已使用',
    other_department: '其他部门的数据',
    own_draft: '不能审核本人起草的版本',
    password_change_required: '须先修改密码',
    records_or_code_mismatch: '记录与主体代码不符',
    revoked: '会话已注销',
    role: '角色无权限',
    role_not_granted: '无权授予该角色',
    self: '不能对本人账号操作',
    tampered_cookie: '会话凭证被篡改',
    throttled: '尝试过于频繁',
    too_large: '文件过大',
    unknown: '未知账号或密钥',
    unknown_user: '账号不存在',
    // lists/lists.schemas.ts ExitReason (web/api/lists.ts EXIT_LABELS); 'expired' and 'revoked' of a list entry
    // are in ACTION_VALUE_LABELS.
    repaired: '信用修复',
    court: '法院裁判',
    other: '其他',
  },
  // Roles are named by the audit service (auth ROLES, passed as AuditValueNames), not here.
  // auth/throttle.ts: what a throttled sign-in was counted by.
  by: { ip: '按IP地址', user: '按账号' },
  status: {
    // monitoring/checklist.ts STATUS_LABELS
    national: '国家/省级已落实',
    municipal: '市级已出台',
    blank: '空白',
    // sanctions measures
    draft: '草稿',
    active: '生效',
    retired: '已停用',
    superseded: '已被新版本取代',
    // ingest batches (the CLI import)
    processing: '处理中',
    pending_review: '待审核',
    returned: '审核退回',
    committed: '已入库',
    rejected: '全部退回',
    failed: '处理失败',
  },
  // objections.schemas.ts SCOPE_LABELS
  scope: { error: '信息错误', omission: '信息遗漏', duplicate: '重复公示', not_public: '不应公示', over_period: '超期公示', inconsistent: '与认定机关信息不一致' },
  // objections.schemas.ts OUTCOME_LABELS; commitments: 履约 / 违诺
  outcome: { corrected: '已更正', withdrawn: '已撤销公示', refused: '不予更正', kept: '履约', breached: '违诺' },
  // repair channels; sanctions check channels
  channel: { standard: '一般程序', restructuring: '破产重整', api: '接口', console: '管理后台', screening: '批量比对' },
  // monitoring events
  polarity: { good: '守信', bad: '失信' },
  classifiedBy: { model: '自动分类', staff: '人工' },
  // publicity settings (console PublicitySettingsPage)
  possiblySimpleProcedure: { flag: '提示部门确认', treat_as_simple: '按简易程序（轻微）处理' },
  rule: { decision_date: '施行前作出的决定适用决定时的规则', new_for_all: '仍在公示的决定一律适用新规则', lighter: '从旧兼从轻' },
  departmentEndDate: { ignore: '不采用', if_shorter: '较短时采用（不低于最短期限）' },
  expiredAudience: { government: '政务共享', none: '不再提供' },
  // objection settings: a record under an open objection is shown with a mark, or hidden
  whileOpen: { mark: '标注“异议处理中”后继续公示', hide: '暂停公示' },
};
// List entry states (lists/lifecycle.ts), written as `from` and `to` of a transition.
const LIST_STATES: Record<string, string> = { proposed: '拟列入', notified: '已告知', reviewed: '已审核', listed: '已列入', removed: '已移出', rejected: '未列入' };
VALUE_LABELS.from = LIST_STATES;
VALUE_LABELS.to = LIST_STATES;
VALUE_LABELS.exitReason = { expired: '有效期届满', repaired: '信用修复', revoked: '决定撤销', court: '法院裁判', other: '其他' };

// Codes whose words depend on the action: a list entry's `reason` is its exit reason.
const ACTION_VALUE_LABELS: Record<string, Record<string, Record<string, string>>> = {
  'list_entry.': { reason: VALUE_LABELS.exitReason },
};

// Codes under keys that are data (a regime's year → whether its rules govern earlier decisions).
const DATA_KEY_VALUE_LABELS: Record<string, string> = { yes: '适用', no: '不适用', if_lenient: '较轻时适用' };

/** One labelled field of an entry's detail. */
export interface AuditField {
  label: string;
  value: string;
}

/**
 * Words for values only the caller knows (a department's name for its id, a role's name): returns the text, or
 * undefined to fall back to the value as written. The platform knows no domain's names, so the audit service passes them.
 */
export type AuditValueNames = (key: string, value: unknown) => string | undefined;

function codeText(key: string, v: string, action: string | undefined): string {
  const forAction = action ? Object.entries(ACTION_VALUE_LABELS).find(([prefix]) => action.startsWith(prefix))?.[1][key]?.[v] : undefined;
  return forAction ?? VALUE_LABELS[key]?.[v] ?? (key in DETAIL_LABELS ? undefined : DATA_KEY_VALUE_LABELS[v]) ?? v;
}

function valueText(key: string, v: unknown, names?: AuditValueNames, action?: string): string {
  const named = names?.(key, v);
  if (named !== undefined) return named;
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'string') return key ? codeText(key, v, action) : v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.length > 5 ? `${v.slice(0, 5).map((x) => valueText('', x, names, action)).join('、')} 等 ${v.length} 项` : v.map((x) => valueText('', x, names, action)).join('、');
  // Nested objects: their own fields in brackets, at any depth, so nothing is printed as JSON.
  return `（${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${DETAIL_LABELS[k] ?? k}：${valueText(k, x, names, action)}`)
    .join('；')}）`;
}

/**
 * The detail of an entry as labelled fields in the order written (a string detail is one field 说明); `action`
 * picks the words of codes that mean something else for it (a list entry's `reason: 'expired'`).
 */
export function describeAuditDetail(detail: unknown, names?: AuditValueNames, action?: string): AuditField[] {
  if (detail === null || detail === undefined || detail === '') return [];
  if (typeof detail !== 'object' || Array.isArray(detail)) return [{ label: '说明', value: valueText('', detail) }];
  return Object.entries(detail as Record<string, unknown>).map(([k, v]) => ({ label: DETAIL_LABELS[k] ?? k, value: valueText(k, v, names, action) }));
}
