// Renders a briefing model (report.ts) as HTML, .docx or PDF. All three read the same model, so
// the formats never disagree; HTML escapes every piece of data (event titles come from the web).
import { createRequire } from 'node:module';
import { AlignmentType, Document, HeadingLevel, ImageRun, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import pdfMake from 'pdfmake';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { chartPng, chartSvg, CHART_WIDTH, NOTO_SANS_SC_FILES, PRINT_SCALE } from './charts.render.ts';
import { MonitoringError } from './errors.ts';
import type { ReportChart, ReportModel, ReportTable } from './report.ts';
import { escapeHtml } from './util.ts';

export type ReportFormat = 'html' | 'docx' | 'pdf';

/** Format from an output file name (.html/.htm, .docx, .pdf). */
export function formatFromFilename(filename: string): ReportFormat {
  const ext = filename.toLowerCase().split('.').pop();
  if (ext === 'html' || ext === 'htm') return 'html';
  if (ext === 'docx') return 'docx';
  if (ext === 'pdf') return 'pdf';
  throw new MonitoringError('unsupported_format', `无法根据文件名「${filename}」确定通报格式，请使用 .pdf、.docx 或 .html`);
}

/** Renders the briefing as a standalone HTML page; all model text is escaped. */
export function renderHtml(model: ReportModel): string {
  const e = escapeHtml;
  const table = (t: ReportTable) =>
    `<table>\n<thead><tr>${t.head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead>\n<tbody>\n${t.rows
      .map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`)
      .join('\n')}\n</tbody>\n</table>`;
  const sections = model.sections
    .map((s) =>
      [
        `<section>`,
        `<h2>${e(s.heading)}</h2>`,
        ...s.paragraphs.map((p) => `<p>${e(p)}</p>`),
        s.items?.length ? `<ul>${s.items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>` : '',
        s.table ? table(s.table) : '',
        // ECharts' SVG escapes the text it draws (names come from score files).
        s.chart ? `<figure>${chartSvg(s.chart.option)}<figcaption>${e(s.chart.title)}</figcaption></figure>` : '',
        `</section>`,
      ]
        .filter(Boolean)
        .join('\n'),
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${e(model.title)}</title>
<style>
body{font-family:"Noto Sans SC","Source Han Sans SC","Microsoft YaHei",sans-serif;max-width:60em;margin:2em auto;line-height:1.8;color:#222}
h1{text-align:center;font-size:1.6em;margin-bottom:.2em}
.meta{text-align:center;color:#555}
h2{font-size:1.2em;margin-top:1.6em}
p{text-indent:2em;margin:.4em 0}
table{border-collapse:collapse;width:100%;margin:.8em 0;font-size:.9em}
th,td{border:1px solid #999;padding:.25em .5em;text-align:left}
th{background:#f0f0f0}
figure{margin:1em 0;text-align:center}
figure svg{max-width:100%;height:auto}
figcaption{color:#555;font-size:.9em}
</style>
</head>
<body>
<h1>${e(model.title)}</h1>
<p class="meta">${e(model.subtitle)}</p>
<p class="meta">${e(model.issuer)}\u3000${e(model.date)}</p>
${sections}
</body>
</html>
`;
}

/** Renders the briefing as a Word document. */
export async function renderDocx(model: ReportModel): Promise<Buffer> {
  const cell = (text: string, bold = false) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold })] })] });
  // Both charts are rasterised at once, off the event loop, before the document is assembled.
  const pictures = new Map(await Promise.all(model.sections.flatMap((s) => (s.chart ? [docxChart(s.chart).then((p) => [s, p] as const)] : []))));
  const children: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun({ text: model.title, bold: true, size: 36 })] }),
    new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun(model.subtitle)] }),
    new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun(`${model.issuer}\u3000${model.date}`)] }),
  ];
  for (const s of model.sections) {
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_2, spacing: { before: 240 }, children: [new TextRun({ text: s.heading, bold: true })] }));
    for (const p of s.paragraphs) children.push(new Paragraph({ indent: { firstLine: 480 }, children: [new TextRun(p)] }));
    for (const i of s.items ?? []) children.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun(i)] }));
    if (s.table) {
      children.push(
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: [new TableRow({ tableHeader: true, children: s.table.head.map((h) => cell(h, true)) }), ...s.table.rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) }))],
        }),
      );
    }
    children.push(...(pictures.get(s) ?? []));
  }
  const doc = new Document({
    title: model.title,
    creator: model.issuer,
    styles: { default: { document: { run: { font: { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '宋体' }, size: 24 } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}

/**
 * A chart as a PNG picture (the SVG the PDF draws, rasterised at print resolution) shown 16 cm wide,
 * then its caption; the picture's alt text says what the chart shows, for screen readers.
 */
async function docxChart(c: ReportChart): Promise<Paragraph[]> {
  const image = await chartPng(c.option);
  const width = image.width / PRINT_SCALE;
  const height = Math.round(image.height / PRINT_SCALE);
  return [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 120 },
      keepNext: true,
      children: [new ImageRun({ type: 'png', data: image.png, transformation: { width, height }, altText: { name: c.title, title: c.title, description: c.description } })],
    }),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 160 }, children: [new TextRun({ text: c.title, size: 18, color: '555555' })] }),
  ];
}

