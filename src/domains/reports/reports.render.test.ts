// The PDF says what the model says: cover, 报告说明, 基础信息, the summary with 暂无 for empty categories, a
// section only for each category that has records, every record; the QR code encodes the verification URL; no unmasked ID number is ever drawn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import QRCode from 'qrcode';
import { pdfText } from '../../../test/fixtures/monitoring/doc-text.ts';
import { checkIdNumber, generateIdNumber } from '../codes/index.ts';
import { mulberry32 } from '../../platform/random.ts';
import { samplePublicRecords, sampleReportModel, SAMPLE_SUBJECT } from './reports.fixtures.ts';
import { buildReportModel } from './reports.model.ts';
import { renderReportPdf, reportDefinition } from './reports.render.ts';

const idNumbersIn = (text: string) => (text.match(/\d{17}[\dXx]/g) ?? []).filter((s) => checkIdNumber(s).kind === 'id' && checkIdNumber(s).verdict !== 'invalid');

test('the PDF carries the cover, the sections and every public record', async () => {
  const model = sampleReportModel(8);
  const pdf = await renderReportPdf(model);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const text = pdfText(pdf);
  for (const s of [
    '公共信用信息报告',
    model.number,
    model.verificationCode,
    model.subject.name,
    model.subject.uscc,
    '信用西宁（西宁市公共信用信息平台）',
    model.verifyUrl,
    '一、报告说明',
    '二、基础信息',
    '法定代表人',
    '王建国',
    '青海省西宁市城西区',
    '三、公共信用信息概要',
    '四、行政处罚信息（8 条）',
    '已完成信用修复',
    `${model.verifyPageUrl}`,
  ]) {
    assert.ok(text.includes(s), `PDF text includes ${s}`);
  }
  // Empty categories are named once, in the summary, and get no section of their own (issue 17 §5).
  const summary = text.slice(text.indexOf('三、公共信用信息概要'), text.indexOf('四、行政处罚信息'));
  assert.equal((summary.match(/暂无/g) ?? []).length, 6, '暂无 for each empty category in the summary');
  for (const empty of ['行政许可信息（', '守信激励信息（', '失信惩戒信息（', '信用承诺信息（', '信用评价信息（', '其他公共信用信息（']) assert.ok(!text.includes(empty), `no section ${empty}`);
  for (const r of model.categories[1].records) assert.ok(text.includes(r.title), r.title);
  assert.deepEqual(idNumbersIn(text), []);
});

test('个体工商户 reports name no legal representative; an ID number in a free-text field is drawn fully hidden', async () => {
  const id = generateIdNumber(mulberry32(3), { region: '630103' });
  const [r] = samplePublicRecords(1);
  const model = buildReportModel({
    subject: { ...SAMPLE_SUBJECT, kind: 'individual_business', name: '城中鑫源便利店' },
    records: [{ ...r, fields: [...r.fields, { name: '备注', value: `经营者身份证号${id}` }] }],
    number: 'XYBG-630100-20261128-000002',
    verificationCode: 'QWERT789',
    issuedAt: new Date('2026-11-28T02:00:00Z'),
    siteTitle: '信用西宁',
    cityName: '西宁市',
    baseUrl: 'http://localhost',
  });
  const text = pdfText(await renderReportPdf(model));
  assert.ok(text.includes('个体工商户'));
  assert.ok(!text.includes('法定代表人'));
  assert.ok(!text.includes(SAMPLE_SUBJECT.legalRepresentative!));
  assert.ok(!text.includes(id));
  assert.ok(!text.includes(id.slice(0, 6) + '*'), 'not even the first 6 digits');
  assert.ok(text.includes(`经营者身份证号${'*'.repeat(18)}`));
  assert.deepEqual(idNumbersIn(text), []);
});

test('the QR code on the cover encodes the verification URL with number and code', () => {
  const model = sampleReportModel(1);
  const def = reportDefinition(model);
  const canvas = (def.content as Array<{ canvas?: Array<{ x: number; y: number; w: number }> }>).find((c) => c.canvas)!.canvas!;
  const qr = QRCode.create(model.verifyUrl, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  // The module size is the smallest height; positions are (quiet zone + index) × module.
  const cell = Math.min(...canvas.map((r) => (r as unknown as { h: number }).h)) - 0.05;
  const drawn = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
  for (const r of canvas) {
    const row = Math.round(r.y / cell) - 2;
    const from = Math.round(r.x / cell) - 2;
    const len = Math.round((r.w - 0.05) / cell);
    for (let k = 0; k < len; k++) drawn[row][from + k] = true;
  }
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) assert.equal(drawn[y][x], Boolean(qr.modules.get(y, x)), `module ${x},${y}`);
});
