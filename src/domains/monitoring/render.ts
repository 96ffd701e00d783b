// Renders a briefing model (report.ts) as HTML, .docx or PDF. All three read the same model, so
// the formats never disagree; HTML escapes every piece of data (event titles come from the web).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import pdfMake from 'pdfmake';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { MonitoringError } from './errors.ts';
import type { ReportModel, ReportTable } from './report.ts';
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
  }
  const doc = new Document({
    title: model.title,
    creator: model.issuer,
    styles: { default: { document: { run: { font: { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '宋体' }, size: 24 } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}

// The CJK font comes from the installed @expo-google-fonts/noto-sans-sc package; it is loaded
// into pdfmake's virtual file system once, so no local-file or URL access is ever granted.
const require = createRequire(import.meta.url);
const FONT_FILES = {
  normal: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
};

type PdfMakeInstance = typeof pdfMake & {
  virtualfs: { writeFileSync(name: string, content: Buffer): void };
};
let pdfInstance: PdfMakeInstance | undefined;

/** A private pdfmake instance (not the shared singleton), so our fonts and policies affect no one else. */
function pdfMaker(): PdfMakeInstance {
  if (pdfInstance) return pdfInstance;
  const Ctor = Object.getPrototypeOf(pdfMake).constructor as new () => PdfMakeInstance;
  const instance = new Ctor();
  for (const [style, file] of Object.entries(FONT_FILES)) {
    instance.virtualfs.writeFileSync(`citycredit-noto-sans-sc-${style}.ttf`, readFileSync(require.resolve(file)));
  }
  instance.setFonts({
    NotoSansSC: {
      normal: 'citycredit-noto-sans-sc-normal.ttf',
      bold: 'citycredit-noto-sans-sc-bold.ttf',
      italics: 'citycredit-noto-sans-sc-normal.ttf',
      bolditalics: 'citycredit-noto-sans-sc-bold.ttf',
    },
  });
  instance.setUrlAccessPolicy(() => false);
  instance.setLocalAccessPolicy(() => false);
  pdfInstance = instance;
  return instance;
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
    if (s.items?.length) content.push({ ul: s.items, margin: [0, 2, 0, 2] });
    if (s.table) {
      content.push({
        table: {
          headerRows: 1,
          widths: s.table.head.map((_, i) => (i === 0 || (s.table!.head.length === 4 && i === 1) ? '*' : 'auto')),
          body: [s.table.head.map((h) => ({ text: h, bold: true, fillColor: '#eeeeee' })), ...s.table.rows.map((r) => r.map((c) => ({ text: c })))],
        },
        fontSize: 9,
        margin: [0, 4, 0, 8],
      });
    }
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
