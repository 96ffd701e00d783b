import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { userTextProblems } from '../../../test/helpers/devText.ts';
import { checklistNumberLabel, checklistToXlsx, defaultChecklist, importChecklistXlsx, summarizeChecklist, validateChecklist, type InstitutionItem } from './checklist.ts';
import { MonitoringError } from './errors.ts';

// Factory with overrides for checklist items.
let seq = 0;
function item(over: Partial<InstitutionItem> = {}): InstitutionItem {
  seq += 1;
  return { id: `T-${seq}`, domain: '商务诚信', subdomain: '金融', name: `制度${seq}`, status: 'blank', ...over };
}
const municipalDoc = { title: '西宁市信用修复管理办法', number: '宁政办〔2017〕88号', date: '2017-06-01', link: 'http://www.xining.gov.cn/x' };

test('the shipped checklist is valid, covers every domain and cites its documents', () => {
  const items = defaultChecklist();
  assert.ok(items.length >= 60);
  const s = summarizeChecklist(items);
  assert.deepEqual(
    s.byDomain.map((d) => d.domain),
    ['综合', '商务诚信', '社会诚信', '政务诚信', '司法公信'],
  );
  for (const i of items.filter((x) => x.status === 'national')) assert.ok(i.document?.title && i.basis, i.name);
  assert.equal(s.text, `${s.total} 项：已落实 ${s.national}，已出台 ${s.municipal}，空白 ${s.blank}`);
});

test('summary counts by status and domain in the progress-report format, with a gap list', () => {
  const items = [
    ...Array.from({ length: 59 }, () => item({ status: 'national', document: { title: '国家文件' } })),
    ...Array.from({ length: 30 }, () => item({ domain: '社会诚信', subdomain: '医药卫生', status: 'municipal', document: municipalDoc })),
    ...Array.from({ length: 64 }, (_, k) => item({ domain: k < 40 ? '政务诚信' : '司法公信', subdomain: undefined })),
  ];
  const s = summarizeChecklist(validateChecklist(items));
  assert.equal(s.text, '153 项：已落实 59，已出台 30，空白 64');
  assert.deepEqual(
    s.byDomain.map((d) => [d.domain, d.total, d.national, d.municipal, d.blank]),
    [
      ['商务诚信', 59, 59, 0, 0],
      ['社会诚信', 30, 0, 30, 0],
      ['政务诚信', 40, 0, 0, 40],
      ['司法公信', 24, 0, 0, 24],
    ],
  );
  assert.deepEqual(
    s.gaps.map((g) => [g.domain, g.items.length]),
    [
      ['政务诚信', 40],
      ['司法公信', 24],
    ],
  );
  assert.equal(summarizeChecklist([]).text, '0 项：已落实 0，已出台 0，空白 0');
});

test('status rules: 市级已出台 needs title, number and date; 已落实 needs the document', () => {
  assert.throws(
    () => validateChecklist([item({ status: 'municipal', document: { title: '西宁市某办法' } }), item({ status: 'national' }), item({ domain: '火星' })]),
    (e: unknown) =>
      e instanceof MonitoringError &&
      e.code === 'invalid_checklist' &&
      e.issues.length === 3 &&
      /须填写文号/.test(e.message) &&
      /须填写发布日期/.test(e.message) &&
      /文件名称/.test(e.issues[1].message) &&
      /未知领域「火星」/.test(e.message),
  );
  assert.throws(() => validateChecklist([item({ subdomain: '医药卫生' })]), /不属于领域「商务诚信」/);
  assert.throws(() => validateChecklist([item({ status: 'municipal', document: { ...municipalDoc, link: 'javascript:alert(1)' } })]), /链接/);
});

