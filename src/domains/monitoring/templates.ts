// Downloadable import templates of the monitoring console (issue 17 §4): the scores and events files
// with Chinese column headers, an example row, and a second sheet that says what each column takes
// (the indicators of the shipped trees; the event fields, 性质 values and sub-domains).
import ExcelJS from 'exceljs';
import { neutraliseCell } from '../../platform/spreadsheet.ts';
import { EVENT_COLUMNS } from './events.ts';
import { SCORE_COLUMNS } from './scores.ts';
import { defaultTaxonomy, POLARITY_LABELS } from './taxonomy.ts';
import { getTree, TREE_IDS } from './trees.ts';

function sheet(wb: ExcelJS.Workbook, name: string, header: string[], rows: (string | number)[][], widths: number[]): void {
  const ws = wb.addWorksheet(name);
  ws.addRow(header.map(neutraliseCell)).font = { bold: true };
  for (const r of rows) ws.addRow(r.map((v) => (typeof v === 'string' ? neutraliseCell(v) : v)));
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

/** The scores template: 月份, 城市, 指标, 得分 with example rows, and the indicators each tree knows. */
export async function scoresTemplateXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const example = getTree(TREE_IDS[0]).nodes.filter((n) => n.parent === null).slice(0, 2);
  sheet(
    wb,
    '监测得分',
    [...Object.values(SCORE_COLUMNS)],
    example.map((n, i) => ['2026-11', '西宁市', n.name, 18.5 - i]),
    [12, 14, 28, 10],
  );
  const rows: string[][] = [];
  for (const id of TREE_IDS) {
    const tree = getTree(id);
    const names = new Map(tree.nodes.map((n) => [n.code, n.name]));
    for (const n of tree.nodes) rows.push([tree.name, n.code, n.name, n.parent ? (names.get(n.parent) ?? n.parent) : '（一级指标）']);
  }
  sheet(wb, '填写说明', ['指标体系', '指标代码', '指标名称', '上级指标'], [
    ['月份：YYYY-MM，如 2026-11；城市：城市名称，如 西宁市；指标：填写指标名称或指标代码；得分：数字', '', '', ''],
    ...rows,
  ], [60, 12, 30, 24]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The events template: 标题, 日期, 来源, 链接, 摘要, 性质, 主体, 子领域, with the values each column takes. */
export async function eventsTemplateXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  sheet(
    wb,
    '信用事件',
    [...EVENT_COLUMNS],
    [['西宁市某超市销售过期食品被立案查处', '2026-11-05', '西宁晚报', 'https://example.org/news/1', '市场监管部门依法立案', POLARITY_LABELS.bad, '某超市', '流通']],
    [40, 12, 16, 32, 32, 8, 16, 14],
  );
  const subdomains = defaultTaxonomy().domains.flatMap((d) => d.subdomains.map((s) => `${d.name}—${s.name}`));
  sheet(wb, '填写说明', ['列', '是否必填', '说明'], [
    ['标题', '必填', '事件标题，系统据此自动判断领域'],
    ['日期', '必填', 'YYYY-MM-DD，如 2026-11-05'],
    ['来源', '选填', '媒体或发布单位'],
    ['链接', '选填', '以 http:// 或 https:// 开头'],
    ['摘要', '选填', ''],
    ['性质', '选填', `${Object.values(POLARITY_LABELS).join(' 或 ')}；不填时由系统判断`],
    ['主体', '选填', '事件涉及的单位或个人'],
    ['子领域', '选填', `不填时由系统判断；可填：${subdomains.map((s) => s.split('—')[1]).join('、')}`],
  ], [10, 10, 100]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
