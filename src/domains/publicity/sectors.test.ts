import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RULE_SETS } from './rules.ts';
import { deriveSector, matchSeriousConduct, normaliseSector, sectorOfAuthority } from './sectors.ts';

test('sectorOfAuthority maps the member units that decide penalties', () => {
  const cases: [string, string | null][] = [
    ['西宁市市场监督管理局', '市场监管'],
    ['西宁市生态环境局', '生态环境'],
    ['西宁市应急管理局', '安全生产'],
    ['西宁市消防救援支队', '消防'],
    ['城东区消防救援大队', '消防'],
    ['青海省药品监督管理局', '食品药品'],
    ['西宁市城市管理综合执法局', '城市管理'],
    ['西宁市交通运输局', '交通运输'],
    ['西宁市卫生健康委员会', '医疗卫生'],
    ['西宁市住房和城乡建设局', '住房城乡建设'],
    ['国家税务总局西宁市税务局', '税务'],
    ['西宁市人力资源和社会保障局', '劳动保障'],
    ['西宁市统计局', null],
  ];
  for (const [name, sector] of cases) assert.equal(sectorOfAuthority(name), sector, name);
});

test('deriveSector: the field wins, then the conduct (narrow sectors inside 市场监管), then the authority', () => {
  const cases: [Parameters<typeof deriveSector>[0], string | null, string | null][] = [
    [{ sector: '消防安全', authority: '西宁市市场监督管理局' }, '消防', 'field'],
    [{ sector: ' 特种设备 ' }, '特种设备', 'field'],
    [{ conduct: '电梯未经定期检验继续使用', authority: '西宁市市场监督管理局' }, '特种设备', 'conduct'],
    [{ conduct: '经营超过保质期的食品', authority: '西宁市市场监督管理局' }, '食品药品', 'conduct'],
    [{ conduct: '销售不符合安全标准的产品', authority: '西宁市市场监督管理局' }, '市场监管', 'authority'],
    [{ conduct: '特种作业人员无证上岗', authority: '西宁市应急管理局' }, '安全生产', 'conduct'],
    [{ conduct: '未按规定开展安全生产教育培训', authority: '西宁市应急管理局' }, '安全生产', 'conduct'],
    [{ conduct: '占用、堵塞、封闭消防通道', authority: '西宁市住房和城乡建设局' }, '消防', 'conduct'],
    [{ conduct: '超标排放大气污染物', authority: '西宁市生态环境局' }, '生态环境', 'conduct'],
    [{ conduct: '使用不合格的建筑材料，偷工减料', authority: '西宁市住房和城乡建设局' }, '工程质量', 'conduct'],
    [{ conduct: '占道经营' }, null, null],
    [{}, null, null],
  ];
  for (const [src, sector, via] of cases) {
    const m = deriveSector(src);
    assert.equal(m?.sector ?? null, sector, JSON.stringify(src));
    assert.equal(m?.via ?? null, via, JSON.stringify(src));
  }
  assert.equal(normaliseSector('环境保护'), '生态环境');
});

test('matchSeriousConduct finds the 特定严重失信 conduct types of docs/domain/03-publicity.md §3.1, not look-alikes', () => {
  const rule = DEFAULT_RULE_SETS[0].specificSerious!;
  const cases: [string, string | null][] = [
    ['以非法吸收公众存款方式非法集资', '非法集资'],
    ['组织、领导传销活动', '传销'],
    ['未取得食品经营许可擅自从事食品经营', '无证照经营'],
    ['无照经营', '无证照经营'],
    ['销售假冒注册商标的商品', '假冒伪劣'],
    ['假冒专利', '故意侵犯知识产权'],
    ['侵犯注册商标专用权', '故意侵犯知识产权'],
    ['投标人相互串通投标', '围标串标'],
    ['借用他人资质投标', '出借借用资质投标'],
    ['发布虚假广告', '虚假广告'],
    ['欺诈消费者', '侵害消费者或证券期货投资者权益'],
    ['向国家工作人员行贿', '贿赂'],
    ['拒不支付劳动报酬', '恶意欠薪'],
    // Ordinary conduct: no special class (拖欠 without 恶意, plain 虚假宣传).
    ['拖欠货款', null],
    ['虚假宣传', null],
    ['经营超过保质期的食品', null],
  ];
  for (const [text, label] of cases) assert.equal(matchSeriousConduct(rule, text), label, text);
});
