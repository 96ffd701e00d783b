import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { MonitoringError } from '../domains/monitoring/index.ts';
import { registerMonitorCommands, runEventsClassify, runMonitorCompare, runMonitorReport } from './monitor.ts';
import { docxText, pdfText } from '../../test/fixtures/monitoring/doc-text.ts';
import { SCORES_36, SCORES_36_2020, expectedComparison } from '../../test/fixtures/monitoring/expectations.ts';

const scores = fileURLToPath(SCORES_36);
const fixture = (name: string) => fileURLToPath(new URL(name, SCORES_36));
const dir = mkdtempSync(join(tmpdir(), 'citycredit-monitor-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function sink(): Writable & { text(): string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { text(): string };
  w.text = () => chunks.join('');
  return w;
}

const sorted = (xs: string[]) => [...xs].sort();

for (const [file, treeFile] of [
  [SCORES_36, 'gen1.json'],
  [SCORES_36_2020, 'y2020.json'],
] as const) {
  test(`monitor compare --json (${treeFile}) matches expectations computed from the raw file`, async () => {
    const out = sink();
    await runMonitorCompare({ scores: fileURLToPath(file), city: '西宁市', json: true }, out);
    const json = JSON.parse(out.text());
    const want = expectedComparison(file, treeFile, '西宁市');
    assert.deepEqual(Object.keys(json), ['city', 'month', 'rank', 'of', 'composite', 'average', 'indicators']);
    assert.deepEqual([json.city, json.month, json.rank, json.of], ['西宁市', want.month, want.rank, 36]);
    assert.ok(Math.abs(json.composite - want.composite) < 1e-4 && Math.abs(json.average - want.average) < 1e-4);
    for (const i of json.indicators) assert.deepEqual(Object.keys(i), ['code', 'name', 'parent', 'score', 'average', 'relation', 'gap']);
    for (const r of ['below', 'equal', 'above'] as const) {
      assert.deepEqual(sorted(json.indicators.filter((i: { relation: string }) => i.relation === r).map((i: { name: string }) => i.name)), sorted(want[r]), r);
    }
  });
}

test('monitor compare without --json prints a readable Chinese table; --month picks a month', async () => {
  const out = sink();
  await runMonitorCompare({ scores, city: '西宁市', month: '2017-10', tree: 'gen1', cities: fixture('cities-36.txt') }, out);
  const want = expectedComparison(SCORES_36, 'gen1.json', '西宁市', '2017-10');
  const text = out.text();
  assert.match(text, /西宁市 2017年10月/);
  assert.match(text, new RegExp(`排名第 ${want.rank} / 36 位`));
  for (const name of want.below) assert.match(text, new RegExp(`${name}\\s+[\\d.]+\\s+[\\d.]+\\s+低于平均`));
  for (const name of want.equal) assert.match(text, new RegExp(`${name}\\s+[\\d.]+\\s+[\\d.]+\\s+与平均持平`));
});

test('monitor compare reports bad input as domain errors', async () => {
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'month,city,indicator,score\n2017-12,西宁市,信用事件监测,abc\n');
  await assert.rejects(runMonitorCompare({ scores: bad, city: '西宁市' }, sink()), (e: unknown) => e instanceof MonitoringError && /第 2 行：得分「abc」不是数字/.test(e.message));
  await assert.rejects(runMonitorCompare({ scores, city: '西宁市', month: '2017/13' }, sink()), /月份「2017\/13」格式错误/);
  await assert.rejects(runMonitorCompare({ scores, city: '西宁市', tree: 'gen3' }, sink()), /未知指标体系「gen3」/);
  await assert.rejects(runMonitorCompare({ scores: join(dir, 'missing.csv'), city: '西宁市' }, sink()), (e: unknown) => e instanceof MonitoringError && e.code === 'file_not_found' && e.status === 404);
  await assert.rejects(runMonitorCompare({ scores, city: '西宁市', tree: '2020' }, sink()), /未知指标「信用事件监测」/);
});

