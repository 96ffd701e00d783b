import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { MonitoringError } from './errors.ts';
import { parseScores, scoreOf } from './scores.ts';
import { SCORES_36, SCORES_36_2020 } from '../../../test/fixtures/monitoring/expectations.ts';

// A small valid gen1 file: two cities, two months, every first-level indicator plus PF/MK children.
const ROWS = ['信用事件监测,20', '信用制度完善程度,16', '信用信息透明度,17', 'PF1,3', 'PF2,3', 'PF3,3', 'PF4,3', 'PF5,3', '个人信用意识,6', '商业机构信用意识,6.5'];
function csv(over: { drop?: string[]; extra?: string[]; cities?: string[]; months?: string[] } = {}): string {
  const lines = ['month,city,indicator,score'];
  for (const m of over.months ?? ['2017-11', '2017-12'])
    for (const c of over.cities ?? ['西宁市', '兰州市']) for (const r of ROWS) {
      const line = `${m},${c},${r}`;
      if (!over.drop?.includes(line)) lines.push(line);
    }
  return [...lines, ...(over.extra ?? [])].join('\n') + '\n';
}

async function issuesOf(text: string, options: Parameters<typeof parseScores>[2] = {}): Promise<string[]> {
  try {
    await parseScores(text, 'scores.csv', options);
  } catch (e) {
    assert.ok(e instanceof MonitoringError, String(e));
    return e.issues.map((i) => (i.row === null ? i.message : `${i.row}: ${i.message}`));
  }
  assert.fail('expected the file to be rejected');
}

test('valid file: tree detected, parents derived from children, codes and names both accepted', async () => {
  const t = await parseScores(csv(), 'scores.csv');
  assert.equal(t.tree.id, 'gen1');
  assert.deepEqual(t.months, ['2017-11', '2017-12']);
  assert.deepEqual(t.cities, ['西宁市', '兰州市']);
  assert.equal(scoreOf(t, '2017-12', '西宁市', 'PF'), 15);
  assert.equal(scoreOf(t, '2017-12', '西宁市', 'MK'), 12.5);
  assert.ok(!t.given.get('2017-12')!.get('西宁市')!.has('PF'));
});

test('the 36-city fixtures parse under both trees', async () => {
  const a = await parseScores(readFileSync(SCORES_36), 'scores-36.csv', { cities: readFileSync(new URL('./cities-36.txt', SCORES_36), 'utf8').split('\n').filter(Boolean) });
  assert.equal(a.cities.length, 36);
  assert.equal(a.tree.id, 'gen1');
  const b = await parseScores(readFileSync(SCORES_36_2020), 'scores-36-2020.csv');
  assert.equal(b.tree.id, '2020');
  assert.equal(b.months.length, 6);
});

test('import errors are AppErrors carrying every row issue for the HTTP layer', async () => {
  const { AppError } = await import('../../platform/errors.ts');
  await assert.rejects(parseScores(csv({ extra: ['2017-12,西宁市,EV,x'] }), 'scores.csv'), (e: unknown) => {
    assert.ok(e instanceof AppError && e instanceof MonitoringError);
    assert.equal(e.status, 400);
    assert.deepEqual(e.details, { issues: [{ row: 42, message: '得分「x」不是数字；与第 22 行重复（2017-12 西宁市 信用事件监测）' }] });
    return true;
  });
});

test('unknown cities are rejected when a city list is given', async () => {
  const issues = await issuesOf(csv({ extra: ['2017-12,西宁,信用事件监测,20'] }), { cities: ['西宁市', '兰州市'] });
  assert.deepEqual(issues, ['42: 未知城市「西宁」（不在城市名单中）']);
});

test('unknown indicators and non-numeric scores name their rows', async () => {
  const issues = await issuesOf(csv({ extra: ['2017-12,西宁市,信用满意度,3', '2017-12,兰州市,信用事件监测,abc'] }));
  assert.deepEqual(issues, [
    '42: 未知指标「信用满意度」（指标体系「城市信用状况监测（第一代，国家信息中心中经网平台）」中没有该代码或名称）',
    '43: 得分「abc」不是数字；与第 32 行重复（2017-12 兰州市 信用事件监测）',
  ]);
});

test('a score above a known maximum (2020 tree) is an error with its line', async () => {
  const top = (c: string, a: string) => [`2021-06,${c},信用制度和基础建设,${a}`, `2021-06,${c},营商环境,18`, `2021-06,${c},信用监管,40`, `2021-06,${c},权益保护,15`];
  const text = ['month,city,indicator,score', ...top('西宁市', '20.5'), ...top('兰州市', '19')].join('\n');
  assert.deepEqual(await issuesOf(text), ['2: 指标「信用制度和基础建设」得分 20.5 超过该指标满分 20']);
});

