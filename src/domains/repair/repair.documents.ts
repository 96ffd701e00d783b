// The repair documents: the 信用修复承诺书 text the applicant confirms, the 信用修复决定书 / 不予修复决定书, and the
// 信用修复告知书 delivered with a penalty (两书同达, docs/domain/03-publicity.md §3.3). PDFs are rendered with pdfmake
// and the embedded Noto Sans SC fonts in a private instance with no URL or local-file access.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pdfMake from 'pdfmake';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';

const require = createRequire(import.meta.url);
const FONT_FILES = {
  normal: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
};
type PdfMakeInstance = typeof pdfMake & { virtualfs: { writeFileSync(name: string, content: Buffer): void } };
let pdfInstance: PdfMakeInstance | undefined;

/** A private pdfmake instance with the CJK fonts loaded once (as monitoring/render.ts does). */
function pdfMaker(): PdfMakeInstance {
  if (pdfInstance) return pdfInstance;
  const Ctor = Object.getPrototypeOf(pdfMake).constructor as new () => PdfMakeInstance;
  const instance = new Ctor();
  for (const [style, file] of Object.entries(FONT_FILES)) instance.virtualfs.writeFileSync(`repair-noto-${style}.ttf`, readFileSync(require.resolve(file)));
  instance.setFonts({ NotoSansSC: { normal: 'repair-noto-normal.ttf', bold: 'repair-noto-bold.ttf', italics: 'repair-noto-normal.ttf', bolditalics: 'repair-noto-bold.ttf' } });
  instance.setUrlAccessPolicy(() => false);
  instance.setLocalAccessPolicy(() => false);
  pdfInstance = instance;
  return instance;
}

/** A titled document of paragraphs and an optional table, as PDF. */
async function renderDocument(title: string, docNo: string | null, blocks: Array<string | { table: string[][] }>, footer: string[]): Promise<Buffer> {
  const content: Content[] = [{ text: title, fontSize: 18, bold: true, alignment: 'center', margin: [0, 0, 0, 6] }];
  if (docNo) content.push({ text: docNo, alignment: 'center', margin: [0, 0, 0, 12] });
  for (const b of blocks) {
    if (typeof b === 'string') content.push({ text: b, margin: [0, 3, 0, 3] });
    else
      content.push({
        table: { headerRows: 1, widths: b.table[0].map((_, i) => (i === b.table[0].length - 1 ? '*' : 'auto')), body: b.table.map((r, i) => r.map((c) => ({ text: c, bold: i === 0 }))) },
        fontSize: 10,
        margin: [0, 4, 0, 8],
      });
  }
  for (const f of footer) content.push({ text: f, alignment: 'right', margin: [0, 6, 0, 0] });
  const definition: TDocumentDefinitions = {
    info: { title },
    pageSize: 'A4',
    pageMargins: [60, 60, 60, 60],
    content,
    defaultStyle: { font: 'NotoSansSC', fontSize: 11, lineHeight: 1.5 },
  };
  return pdfMaker().createPdf(definition).getBuffer();
}

/** A record named in a repair document. */
export interface DocumentRecord {
  typeName: string;
  docNo: string;
  decisionDate: string | null;
  authority: string | null;
}

/**
 * The 信用修复承诺书 the applicant confirms (docs/domain/03-publicity.md §3.3: a public commitment that the
 * materials are true is a repair condition). Generated from the application, shown before submitting and
 * stored with it word for word.
 */
export function commitmentText(o: { subjectName: string; uscc: string; agentName: string; records: readonly DocumentRecord[]; channel: 'standard' | 'restructuring' }): string {
  const list = o.records.map((r, i) => `${i + 1}. ${r.typeName}（${r.docNo}${r.decisionDate ? `，${r.decisionDate}` : ''}）`).join('\n');
  return [
    '信用修复承诺书',
    `本单位${o.subjectName}（统一社会信用代码：${o.uscc}）申请对以下失信信息进行信用修复：`,
    list,
    '本单位郑重承诺：',
    o.channel === 'restructuring'
      ? '一、本单位重整计划或和解协议已经人民法院裁定批准，所提交的裁定书真实有效；'
      : '一、已纠正上述失信行为，全面履行行政处罚决定或相关义务，消除不良影响；',
    '二、所提交的全部材料真实、合法、有效，不存在隐瞒、伪造、变造等情形；',
    '三、今后严格遵守法律法规，诚信经营，自觉接受监督；',
    '四、如违反上述承诺，自愿接受撤销修复决定、重新公示失信信息并记入信用记录等处理，依法承担相应法律责任。',
    '本承诺书将与申请一并存档，并可依法向社会公开。',
    `经办人：${o.agentName}`,
  ].join('\n');
}

