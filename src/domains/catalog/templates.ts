// Upload templates (模板下载) for a catalogue item: an XLSX with the exact headers and a 填报说明
// sheet, and a UTF-8 CSV. Code and date columns are text ('@') so that Excel cannot turn an
// 18-digit code into a float (ARCHITECTURE.md "Files in").
import ExcelJS from 'exceljs';
import type { CatalogItem, DataItem } from './catalog.schemas.ts';
import { compileItem, describeCondition, describeRequired } from './catalog.model.ts';

const TYPE_LABEL: Record<DataItem['type'], string> = {
  string: '字符型',
  date: '日期型',
  integer: '整数型',
  decimal: '浮点型',
  enum: '枚举型',
  set: '集合型（可多选）',
};

/** Rows of data validation (drop-downs) written into the template. */
const VALIDATION_ROWS = 5000;

/** True for columns that must be typed as text in Excel. */
function isTextColumn(f: DataItem): boolean {
  return f.type === 'string' || f.type === 'date' || f.type === 'enum' || f.type === 'set';
}

/** Excel column letters for a 1-based index. */
function columnLetter(n: number): string {
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Format and rule text for one field in 填报说明. */
export function fieldRuleText(item: CatalogItem, f: DataItem): string {
  const parts: string[] = [];
  if (f.codeKind === 'uscc') parts.push('18 位统一社会信用代码（GB 32100），按文本填写');
  else if (f.codeKind === 'id') parts.push('证件类型为身份证时填写 18 位身份证号码（GB 11643）');
  else if (f.codeKind === 'org') parts.push('9 位组织机构代码（GB 11714），可写作 8 位本体-校验码');
  else if (f.codeKind === 'regno') parts.push('15 位工商注册号');
  if (f.type === 'date') {
    parts.push('日期格式 YYYY-MM-DD 或 YYYY/MM/DD（也接受 YYYYMMDD）');
    if (f.longTermAllowed) parts.push('长期有效填 2099/12/31 或“长期”');
  }
  if (f.type === 'decimal') parts.push(`数字，最多 ${f.decimals ?? 6} 位小数${f.min === 0 ? '，不得为负数' : ''}`);
  if (f.type === 'integer') parts.push('整数');
  if (f.maxLength && !f.codeKind) parts.push(`不超过 ${f.maxLength} 字`);
  if (f.emptyWhen) parts.push(`${describeCondition(item, f.emptyWhen)}时不填`);
  if (f.masked) parts.push('公开时脱敏');
  if (f.description) parts.push(f.description);
  return parts.join('；');
}

/** Enumeration text for 填报说明, e.g. "01 普通；02 特许…". */
export function enumText(f: DataItem): string {
  if (!f.enum) return '';
  return f.enum.map((v) => `${v.code}=${v.label}${v.note ? `（${v.note}）` : ''}`).join('；');
}

/**
 * Builds the XLSX template: sheet 1 with the exact headers (frozen, text-formatted code and date
 * columns, drop-downs for short enumerations), sheet 2 "填报说明" with every field's rules.
 */
export async function buildTemplateXlsx(item: CatalogItem): Promise<Buffer> {
  const { templateFields } = compileItem(item);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'CityCredit';
  // Fixed document dates: the template's properties depend only on the item.
  wb.created = new Date(0);
  wb.modified = new Date(0);

  const sheetName = item.name.slice(0, 31);
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = templateFields.map((f) => ({
    header: f.name,
    key: f.code,
    width: Math.min(Math.max(f.name.length * 2 + 2, 14), 40),
    style: isTextColumn(f) ? { numFmt: '@' } : {},
  }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  templateFields.forEach((f, i) => {
    const cell = header.getCell(i + 1);
    cell.numFmt = '@';
    const req = describeRequired(item, f);
    cell.note = `${f.code}｜${TYPE_LABEL[f.type]}｜${req}`;
    if (f.required === 'always') {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
    }
    // Drop-downs only when the inline list fits Excel's 255-character limit; sets are free text.
    if (f.type === 'enum' && f.enum) {
      const list = f.enum.map((v) => v.label).join(',');
      if (list.length <= 250) {
        const col = columnLetter(i + 1);
        (ws as unknown as { dataValidations: { add(a: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(
          `${col}2:${col}${VALIDATION_ROWS + 1}`,
          {
            type: 'list',
            allowBlank: true,
            formulae: [`"${list}"`],
            showErrorMessage: false,
          },
        );
      }
    }
  });

  const guide = wb.addWorksheet('填报说明');
  guide.columns = [
    { header: '序号', key: 'n', width: 6 },
    { header: '数据项名称（表头）', key: 'name', width: 36 },
    { header: '字段代码', key: 'code', width: 16 },
    { header: '类型', key: 'type', width: 12 },
    { header: '是否必填', key: 'req', width: 30 },
    { header: '填写规则', key: 'rule', width: 60 },
    { header: '枚举值（代码=名称，填代码或名称均可）', key: 'enum', width: 60 },
    { header: '公开范围', key: 'vis', width: 10 },
  ];
  guide.getRow(1).font = { bold: true };
  templateFields.forEach((f, i) => {
    guide.addRow({
      n: i + 1,
      name: f.name,
      code: f.code,
      type: TYPE_LABEL[f.type],
      req: describeRequired(item, f),
      rule: fieldRuleText(item, f),
      enum: enumText(f),
      vis: f.visibility,
    });
  });
  guide.addRow({});
  const notes = [
    `本模板对应资源目录“${item.name}”（${item.id}，第 ${item.version} 版）。请勿修改、删除或调整第一个工作表的表头；按表头名称识别列，列顺序可以不同。`,
    '代码类列（统一社会信用代码、证件号码等）已设为文本格式，请勿改为数字格式，否则 18 位代码末几位会变成 0。',
    '日期请按 YYYY-MM-DD 或 YYYY/MM/DD 填写。金额单位为万元。',
    item.timelinessWorkingDays
      ? `请自作出决定之日起 ${item.timelinessWorkingDays} 个工作日内报送，超期将记为“超期上报”。`
      : '',
    '自然人的身份证号码只能填在证件号码列，不得填入名称、内容、备注等公开列。',
    '另存为 CSV 时请选择“CSV UTF-8（逗号分隔）”；也接受 GBK/GB18030 编码的 CSV。',
  ].filter(Boolean);
  for (const line of notes) guide.addRow({ n: '※', name: line });

  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}

/** Quotes a CSV field when it needs it (RFC 4180). */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Builds the CSV template: UTF-8 with BOM (so Excel opens it correctly), the exact headers, CRLF. */
export function buildTemplateCsv(item: CatalogItem): Buffer {
  const { templateFields } = compileItem(item);
  const line = templateFields.map((f) => csvField(f.name)).join(',') + '\r\n';
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(line, 'utf8')]);
}