test('monitor report writes HTML, DOCX and PDF that name the relations of the raw file', async () => {
  const want = expectedComparison(SCORES_36, 'gen1.json', '西宁市');
  const names = (text: string, label: string) => sorted([...(new RegExp(`${label}：((?:「[^」]+」)+)`).exec(text)?.[1] ?? '').matchAll(/「([^」]+)」/g)].map((m) => m[1]));
  const read = { html: (f: string) => readFileSync(f, 'utf8'), docx: (f: string) => docxText(readFileSync(f)), pdf: (f: string) => pdfText(readFileSync(f)) };
  for (const format of ['html', 'docx', 'pdf'] as const) {
    const file = join(dir, `briefing.${format}`);
    const out = sink();
    const r = await runMonitorReport({ scores, city: '西宁市', out: file, events: fixture('events-sample.csv'), date: '2018-01-10' }, out);
    assert.deepEqual(r, { file, format, hasData: true });
    assert.match(out.text(), /已生成通报/);
    const text = read[format](file);
    assert.deepEqual(names(text, '低于平均'), sorted(want.below), format);
    assert.deepEqual(names(text, '与平均持平'), sorted(want.equal), format);
    assert.deepEqual(names(text, '高于平均'), sorted(want.above), format);
    if (format === 'html') {
      assert.ok(!text.includes('<script>'));
      assert.ok(text.includes('&lt;script&gt;'));
      assert.ok(!text.includes('偷排废水'), 'only the briefing month’s events are listed');
    }
  }
});

test('monitor report for a month without data says so; a bad extension is refused', async () => {
  const file = join(dir, 'empty.html');
  const r = await runMonitorReport({ scores, city: '西宁市', out: file, month: '2018-03' }, sink());
  assert.equal(r.hasData, false);
  assert.match(readFileSync(file, 'utf8'), /2018年3月没有西宁市的城市信用监测数据/);
  await assert.rejects(runMonitorReport({ scores, city: '西宁市', out: join(dir, 'x.txt') }, sink()), /无法根据文件名/);
  await assert.rejects(runMonitorReport({ scores, city: '银川', out: join(dir, 'x.html') }, sink()), /没有城市「银川」.*是否指「银川市」/);
});

test('events classify prints one tab-separated line per title', async () => {
  const out = sink();
  const n = await runEventsClassify(Readable.from(['某超市销售过期食品被罚款\n', '\n', '西宁市某企业获评A级纳税人\r\n', '含\t制表符的 标题\n']), out);
  assert.equal(n, 3);
  const lines = out.text().trim().split('\n').map((l) => l.split('\t'));
  assert.ok(lines.every((l) => l.length === 5));
  assert.deepEqual(lines[0].slice(0, 4), ['某超市销售过期食品被罚款', '商务诚信', '流通', 'bad']);
  assert.deepEqual(lines[1].slice(0, 4), ['西宁市某企业获评A级纳税人', '商务诚信', '税务', 'good']);
  assert.match(lines[0][4], /^(0\.\d\d|1\.00)$/);
  assert.equal(lines[2][0], '含 制表符的 标题');
});

test('events classify --json explains, and --overrides retrains', async () => {
  const overrides = join(dir, 'overrides.tsv');
  writeFileSync(overrides, '依法行政\tbad\t某小区物业公司停水停电逼迫业主缴费\n');
  const out = sink();
  await runEventsClassify(Readable.from(['某小区物业公司停水停电逼迫业主缴费\n']), out, { json: true, overrides });
  const [r] = JSON.parse(out.text());
  assert.equal(r.subdomain, '依法行政');
  assert.equal(r.explanation.override, true);
  assert.ok(typeof r.explanation.text === 'string');
});

test('registerMonitorCommands adds the three commands and reuses an existing "events" command', () => {
  const program = new Command('citycredit');
  const events = program.command('events').description('已有的事件命令');
  events.command('list');
  registerMonitorCommands(program);
  const monitor = program.commands.find((c) => c.name() === 'monitor')!;
  assert.deepEqual(monitor.commands.map((c) => c.name()), ['compare', 'report']);
  assert.equal(program.commands.filter((c) => c.name() === 'events').length, 1);
  assert.deepEqual(events.commands.map((c) => c.name()), ['list', 'classify']);
  const compareCmd = monitor.commands[0];
  assert.deepEqual(compareCmd.options.map((o) => o.long), ['--scores', '--city', '--month', '--tree', '--cities', '--json']);
});