/** Input of a 信用修复决定书 or 不予修复决定书. */
export interface DecisionDocument {
  approved: boolean;
  decisionNo: string;
  subjectName: string;
  uscc: string;
  departmentName: string;
  appliedOn: string;
  decidedOn: string;
  reason: string | null;
  records: readonly DocumentRecord[];
}

/** The 信用修复决定书 (approved) or 不予修复决定书 (refused) as PDF. */
export function renderDecisionPdf(d: DecisionDocument): Promise<Buffer> {
  const table = [['类型', '决定文书号', '决定日期', '决定机关'], ...d.records.map((r) => [r.typeName, r.docNo, r.decisionDate ?? '', r.authority ?? ''])];
  const blocks: Array<string | { table: string[][] }> = [
    `${d.subjectName}（统一社会信用代码：${d.uscc}）：`,
    `你单位于 ${d.appliedOn} 提出的信用修复申请收悉，涉及以下失信信息：`,
    { table },
  ];
  if (d.approved) {
    blocks.push(
      '经审核，你单位已纠正失信行为、履行相关义务并作出信用承诺，符合信用修复条件，决定予以信用修复。',
      '自本决定作出之日起，上述信息终止公示，并停止共享，相关失信惩戒措施相应解除。修复前的记录依法存档，不予删除。',
    );
    if (d.reason) blocks.push(`说明：${d.reason}`);
  } else {
    blocks.push(`经审核，你单位的申请不符合信用修复条件，决定不予信用修复。理由：${d.reason ?? ''}`);
    blocks.push('你单位可在补正材料或条件具备后重新申请；对本决定不服的，可依法申请行政复议或者提起行政诉讼。');
  }
  return renderDocument(d.approved ? '信用修复决定书' : '不予信用修复决定书', d.decisionNo, blocks, [d.departmentName, d.decidedOn]);
}

/** Input of a 信用修复告知书 (两书同达). */
export interface NoticeDocument {
  subjectName: string;
  record: DocumentRecord;
  departmentName: string;
  siteTitle: string;
  portalUrl: string;
  /** The engine's decision: period, earliest repair date or why none. */
  publicUntil: string | null;
  earliestDate: string | null;
  notRepairableReason: string | null;
  materials: readonly string[];
  /** The working-day deadlines in force for the record's regime (settings). */
  answerDays: number;
  decideDays: number;
  issuedOn: string;
}

/** The 信用修复告知书 delivered with the penalty decision: the subject's rights, the earliest date and how to apply. */
export function renderNoticePdf(n: NoticeDocument): Promise<Buffer> {
  const blocks: Array<string | { table: string[][] }> = [
    `${n.subjectName}：`,
    `本机关对你单位作出的${n.record.typeName}（${n.record.docNo}${n.record.decisionDate ? `，${n.record.decisionDate}` : ''}）将依法在${n.siteTitle}等网站公示${n.publicUntil ? `，公示期至 ${n.publicUntil}` : ''}。现将信用修复权利告知如下：`,
  ];
  if (n.earliestDate) {
    blocks.push(
      `一、你单位在纠正失信行为、履行相关义务后，自 ${n.earliestDate} 起可以申请信用修复；修复后该信息终止公示，并停止共享。`,
      `二、申请方式：登录 ${n.portalUrl} 的“信用修复”栏目，凭统一社会信用代码和经办人信息在线申请，或到信用办窗口办理。信用修复不收取任何费用。`,
      `三、所需材料：${n.materials.join('；')}。`,
      `四、受理后 ${n.answerDays} 个工作日内答复；认定部门自收到申请之日起 ${n.decideDays} 个工作日内作出决定。`,
    );
  } else {
    blocks.push(`一、该信息依规不可信用修复：${n.notRepairableReason ?? ''}；公示期满后自动停止公示。`);
  }
  blocks.push('对公示内容有异议的，可以向本机关或信用办提出异议申诉。');
  return renderDocument('信用修复告知书', null, blocks, [n.departmentName, n.issuedOn]);
}
