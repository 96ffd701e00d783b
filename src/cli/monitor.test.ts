import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
    for (const i of json.indicators) assert.deepEqual(Object.keys(i), ['code', 'name', 'parent', 'score', 'average', 'relation', 'gap', 'max', 'maxKnown']);
    for (const r of ['below', 'equal', 'above'] as const) {
      assert.deepEqual(sorted(json.indicators.filter((i: { relation: string }) => i.relation === r).map((i: { name: string }) => i.name)), sorted(want[r]), r);
    }
  });
}

// A real-looking gen-1 file: 36 cities, 2 months, scores above the tree's placeholder weights as in
// the 2017 report (信用事件监测 above 26, 信用信息共享平台 and 黑名单公开 averaging above 4).
function realGen1File(): { file: string; highest: Map<string, number> } {
  const cities = readFileSync(fixture('cities-36.txt'), 'utf8').split('\n').filter(Boolean);
  let seed = 20171;
  const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const between = (lo: number, hi: number) => Math.round((lo + rand() * (hi - lo)) * 100) / 100;
  const ranges: [string, number, number][] = [
    ['信用事件监测', 25.5, 30], ['信用制度完善程度', 14, 21], ['信用信息透明度', 12, 22],
    ['统一社会信用代码转换公示', 2, 4.5], ['信用信息共享平台', 3.8, 6.2], ['黑名单企业占比', 2, 4], ['单位黑名单违法记录', 2, 4], ['黑名单公开', 3.9, 6],
    ['个人信用意识', 5, 8.5], ['商业机构信用意识', 5, 8.5],
  ];
  const lines = ['month,city,indicator,score'];
  const highest = new Map<string, number>();
  for (const month of ['2017-11', '2017-12']) {
    const byCity = new Map(cities.map((c) => [c, new Map(ranges.map(([name, lo, hi]) => [name, between(lo, hi)]))]));
    // 西宁市's 信用事件监测 is the others' mean at two decimals: |difference| < 0.05, so 持平.
    const others = cities.filter((c) => c !== '西宁市').reduce((a, c) => a + byCity.get(c)!.get('信用事件监测')!, 0);
    byCity.get('西宁市')!.set('信用事件监测', Math.round((others / 35) * 100) / 100);
    for (const c of cities) {
      const v = byCity.get(c)!;
      v.set('信用工作绩效', Math.round(['统一社会信用代码转换公示', '信用信息共享平台', '黑名单企业占比', '单位黑名单违法记录', '黑名单公开'].reduce((a, n) => a + v.get(n)!, 0) * 100) / 100);
      v.set('信用市场发育程度', Math.round((v.get('个人信用意识')! + v.get('商业机构信用意识')!) * 100) / 100);
      for (const [name, score] of v) {
        lines.push(`${month},${c},${name},${score.toFixed(2)}`);
        highest.set(name, Math.max(highest.get(name) ?? 0, score));
      }
    }
  }
  const file = join(dir, 'real-gen1.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return { file, highest };
}

test('monitor compare --json loads a real-looking 36-city gen-1 file above the placeholder maximums and ranks from the file alone', async () => {
  const { file, highest } = realGen1File();
  const out = sink();
  await runMonitorCompare({ scores: file, city: '西宁市', json: true, cities: fixture('cities-36.txt') }, out);
  const json = JSON.parse(out.text());
  const want = expectedComparison(pathToFileURL(file), 'gen1.json', '西宁市');
  assert.deepEqual([json.city, json.month, json.rank, json.of], ['西宁市', '2017-12', want.rank, 36]);
  assert.ok(Math.abs(json.composite - want.composite) < 1e-4 && Math.abs(json.average - want.average) < 1e-4);
  const byName = new Map(json.indicators.map((i: { name: string }) => [i.name, i]));
  const ev = byName.get('信用事件监测') as { score: number; relation: string; max: number; maxKnown: boolean };
  assert.ok(ev.score > 25, 'a score above the old placeholder maximum of 25 is kept');
  assert.equal(ev.relation, 'equal');
  for (const r of ['below', 'equal', 'above'] as const) {
    assert.deepEqual(sorted(json.indicators.filter((i: { relation: string }) => i.relation === r).map((i: { name: string }) => i.name)), sorted(want[r]), r);
  }
  for (const name of ['信用信息共享平台', '黑名单公开']) {
    assert.ok((want.byCode.get(name === '黑名单公开' ? 'PF5' : 'PF2')!.average) > 4, `${name} averages above the old placeholder 4`);
  }
  // Unknown maximums are shown as the highest score the file holds (both months), flagged as such.
  for (const i of json.indicators as { name: string; max: number; maxKnown: boolean }[]) {
    assert.equal(i.maxKnown, false, i.name);
    assert.equal(i.max, highest.get(i.name), i.name);
  }
  const table = sink();
  await runMonitorCompare({ scores: file, city: '西宁市' }, table);
  assert.match(table.text(), /信用事件监测\s+\d+\.\d\d\s+\d+\.\d\d\s+与平均持平\s+[+-]?\d+\.\d\d\s+≥\d+\.\d\d/);
  assert.match(table.text(), /满分未公布/);
});

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
