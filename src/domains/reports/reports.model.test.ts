// The pure part of the credit report: numbers, codes, the model (what is shown and what is left out),
// the fingerprint, and line breaking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { generateIdNumber } from '../codes/index.ts';
import { mulberry32 } from '../../platform/random.ts';
import { samplePublicRecords, SAMPLE_SUBJECT } from './reports.fixtures.ts';
import {
  beijingDay,
  beijingTime,
  buildReportModel,
  CODE_ALPHABET,
  formatReportNumber,
  newVerificationCode,
  normaliseCode,
  publicFingerprint,
  REPORT_NUMBER_PATTERN,
  type ModelInput,
} from './reports.model.ts';
import { breakLines, WidthTable } from './reports.text.ts';

const input = (over: Partial<ModelInput> = {}): ModelInput => ({
  subject: SAMPLE_SUBJECT,
  records: samplePublicRecords(3),
  number: 'XYBG-630100-20261128-000001',
  verificationCode: 'ABCD2345',
  issuedAt: new Date('2026-11-28T16:30:00Z'),
  siteTitle: '信用西宁',
  cityName: '西宁市',
  baseUrl: 'https://credit.example/',
  ...over,
});

test('report numbers: region, Beijing day, six-digit daily sequence', () => {
  const at = new Date('2026-11-28T16:30:00Z'); // 00:30 on the 29th in Beijing
  assert.equal(beijingDay(at), '2026-11-29');
  assert.equal(beijingTime(at), '2026-11-29 00:30:00');
  const n = formatReportNumber('630100', beijingDay(at), 123);
  assert.equal(n, 'XYBG-630100-20261129-000123');
  assert.match(n, new RegExp(REPORT_NUMBER_PATTERN));
  assert.match(formatReportNumber('630100', '2026-11-29', 1_234_567), new RegExp(REPORT_NUMBER_PATTERN));
});

test('verification codes: 8 characters from the unambiguous alphabet, normalised on input', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const c = newVerificationCode();
    assert.match(c, /^[A-Z2-9]{8}$/);
    assert.ok([...c].every((x) => CODE_ALPHABET.includes(x)));
    assert.doesNotMatch(c, /[01OIL]/);
    seen.add(c);
  }
  assert.equal(seen.size, 200);
  assert.equal(normaliseCode(' abcd-2345 '), 'ABCD2345');
  assert.equal(normaliseCode('ABCD234O'), null, 'O is not in the alphabet');
  assert.equal(normaliseCode('ABC'), null);
});

test('the model groups records by category, drops identity fields and shows the platform’s end of publicity', () => {
  const m = buildReportModel(input());
  assert.deepEqual(
    m.categories.map((c) => [c.key, c.records.length]),
    [['permit', 0], ['penalty', 3], ['red', 0], ['black', 0], ['commitment', 0], ['evaluation', 0], ['other', 0]],
  );
  const labels = m.categories[1].records[0].rows.map(([k]) => k);
  for (const gone of ['行政相对人名称', '行政相对人类别', '法定代表人', '证件号码', '公示截止期']) assert.ok(!labels.includes(gone), gone);
  assert.ok(labels.some((l) => l.includes('决定书文号')));
  assert.equal(labels[labels.length - 1], '公示期至');
  assert.equal(m.verifyUrl, 'https://credit.example/verify?no=XYBG-630100-20261128-000001&code=ABCD2345');
  assert.equal(m.verifyPageUrl, 'https://credit.example/verify');
  assert.equal(m.subject.region, '青海省西宁市城西区');
  assert.equal(m.subject.legalRepresentative, '王建国');
  assert.equal(m.issuedAt, '2026-11-29 00:30:00');
});

test('个体工商户: no legal representative (the operator is a natural person); unknown record types go to 其他', () => {
  const [r] = samplePublicRecords(1);
  const m = buildReportModel(input({ subject: { ...SAMPLE_SUBJECT, kind: 'individual_business' }, records: [{ ...r, type: 'something_new' }] }));
  assert.equal(m.subject.legalRepresentative, null);
  assert.equal(m.subject.kindLabel, '个体工商户');
  assert.equal(m.categories.find((c) => c.key === 'other')!.records.length, 1);
});

