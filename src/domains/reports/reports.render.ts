// Renders a report model (reports.model.ts) as PDF with pdfmake and the embedded Noto Sans SC fonts, the
// way src/domains/monitoring/render.ts does: a private pdfmake instance, fonts loaded into pdfmake's
// virtual file system once, no URL or local-file access.
//
// Speed: pdfmake splits Chinese text into one "word" per character and, for every word, looks up about
// twenty style properties through the style stack. Every text run here therefore carries all of those
// properties itself (TEXT_STYLE), which turns each lookup into a property read; this, and building the
// QR code as vector rectangles, keeps a 20-record report well under the 150 ms target once warm.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pdfMake from 'pdfmake';
import type { Content, ContentTable, CustomTableLayout, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import QRCode from 'qrcode';
import type { ReportModel } from './reports.model.ts';
import { breakLines, WidthTable, type FontkitFont } from './reports.text.ts';

const require = createRequire(import.meta.url);
const FONT_FILES = {
  normal: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
};

interface Fontkit {
  create(buffer: Uint8Array): FontkitFont;
  registerFormat(format: unknown): void;
}
/** fontkit, the font engine of pdfkit (and so of pdfmake), resolved through pdfmake's own dependencies. */
function loadFontkit(): Fontkit {
  const fromPdfmake = createRequire(require.resolve('pdfmake'));
  return createRequire(fromPdfmake.resolve('pdfkit'))('fontkit') as Fontkit;
}

type PdfMakeInstance = typeof pdfMake & {
  virtualfs: { existsSync(name: string): boolean; readFileSync(name: string): Uint8Array };
};
let pdfInstance: PdfMakeInstance | undefined;
let widthTables: { normal: WidthTable; bold: WidthTable } | undefined;

/**
 * A private pdfmake instance whose documents share one parsed font per weight (once per process).
 *
 * pdfkit parses the font it is given anew for every document, and re-reading the tables of a 10 MB CJK
 * font and its glyph metrics cost ~60 ms per report. So each weight is parsed once here, and pdfmake is
 * handed, through this instance's own virtual file system, a small marker buffer instead of the font
 * file; a font format registered with fontkit recognises exactly those two buffer objects and answers
 * with the parsed font. Other pdfmake users (the monitoring briefing) and other fonts are unaffected.
 * Sharing is safe because pdfkit keeps every per-document state (subset, widths, layout cache) in its
 * own wrapper, and it reads the font only in synchronous steps.
 */
function pdfMaker(): PdfMakeInstance {
  if (pdfInstance) return pdfInstance;
  const fontkit = loadFontkit();
  const fonts = {
    normal: fontkit.create(readFileSync(require.resolve(FONT_FILES.normal))),
    bold: fontkit.create(readFileSync(require.resolve(FONT_FILES.bold))),
  };
  const markers = new Map<Uint8Array, FontkitFont>([
    [Buffer.from('citycredit-report-font:normal'), fonts.normal],
    [Buffer.from('citycredit-report-font:bold'), fonts.bold],
  ]);
  fontkit.registerFormat(
    class SharedReportFont {
      static probe(buffer: Uint8Array): boolean {
        return markers.has(buffer);
      }
      constructor(stream: { buffer: Uint8Array }) {
        return markers.get(stream.buffer)!;
      }
    },
  );
  const files = new Map([...markers.keys()].map((b) => [b.toString(), b]));
  const Ctor = Object.getPrototypeOf(pdfMake).constructor as new () => PdfMakeInstance;
  const instance = new Ctor();
  instance.virtualfs = { existsSync: (name) => files.has(name), readFileSync: (name) => files.get(name)! };
  instance.setFonts({
    NotoSansSC: {
      normal: 'citycredit-report-font:normal',
      bold: 'citycredit-report-font:bold',
      italics: 'citycredit-report-font:normal',
      bolditalics: 'citycredit-report-font:bold',
    },
  });
  instance.setUrlAccessPolicy(() => false);
  instance.setLocalAccessPolicy(() => false);
  widthTables = { normal: new WidthTable(fonts.normal), bold: new WidthTable(fonts.bold) };
  pdfInstance = instance;
  return instance;
}

/** Loads the fonts now (at start-up), so the first report is not the slow one. */
export function warmUpReportRenderer(): void {
  pdfMaker();
}

// Page geometry (A4, points).
const PAGE_WIDTH = 595.28;
const MARGIN_X = 56;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X;
const CELL_PAD = 5;
const LABEL_WIDTH = 140;
/** Widths of a two-column label/value table filling the content width (padding and rules outside). */
const KV_WIDTHS: readonly number[] = [LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH - 4 * CELL_PAD - 1.5];
/** Text width of a cell spanning both columns: the columns, the padding between them and the rule. */
// Height estimate for keeping a heading with its first record (9.5 pt Noto Sans SC at line height 1.35,
// 3 + 3 pt padding and a 0.5 pt rule per row), and the most a heading and that record may take together.
const LINE_HEIGHT = 18.6;
const ROW_EXTRA = 6.5;
const KEEP_WITH_HEADING_MAX = 560;
const KV_SPAN_WIDTH = KV_WIDTHS[0] + KV_WIDTHS[1] + 2 * CELL_PAD + 0.5;

const INK = '#1f1f1f';
const MUTED = '#666666';
const RULE = '#b8b8b8';
const LABEL_INK = '#555555';
const TITLE_FILL = '#e6ecf5';

// Every property pdfmake looks up for a text run, set to a non-null value that means "off".
const TEXT_STYLE = {
  font: 'NotoSansSC',
  bold: false,
  italics: false,
  alignment: 'left',
  fontSize: 9.5,
  fontFeatures: false,
  characterSpacing: 0,
  color: INK,
  decoration: false,
  decorationColor: false,
  decorationStyle: false,
  decorationThickness: false,
  background: false,
  linkToPage: false,
  linkToDestination: false,
  noWrap: false,
  opacity: 1,
  sup: false,
  sub: false,
  lineHeight: 1.35,
  preserveLeadingSpaces: false,
  preserveTrailingSpaces: false,
  wordBreak: 'normal',
  leadingIndent: 0,
} as const;
type TextOpts = Partial<{ bold: boolean; fontSize: number; color: string; alignment: 'left' | 'center' | 'right'; characterSpacing: number; noWrap: boolean }>;

/** A text node whose single run carries its full style (see the note at the top). */
function text(value: string, opts: TextOpts = {}, node: Record<string, unknown> = {}): Content {
  return { text: [{ ...TEXT_STYLE, ...opts, text: value }], ...node } as unknown as Content;
}

// Our widths ignore kerning, which only narrows Latin text: a little slack keeps every line inside.
const WIDTH_SLACK = 1.5;

/** Text broken into lines (reports.text.ts) no wider than `width` points. */
function linesOf(value: string, width: number, opts: TextOpts = {}): string[] {
  return breakLines(value, width - WIDTH_SLACK, opts.fontSize ?? TEXT_STYLE.fontSize, opts.bold ? widthTables!.bold : widthTables!.normal);
}

/** Broken lines as pdfmake content: one unwrapped text node per line. */
function linesNode(lines: string[], opts: TextOpts = {}, node: Record<string, unknown> = {}): Content {
  const o = { ...opts, noWrap: true };
  if (lines.length === 1) return text(lines[0], o, node);
  return { stack: lines.map((l) => text(l, o)), ...node } as Content;
}

/** Text wrapped to `width` points by us rather than by pdfmake (see reports.text.ts). */
function wrapped(value: string, width: number, opts: TextOpts = {}, node: Record<string, unknown> = {}): Content {
  return linesNode(linesOf(value, width, opts), opts, node);
}

const tableLayout: CustomTableLayout = {
  hLineWidth: () => 0.5,
  // Outer edges only: a rule between label and value doubles the vector work for little legibility.
  vLineWidth: (i, node) => (i === 0 || i === node.table.widths!.length ? 0.5 : 0),
  hLineColor: () => RULE,
  vLineColor: () => RULE,
  paddingLeft: () => CELL_PAD,
  paddingRight: () => CELL_PAD,
  paddingTop: () => 3,
  paddingBottom: () => 3,
};

/** A label/value table; `title` becomes a shaded first row across both columns, repeated on a new page. */
function kvTable(rows: Array<[string, string]>, title?: string): { node: ContentTable; estimatedHeight: number } {
  const body: Content[][] = [];
  let lines = 0;
  const cell = (value: string, width: number, opts: TextOpts = {}, node: Record<string, unknown> = {}) => {
    const l = linesOf(value, width, opts);
    return { c: linesNode(l, opts, node), lines: l.length };
  };
  if (title) {
    const t = cell(title, KV_SPAN_WIDTH, { bold: true }, { colSpan: 2, fillColor: TITLE_FILL });
    body.push([t.c, {} as Content]);
    lines += t.lines;
  }
  for (const [k, v] of rows) {
    const label = cell(k, KV_WIDTHS[0], { color: LABEL_INK });
    const value = cell(v || '—', KV_WIDTHS[1]);
    body.push([label.c, value.c]);
    lines += Math.max(label.lines, value.lines);
  }
  return {
    // A fresh array: pdfmake replaces the numbers in `widths` with objects as it lays the table out.
    node: { table: { widths: [...KV_WIDTHS], body, dontBreakRows: true, headerRows: title ? 1 : 0, keepWithHeaderRows: title ? 1 : 0 }, layout: tableLayout, margin: [0, 2, 0, 8] },
    estimatedHeight: lines * LINE_HEIGHT + body.length * ROW_EXTRA,
  };
}

/** The QR code as vector squares (runs of dark modules merged per row). */
function qrCanvas(content: string, size: number): Content {
  const qr = QRCode.create(content, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = size / (n + 2 * quiet);
  const rects: Array<{ type: 'rect'; x: number; y: number; w: number; h: number; color: string }> = [];
  for (let y = 0; y < n; y++) {
    let run = -1;
    for (let x = 0; x <= n; x++) {
      const dark = x < n && qr.modules.get(y, x);
      if (dark && run < 0) run = x;
      if (!dark && run >= 0) {
        // A hair wider than the module, so that neighbouring squares leave no hairline gaps when viewed.
        rects.push({ type: 'rect', x: (quiet + run) * cell, y: (quiet + y) * cell, w: (x - run) * cell + 0.05, h: cell + 0.05, color: '#000000' });
        run = -1;
      }
    }
  }
  return { canvas: rects, margin: [(CONTENT_WIDTH - size) / 2, 4, 0, 4] } as Content;
}

const heading = (s: string): Content => text(s, { bold: true, fontSize: 13 }, { margin: [0, 12, 0, 6] });
const CN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三'];

/** The document definition of a report (exported for tests that inspect structure). */
export function reportDefinition(model: ReportModel): TDocumentDefinitions {
  pdfMaker(); // the width tables
  const s = model.subject;
  const platform = `${model.siteTitle}（${model.cityName}公共信用信息平台）`;
  const cover: Content[] = [
    text(model.siteTitle, { alignment: 'center', color: MUTED, fontSize: 11 }, { margin: [0, 60, 0, 0] }),
    text('公共信用信息报告', { alignment: 'center', bold: true, fontSize: 26, characterSpacing: 2 }, { margin: [0, 18, 0, 4] }),
    text('（法人和非法人组织版）', { alignment: 'center', fontSize: 11, color: MUTED }, { margin: [0, 0, 0, 40] }),
    kvTable([
      ['主体名称', s.name],
      ['统一社会信用代码', s.uscc],
      ['报告编号', model.number],
      ['出具时间', model.issuedAt],
      ['出具平台', platform],
      ['校验码', model.verificationCode],
    ]).node,
    qrCanvas(model.verifyUrl, 120),
    text('扫描二维码，或访问以下网址并输入报告编号和校验码，核验本报告真伪', { alignment: 'center', fontSize: 9, color: MUTED }),
    text(model.verifyUrl, { alignment: 'center', fontSize: 8, color: MUTED }, { margin: [0, 2, 0, 0], pageBreak: 'after' }),
  ];

  const notes = [
    `本报告由${platform}出具，参照《公共信用信息报告标准（2022年版）》的结构编制，免费提供。`,
    `本报告仅包含截至出具时间（${model.issuedAt}）在本平台依法向社会公开的公共信用信息。已完成信用修复、已撤销、已移出名单或公示期已届满的信息，以及仅限政务共享或授权查询的信息，均不纳入本报告。`,
    '本报告所列信息由各信息提供单位报送，内容以提供单位的原始记录为准。信用主体对信息有异议的，可向本平台或信息提供单位提出异议申诉。',
    `核验方式：访问 ${model.verifyPageUrl}，输入报告编号和校验码，或扫描封面二维码，或上传本报告 PDF 文件，即可核验报告真伪，并查看自出具以来该主体的公共信用信息是否发生变化。对 PDF 文件的任何改动都将导致核验不通过。`,
    '本报告反映出具时点的信息状况，出具后信息可能发生变化。',
  ];
  const body: Content[] = [heading(`${CN[0]}、报告说明`)];
  notes.forEach((n, i) => body.push(wrapped(`${i + 1}. ${n}`, CONTENT_WIDTH, {}, { margin: [0, 0, 0, 4] })));

  body.push(heading(`${CN[1]}、基础信息`));
  const basic: Array<[string, string]> = [
    ['主体名称', s.name],
    ['统一社会信用代码', s.uscc],
    ['主体类型', s.kindLabel],
  ];
  if (s.legalRepresentative !== null) basic.push(['法定代表人', s.legalRepresentative]);
  basic.push(['所属地区', s.region], ['成立日期', s.registeredOn]);
  body.push(kvTable(basic).node);

  body.push(heading(`${CN[2]}、公共信用信息概要`));
  body.push(kvTable(model.categories.map((c) => [c.title.replace(/信息$/, ''), c.records.length ? `${c.records.length} 条` : '暂无'])).node);

  // Only the categories that have records get a section (the summary above already says 暂无 for the others),
  // numbered in order, so an empty report is not six headings of 暂无 (issue 17 §5).
  model.categories
    .filter((c) => c.records.length > 0)
    .forEach((c, i) => {
      const head = heading(`${CN[3 + i]}、${c.title}（${c.records.length} 条）`);
      const tables = c.records.map((r, k) => kvTable(r.rows, `（${k + 1}）${r.title}`));
      // Keep a heading on the page of its first record, when that record fits on a page with it.
      if (tables[0].estimatedHeight < KEEP_WITH_HEADING_MAX) body.push({ stack: [head, tables[0].node], unbreakable: true });
      else body.push(head, tables[0].node);
      for (const t of tables.slice(1)) body.push(t.node);
    });
  body.push(text('—— 报告正文结束 ——', { alignment: 'center', color: MUTED }, { margin: [0, 16, 0, 0] }));

  return {
    info: { title: `公共信用信息报告 ${model.number}`, author: model.siteTitle, subject: s.name, creator: model.siteTitle, producer: model.siteTitle },
    pageSize: 'A4',
    pageMargins: [MARGIN_X, 60, MARGIN_X, 56],
    header: (page: number) =>
      page === 1
        ? null
        : ({
            columns: [text(`${model.siteTitle} · 公共信用信息报告`, { fontSize: 8, color: MUTED }), text(`报告编号：${model.number}`, { fontSize: 8, color: MUTED, alignment: 'right' })],
            margin: [MARGIN_X, 28, MARGIN_X, 0],
          } as Content),
    footer: (page: number, pages: number) => text(`第 ${page} 页  共 ${pages} 页`, { fontSize: 8, color: MUTED, alignment: 'center' }, { margin: [0, 20, 0, 0] }),
    content: [...cover, ...body],
    defaultStyle: { font: 'NotoSansSC', fontSize: 9.5, lineHeight: 1.35 },
  };
}

/** Renders the report as PDF bytes. Pure: the same model gives the same pages (the PDF's creation date aside). */
export async function renderReportPdf(model: ReportModel): Promise<Buffer> {
  const maker = pdfMaker();
  return maker.createPdf(reportDefinition(model)).getBuffer();
}