test('XLSX export and import round-trip', async () => {
  const items = [item({ status: 'municipal', document: municipalDoc, basis: '市政府文件' }), item(), item({ domain: '综合', subdomain: undefined, status: 'national', document: { title: '社会信用体系建设规划纲要（2014—2020年）', number: '国发〔2014〕21号' } })];
  const back = await importChecklistXlsx(await checklistToXlsx(items));
  assert.deepEqual(back, JSON.parse(JSON.stringify(items)));
  const defaults = defaultChecklist();
  assert.deepEqual(await importChecklistXlsx(await checklistToXlsx(defaults)), defaults);
});

test('XLSX import names every bad row', async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('清单');
  ws.addRow(['领域', '子领域', '制度名称', '状态', '文件名称', '文号', '发布日期', '链接']);
  ws.addRow(['商务诚信', '金融', '金融领域信用管理办法', '市级已出台', '西宁市金融领域信用管理办法', '', new Date(Date.UTC(2017, 5, 1)), '']);
  ws.addRow(['商务诚信', '金融', '金融领域黑名单认定标准', '待定', '', '', '', '']);
  ws.addRow(['', '', '', '空白', '', '', '', '']);
  ws.addRow(['商务诚信', '流通', '流通领域信用分级分类监管办法', '空白', '', '', '', '']);
  ws.addRow(['商务诚信', '流通', '流通领域信用分级分类监管办法', '空白', '', '', '', '']);
  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  await assert.rejects(importChecklistXlsx(buffer), (e: unknown) => {
    assert.ok(e instanceof MonitoringError);
    assert.deepEqual(
      e.issues.map((i) => `${i.row}: ${i.message}`),
      [
        '2: 状态为“市级已出台”时须填写文号',
        '3: 状态「待定」无效，应为 国家/省级已落实、市级已出台 或 空白',
        '4: 制度名称为空；领域为空',
        '6: 与第 5 行重复（商务诚信 流通领域信用分级分类监管办法）',
      ],
    );
    return true;
  });
  const header = new ExcelJS.Workbook();
  header.addWorksheet('x').addRow(['名称']);
  await assert.rejects(importChecklistXlsx(Buffer.from(await header.xlsx.writeBuffer())), /表头缺少列 领域、制度名称、状态/);
});

// ---------------------------------------------------------------- issue 16 §3

test('the shipped checklist has the 153 standards, cites a document for every implemented one and says 待核实 where its facts are unverified', () => {
  const items = defaultChecklist();
  assert.equal(items.length, 153);
  // The basis is user text (API, exported .xlsx): no development note. The developers' tags stay in the file's
  // `sources`, and every [M] or [P] fact there is said as 待核实 in the basis (the facts kept, only the form changed).
  const sources = (JSON.parse(readFileSync(new URL('./defaults/institutions.json', import.meta.url), 'utf8')) as { sources: Record<string, string> }).sources;
  assert.deepEqual(Object.keys(sources), items.map((i) => i.id));
  assert.deepEqual(items.flatMap((i) => userTextProblems(i.id, i.basis)), []);
  for (const i of items) {
    assert.ok(i.basis, `${i.id} has a basis`);
    assert.match(sources[i.id], /\[(V|M|P|公开文件)|\/P\]/, `${i.id} keeps its confidence tag for developers`);
    if (/\[[MP]|\/P\]/.test(sources[i.id])) assert.match(i.basis!, /待核实/, `${i.id}: ${sources[i.id]}`);
  }
  for (const i of items.filter((x) => x.status === 'national')) assert.ok(i.document?.title, i.id);
  const s = summarizeChecklist(items);
  assert.deepEqual(s.byDomain.map((d) => d.domain), ['综合', '商务诚信', '社会诚信', '政务诚信', '司法公信']);
  // Every sub-domain of the taxonomy has at least two standards.
  for (const d of s.byDomain.filter((x) => x.domain !== '综合')) for (const sub of d.subdomains) assert.ok(sub.total >= 2, `${d.domain}·${sub.subdomain}`);
});

