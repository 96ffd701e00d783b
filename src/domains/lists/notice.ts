// The 告知书 (notice before listing, docs/domain/04-joint-measures.md §4.1a: the party is told the reasons, basis and
// its rights before listing, and its objection is answered). Rendered on demand from the entry as it stands, with
// pdfmake and the embedded Noto Sans SC font (as monitoring/render.ts does), so it always matches the register.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pdfMake from 'pdfmake';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { EntryDetail, ListTypeView } from './lists.schemas.ts';

const require = createRequire(import.meta.url);
const FONT_FILES = {
  normal: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
};
type PdfMakeInstance = typeof pdfMake & { virtualfs: { writeFileSync(name: string, content: Buffer): void } };
let instance: PdfMakeInstance | undefined;

/** A private pdfmake instance with the CJK font and no file or URL access. */
function pdfMaker(): PdfMakeInstance {
  if (instance) return instance;
  const Ctor = Object.getPrototypeOf(pdfMake).constructor as new () => PdfMakeInstance;
  const p = new Ctor();
  for (const [style, file] of Object.entries(FONT_FILES)) p.virtualfs.writeFileSync(`lists-noto-${style}.ttf`, readFileSync(require.resolve(file)));
  p.setFonts({ NotoSansSC: { normal: 'lists-noto-normal.ttf', bold: 'lists-noto-bold.ttf', italics: 'lists-noto-normal.ttf', bolditalics: 'lists-noto-bold.ttf' } });
  p.setUrlAccessPolicy(() => false);
  p.setLocalAccessPolicy(() => false);
  instance = p;
  return p;
}

/** The notice's text lines (also what tests assert), in order. */
export function noticeLines(d: EntryDetail, type: ListTypeView, objectionDays: number): { title: string; paragraphs: string[] } {
  const e = d.entry;
  const red = type.color === 'red';
  const title = red ? '拟列入守信激励名单告知书' : '拟列入严重失信主体名单告知书';
  const criteria = [type.definition.criteria.title, type.definition.criteria.docNo].filter(Boolean).join('（') + (type.definition.criteria.docNo ? '）' : '');
  const paragraphs = [
    `${e.subjectName}${e.uscc ? `（统一社会信用代码：${e.uscc}）` : ''}：`,
    `经审查，本机关拟将你（单位）列入“${type.name}”名单。决定文书号：${e.decisionNo}。`,
    `列入事由：${d.reason ?? ''}`,
    `认定依据：${criteria}，${d.criteriaClause ?? ''}。`,
    `依据记录：${d.basis.map((b) => `${b.docNo}（记录编号 ${b.id}）`).join('；') || '无'}。`,
    red
      ? `如对上述事项有异议，可自收到本告知书之日起${objectionDays}个工作日内（至 ${e.objectionUntil ?? '—'}）向本机关提出。`
      : `根据《国务院办公厅关于进一步完善失信约束制度构建诚信建设长效机制的指导意见》（国办发〔2020〕49号），你（单位）享有陈述、申辩的权利。如有异议，可自收到本告知书之日起${objectionDays}个工作日内（至 ${e.objectionUntil ?? '—'}）向本机关提出书面陈述、申辩意见并提交相关证据；逾期未提出的，视为放弃陈述、申辩权利。`,
    type.definition.validityYears ? `名单有效期：${type.definition.validityYears}年（${type.definition.validityNote}）。` : `名单有效期：${type.definition.validityNote}。`,
    `认定部门：${e.departmentName ?? type.definition.authority}`,
    `告知日期：${d.notifiedOn ?? ''}`,
  ];
  return { title, paragraphs };
}

/** Renders the notice as PDF. */
export async function renderNoticePdf(d: EntryDetail, type: ListTypeView, objectionDays: number): Promise<Buffer> {
  const { title, paragraphs } = noticeLines(d, type, objectionDays);
  const content: Content[] = [{ text: title, style: 'title' }, ...paragraphs.map((p, i): Content => ({ text: p, leadingIndent: i === 0 ? 0 : 22, margin: [0, 3, 0, 3] }))];
  const definition: TDocumentDefinitions = {
    info: { title, author: d.entry.departmentName ?? type.definition.authority },
    pageSize: 'A4',
    pageMargins: [60, 60, 60, 60],
    content,
    defaultStyle: { font: 'NotoSansSC', fontSize: 12, lineHeight: 1.5 },
    styles: { title: { fontSize: 18, bold: true, alignment: 'center', margin: [0, 0, 0, 16] } },
  };
  return pdfMaker().createPdf(definition).getBuffer();
}
