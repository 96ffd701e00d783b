// What 公示规则设置 tells the credit office beside each setting (issue 17 §4): what it does, its legal source as a
// clerk would cite it (document and article) and the default, in plain Chinese. The developer notes with their
// docs/domain citations and [M]/[V] markers stay in defaults/*.json `source` and in the comments below; none of them
// is sent to the console.
import finePlausibility from './defaults/fine-plausibility.json' with { type: 'json' };

/**
 * The 处罚类别 list and how each is classed. docs/domain/01-sgs.md §1.3: the 2021 行政处罚法 art. 9 list and the
 * pre-2021 one are both accepted; docs/domain/03-publicity.md §3.3: the 2026 examples, the rest is the platform's own
 * classing [M]; L4 (暂扣或者吊销许可证) is 一般 unless 处罚内容 confirms a revocation (issue 13).
 */
export const CATEGORY_SOURCE =
  '处罚类别按《中华人民共和国行政处罚法》第九条列出，并兼容 2021 年修订前的旧类别。2026 年《信用修复管理办法》示例中列明的类别按示例归类，其余为本平台预设，须由信用办确认。' +
  '“暂扣或者吊销许可证”（2021 年修订前的合并类别）默认为一般，处罚内容确认吊销的按严重处理。';

/** The 2026 examples. docs/domain/03-publicity.md §3.3 (办法 in force 2026-04-01; 暂扣许可证 from the 2025-09 draft [P]). */
export const EXAMPLES_SOURCE =
  '依据：国家发展改革委《信用修复管理办法》（2026 年 4 月 1 日起施行）对失信信息的分类——轻微：以简易程序作出的行政处罚、警告、通报批评；一般：较大数额罚款、没收非法财物；严重：巨额罚款、吊销许可证、限制从业。' +
  '暂扣许可证列为一般，见 2025 年 9 月的征求意见稿。示例未列的类别（如行政拘留）由信用办确认。';

/** Why the transition is a setting. docs/domain/03-publicity.md §3.3: the 办法 says nothing of earlier decisions [M]. */
export const TRANSITION_BASIS = '《信用修复管理办法》自 2026 年 4 月 1 日起施行，未规定施行前作出的处罚决定如何适用，由信用办确认';

/**
 * The fine ceiling. docs/domain/01-sgs.md §1.3 (amounts in 万元) and §1.4 rule 5; the ceiling itself is the platform's
 * preset [M] (defaults/fine-plausibility.json), a hint to check, never a reason to class a fine as 巨额 (issue 13).
 */
export const FINE_CEILING_SOURCE =
  `双公示数据中的罚款金额以万元为单位。市、县两级机关作出的单笔罚款超过 ${finePlausibility.fineCeiling} 万元极为少见，超过上限的更可能是按元填报或多填了位数，因此只提示部门核实，不按巨额罚款处理。` +
  '上限为本平台预设，由信用办确认；处罚类别不含罚款却填写了罚款金额的，同样提示部门核实。';

/** The decision-date floor: a deployment setting (config ingestDecisionDateWarnBefore), shown and not changed here. */
export function decisionDateFloorNote(floor: string): string {
  return `决定日期早于 ${floor} 的，在回执中提示部门核实；早于 1949-10-01 的一律退回。该日期由服务器部署配置设定（默认 2000-01-01），在此不能修改，如需调整请联系运维人员。`;
}