test("the city's three documents are 市级已出台 (number and date 待核); national documents that exist are not 空白", () => {
  const items = defaultChecklist();
  const municipal = items.filter((i) => i.status === 'municipal');
  assert.deepEqual(municipal.map((i) => i.document!.title), [
    '西宁市社会信用体系建设实施方案',
    '西宁市建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的实施方案',
    '西宁市食品药品安全信用信息及“黑名单”管理制度（试行）',
  ]);
  for (const m of municipal) assert.equal(m.document!.unconfirmed, true);
  for (const number of ['国发〔2016〕76号', '国办发〔2016〕98号', '国发〔2014〕21号', '国发〔2016〕33号']) {
    const cited = items.filter((i) => i.document?.number === number);
    assert.ok(cited.length >= 1, number);
    for (const i of cited) assert.equal(i.status, 'national', `${i.id} ${number}`);
  }
  assert.equal(items.find((i) => i.id === 'GOV-01')!.status, 'national');
});

test('GEN-05 says that order No. 58 is repealed from 2026-04-01', () => {
  const gen05 = defaultChecklist().find((i) => i.id === 'GEN-05')!;
  assert.equal(gen05.document!.title, '信用修复管理办法');
  assert.match(gen05.basis!, /《信用修复管理办法》（国家发展改革委）自2026年4月1日起施行/);
  assert.match(gen05.basis!, /国家发展改革委令第58号.*自2026年4月1日起废止/);
});

test('a 待核 municipal document needs no number or date; without the mark the rule stands', () => {
  const doc = { title: '西宁市某实施方案' };
  assert.doesNotThrow(() => validateChecklist([item({ status: 'municipal', document: { ...doc, unconfirmed: true } })]));
  assert.throws(() => validateChecklist([item({ status: 'municipal', document: doc })]), /须填写文号/);
});

test('online publication: only issued items may carry it, links must be http(s); the summary counts only published ones', () => {
  assert.throws(() => validateChecklist([item({ online: { url: 'https://x.cn/a' } })]), /空白.*不能填写网上公开信息/);
  assert.throws(() => validateChecklist([item({ status: 'municipal', document: municipalDoc, online: { url: 'javascript:x' } })]), /网上公开链接/);
  assert.throws(() => validateChecklist([item({ status: 'municipal', document: municipalDoc, online: { url: 'https://x.cn/a', date: '2017/6/1' } })]), /网上公开日期/);
  const items = validateChecklist([
    item({ status: 'municipal', document: municipalDoc, online: { url: 'https://x.cn/a', date: '2017-06-02' } }),
    item({ status: 'national', document: { title: '国家文件甲' } }),
    item({ status: 'national', document: { title: '国家文件乙' }, online: { url: 'https://x.cn/b' } }),
    item(),
  ]);
  const s = summarizeChecklist(items);
  assert.equal(s.online, 2);
  assert.deepEqual(s.unpublished.map((i) => i.document!.title), ['国家文件甲']);
});

test('XLSX round-trip keeps 待核 and the online link and date', async () => {
  const items = [
    item({ status: 'municipal', document: { title: '西宁市某方案', unconfirmed: true }, online: { url: 'https://credit.xining.gov.cn/1', date: '2017-05-03' } }),
    item({ status: 'national', document: { title: '国家文件' }, online: { url: 'https://x.cn/b' } }),
  ];
  assert.deepEqual(await importChecklistXlsx(await checklistToXlsx(items)), JSON.parse(JSON.stringify(items)));
});

test('the console shows a number with its prefix in Chinese, never the code (issue 17 §4)', () => {
  // [id, label]
  const cases: [string, string][] = [
    ['GEN-01', '综合-01'],
    ['SUB-37', '行业领域-37'],
    ['GOV-09', '政务诚信-09'],
    ['JUD-02', '司法公信-02'],
    ['XN-7', 'XN-7'],
    ['本市-3', '本市-3'],
  ];
  for (const [id, label] of cases) assert.equal(checklistNumberLabel(id), label, id);
  // Every shipped item's number reads in Chinese.
  for (const i of defaultChecklist()) assert.doesNotMatch(checklistNumberLabel(i.id), /[A-Z]/, i.id);
});