test('a valid ID number inside any shown value is hidden entirely (not even 6 + 4 digits are kept)', () => {
  const id = generateIdNumber(mulberry32(7), { region: '630102' });
  const [r] = samplePublicRecords(1);
  const m = buildReportModel(input({ records: [{ ...r, fields: [...r.fields, { name: '备注', value: `身份证${id}` }] }] }));
  const all = JSON.stringify(m);
  assert.ok(!all.includes(id));
  assert.ok(!all.includes(`${id.slice(0, 6)}*`), 'no partly masked ID number');
  assert.ok(all.includes(`身份证${'*'.repeat(18)}`));
});

test('fingerprint: independent of order, changed by public content, not by the explanation text', () => {
  const rs = samplePublicRecords(4);
  const f = publicFingerprint(SAMPLE_SUBJECT, rs);
  assert.equal(publicFingerprint(SAMPLE_SUBJECT, [...rs].reverse()), f);
  assert.equal(publicFingerprint(SAMPLE_SUBJECT, rs.map((r) => ({ ...r, publicity: '另一种说明' }))), f);
  assert.notEqual(publicFingerprint(SAMPLE_SUBJECT, rs.slice(1)), f, 'a record left publicity');
  const edited = rs.map((r, i) => (i === 0 ? { ...r, fields: r.fields.map((x) => (x.name === '处罚内容' ? { ...x, value: x.value + '（更正）' } : x)) } : r));
  assert.notEqual(publicFingerprint(SAMPLE_SUBJECT, edited), f, 'a public field was corrected');
  assert.notEqual(publicFingerprint(SAMPLE_SUBJECT, rs.map((r, i) => (i === 0 ? { ...r, publicUntil: '2030-01-01' } : r))), f);
  assert.notEqual(publicFingerprint({ ...SAMPLE_SUBJECT, name: '新名称有限公司' }, rs), f, 'the subject was renamed');
});

// Line breaking with the real font widths.
const require = createRequire(import.meta.url);
const fontkit = createRequire(createRequire(require.resolve('pdfmake')).resolve('pdfkit'))('fontkit') as { create(b: Buffer): ConstructorParameters<typeof WidthTable>[0] };
const widths = new WidthTable(fontkit.create(readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'))));

test('lines fit the width, keep Latin words and numbers whole, and respect 避头尾', () => {
  const text =
    '经查，当事人于2026/06/27在西宁市湟源县胜利路73号违规倾倒建筑垃圾，违反了《西宁市市容环境卫生管理条例》的有关规定。罚款人民币50000元（伍万元整），并责令限期改正。';
  for (const width of [60, 100, 160, 333]) {
    const lines = breakLines(text, width, 9.5, widths);
    assert.equal(lines.join(''), text, 'nothing lost or added');
    for (const l of lines) {
      assert.ok(widths.width(l, 9.5) <= width + 0.001 || l.length === 1, `${l} fits ${width}`);
      assert.doesNotMatch(l, /^[，。、）》：；]/, `no line starts with closing punctuation: ${l}`);
      assert.doesNotMatch(l, /[（《]$/, `no line ends with opening punctuation: ${l}`);
    }
    assert.ok(!lines.some((l, i) => i > 0 && /^\d/.test(l) && /\d$/.test(lines[i - 1])), 'numbers are not split');
  }
  assert.deepEqual(breakLines('第一行\n\n第三行', 200, 9.5, widths), ['第一行', '', '第三行']);
  assert.deepEqual(breakLines('', 200, 9.5, widths), ['']);
  const url = 'https://credit.xining.example/verify?no=XYBG-630100-20261128-000123&code=K7QM4TZP';
  const cut = breakLines(url, 120, 9.5, widths);
  assert.ok(cut.length > 1);
  assert.equal(cut.join(''), url, 'a token longer than a line is cut between characters');
  assert.deepEqual(breakLines('hello world again', 45, 9.5, widths).map((l) => l.trim()), ['hello', 'world', 'again']);
});
