// Business scenarios of a pre-action check and the list-type codes the shipped measures name (issue 14 §4–5).

/** The business scenarios a department checks before (事前核查场景), docs/domain/04-joint-measures.md §4.2. */
export const SCENARIOS = ['行政审批', '政府采购', '招标投标', '财政资金', '评优评先', '任职', '融资信贷', '其他'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Whether s is one of SCENARIOS. */
export const isScenario = (s: string): s is Scenario => (SCENARIOS as readonly string[]).includes(s);

/**
 * The list-type codes the lists domain ships (docs/domain/04-joint-measures.md §4.1a); a measure may also name a
 * code added later by the credit office, so these are the known ones, not a closed set.
 */
export const KNOWN_LIST_TYPES: Record<string, { name: string; color: 'black' | 'red' }> = {
  SXBZXR: { name: '失信被执行人', color: 'black' },
  ZDSSWF: { name: '重大税收违法失信主体', color: 'black' },
  QXNMGGZ: { name: '严重拖欠农民工工资失信联合惩戒对象', color: 'black' },
  SPYPSX: { name: '食品药品生产经营严重失信者', color: 'black' },
  AQSCSX: { name: '安全生产严重失信主体', color: 'black' },
  ZFCGSX: { name: '政府采购严重违法失信行为记录', color: 'black' },
  HGSX: { name: '海关失信企业', color: 'black' },
  ANSRX: { name: 'A级纳税人', color: 'red' },
  HGGJRZ: { name: '海关高级认证企业', color: 'red' },
  SHTZXY: { name: '守合同重信用企业', color: 'red' },
  CXDX: { name: '诚信典型', color: 'red' },
};