test('gen-1 maximums are unknown: scores above the placeholder weights load and keep their values', async () => {
  // 2017 report: 信用事件监测 above 26, 信用信息共享平台 and 黑名单公开 above 4 (docs/domain/05-monitoring.md §5.1).
  const text = csv()
    .replace('2017-11,西宁市,信用事件监测,20', '2017-11,西宁市,信用事件监测,26.4')
    .replace('2017-12,兰州市,PF2,3', '2017-12,兰州市,PF2,4.6')
    .replace('2017-12,兰州市,PF5,3', '2017-12,兰州市,PF5,5.25');
  const t = await parseScores(text, 'scores.csv');
  assert.equal(t.tree.id, 'gen1');
  assert.equal(scoreOf(t, '2017-11', '西宁市', 'EV'), 26.4);
  assert.equal(scoreOf(t, '2017-12', '兰州市', 'PF'), 3 * 3 + 4.6 + 5.25);
});

test('duplicate rows, empty cells and bad months are reported per row', async () => {
  const issues = await issuesOf(csv({ extra: ['2017-12,西宁市,EV,20', '2017-13,西宁市,EV,1', ' ,兰州市,EV,'] }));
  assert.deepEqual(issues, ['42: 与第 22 行重复（2017-12 西宁市 信用事件监测）', '43: 月份「2017-13」格式错误，应为 YYYY-MM', '44: 月份为空；得分为空']);
});

test('missing months and cities missing a month are reported', async () => {
  const gap = await issuesOf(csv({ months: ['2017-09', '2017-12'] }));
  assert.deepEqual(gap, ['缺少月份 2017-10 的数据（文件中月份从 2017-09 到 2017-12）', '缺少月份 2017-11 的数据（文件中月份从 2017-09 到 2017-12）']);
  const cityGap = await issuesOf(csv().split('\n').filter((l) => !l.startsWith('2017-11,兰州市')).join('\n'));
  assert.deepEqual(cityGap, ['城市「兰州市」缺少 2017-11 的数据']);
});

test('a missing indicator (no row and incomplete children) is reported', async () => {
  const issues = await issuesOf(csv({ drop: ['2017-12,兰州市,PF3,3', '2017-12,兰州市,信用事件监测,20'] }));
  assert.deepEqual(issues, ['2017-12 兰州市 缺少指标「信用事件监测」', '2017-12 兰州市 缺少指标「信用工作绩效」：既无该行，其下级指标也不全（缺少「黑名单企业占比」）']);
});

test('a parent row must equal the sum of its children', async () => {
  const issues = await issuesOf(csv({ extra: ['2017-12,西宁市,信用工作绩效,15.2', '2017-11,西宁市,信用工作绩效,15.00'] }));
  assert.deepEqual(issues, ['42: 2017-12 西宁市「信用工作绩效」得分 15.20 与其下级指标合计 15.00 不一致']);
  // Only parent rows (no children) are fine: the peers' official sheets often give just first-level scores.
  const parentOnly = ['month,city,indicator,score', ...['西宁市', '兰州市'].flatMap((c) => ['EV,20', 'IN,16', 'TR,17', 'PF,15', 'MK,12'].map((r) => `2017-12,${c},${r}`))].join('\n');
  const t = await parseScores(parentOnly, 'p.csv');
  assert.equal(scoreOf(t, '2017-12', '西宁市', 'PF1'), undefined);
});

test('header and format errors', async () => {
  assert.deepEqual(await issuesOf('月份,城市,得分\n2017-12,西宁市,1\n'), ['1: 表头缺少列 指标']);
  await assert.rejects(parseScores('x', 'scores.json'), (e: unknown) => e instanceof MonitoringError && e.code === 'unsupported_format');
  await assert.rejects(parseScores('month,city,indicator,score\n', 'scores.csv'), /没有数据行/);
});

test('XLSX import gives the same table as CSV, Chinese headers and date cells included', async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('得分');
  ws.addRow(['月份', '城市', '指标', '得分']);
  for (const line of csv().trim().split('\n').slice(1)) {
    const [m, c, i, s] = line.split(',');
    ws.addRow([m === '2017-12' ? new Date(Date.UTC(2017, 11, 1)) : m, c, i, Number(s)]);
  }
  const x = await parseScores(Buffer.from(await wb.xlsx.writeBuffer()), 'scores.xlsx');
  const c = await parseScores(csv(), 'scores.csv');
  assert.deepEqual(x.months, c.months);
  assert.deepEqual([...x.values.get('2017-12')!.get('兰州市')!], [...c.values.get('2017-12')!.get('兰州市')!]);
  await assert.rejects(parseScores(Buffer.from('not a zip'), 'scores.xlsx'), (e: unknown) => e instanceof MonitoringError && e.code === 'unsupported_format');
});