// The CJK font comes from the installed @expo-google-fonts/noto-sans-sc package; it is loaded
// into pdfmake's virtual file system once, so no local-file or URL access is ever granted.
const require = createRequire(import.meta.url);
const FONT_FILES = NOTO_SANS_SC_FILES;

type PdfMakeInstance = typeof pdfMake & {
  virtualfs: { writeFileSync(name: string, content: Buffer): void };
};
let pdfInstance: PdfMakeInstance | undefined;

/** A private pdfmake instance (not the shared singleton), so our fonts and policies affect no one else. */
function pdfMaker(): PdfMakeInstance {
  if (pdfInstance) return pdfInstance;
  const Ctor = Object.getPrototypeOf(pdfMake).constructor as new () => PdfMakeInstance;
  const instance = new Ctor();
  // Real paths, not pdfmake's virtual files: the charts' SVG text asks PDFKit for the font by the file name
  // pdfmake hands it, and PDFKit opens only real files (with virtual names it warned and fell back to the
  // current font). Local access stays closed except for these two files.
  const paths = { normal: require.resolve(FONT_FILES.normal), bold: require.resolve(FONT_FILES.bold) };
  instance.setFonts({ NotoSansSC: { normal: paths.normal, bold: paths.bold, italics: paths.normal, bolditalics: paths.bold } });
  const allowed = new Set(Object.values(paths));
  instance.setUrlAccessPolicy(() => false);
  instance.setLocalAccessPolicy((path: string) => allowed.has(path));
  pdfInstance = instance;
  return instance;
}

/** Cells this short (a number, 高于平均, a date) are kept on one line rather than broken mid-word. */
const NO_WRAP_MAX = 10;

/**
 * A table whose columns fit their headers (issue 17 §6: "满分", "高于平均" broke mid-word): the
 * first (name) column, and the second of a four-column table, take the remaining width; the others
 * are as wide as their header and short values, which never wrap (pdfmake's auto width would
 * otherwise let Chinese text break after any character).
 */
function pdfTable(t: ReportTable): Content {
  const star = (i: number) => i === 0 || (t.head.length === 4 && i === 1);
  return {
    table: {
      headerRows: 1,
      widths: t.head.map((_, i) => (star(i) ? '*' : 'auto')),
      body: [
        t.head.map((h) => ({ text: h, bold: true, fillColor: '#eeeeee', noWrap: true })),
        ...t.rows.map((r) => r.map((c, i) => ({ text: c, noWrap: !star(i) && [...c].length <= NO_WRAP_MAX }))),
      ],
    },
    fontSize: 9,
    margin: [0, 4, 0, 8],
  };
}

/** A chart as vector graphics with its caption; text in the embedded Noto Sans SC. */
function pdfChart(c: ReportChart): Content[] {
  return [
    { svg: chartSvg(c.option), width: CHART_WIDTH, font: 'NotoSansSC', margin: [0, 6, 0, 2] } as Content,
    { text: c.title, alignment: 'center', fontSize: 9, color: '#555555', margin: [0, 0, 0, 8] },
  ];
}

/** Renders the briefing as PDF with the Noto Sans SC font. */
export async function renderPdf(model: ReportModel): Promise<Buffer> {
  const content: Content[] = [
    { text: model.title, style: 'title' },
    { text: model.subtitle, alignment: 'center', color: '#555555' },
    { text: `${model.issuer}\u3000${model.date}`, alignment: 'center', color: '#555555', margin: [0, 0, 0, 12] },
  ];
  for (const s of model.sections) {
    content.push({ text: s.heading, style: 'heading' });
    for (const p of s.paragraphs) content.push({ text: p, leadingIndent: 20, margin: [0, 2, 0, 2] });
    // A copy: pdfmake rewrites the lists it lays out, and the model may be rendered again.
    if (s.items?.length) content.push({ ul: [...s.items], margin: [0, 2, 0, 2] });
    if (s.table) content.push(pdfTable(s.table));
    if (s.chart) content.push(...pdfChart(s.chart));
  }
  const definition: TDocumentDefinitions = {
    info: { title: model.title, author: model.issuer },
    pageSize: 'A4',
    pageMargins: [50, 50, 50, 50],
    content,
    defaultStyle: { font: 'NotoSansSC', fontSize: 11, lineHeight: 1.4 },
    styles: {
      title: { fontSize: 18, bold: true, alignment: 'center', margin: [0, 0, 0, 6] },
      heading: { fontSize: 13, bold: true, margin: [0, 10, 0, 4] },
    },
  };
  return pdfMaker().createPdf(definition).getBuffer();
}

/** Renders a briefing model: HTML as a string, .docx and PDF as Buffers. */
export async function renderReport(model: ReportModel, format: 'html'): Promise<string>;
export async function renderReport(model: ReportModel, format: 'docx' | 'pdf'): Promise<Buffer>;
export async function renderReport(model: ReportModel, format: ReportFormat): Promise<string | Buffer>;
export async function renderReport(model: ReportModel, format: ReportFormat): Promise<string | Buffer> {
  if (format === 'html') return renderHtml(model);
  if (format === 'docx') return renderDocx(model);
  if (format === 'pdf') return renderPdf(model);
  throw new MonitoringError('unsupported_format', `不支持的通报格式「${String(format)}」`);
}
