import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultClassifier } from './classifier.ts';
import { MonitoringError } from './errors.ts';
import { classifyEvents, dominantBadSubdomains, eventStats, eventTrend, parseEventsCsv, type ClassifiedEvent } from './events.ts';

// Factory with overrides for labelled events (staff-set labels, so no classifier involved).
function ev(over: Partial<ClassifiedEvent> & Pick<ClassifiedEvent, 'subdomain' | 'polarity'>): ClassifiedEvent {
  const domainOf: Record<string, string> = { 流通: '商务诚信', 生产: '商务诚信', 金融: '商务诚信', 医药卫生: '社会诚信', 依法行政: '政务诚信' };
  return { title: '事件', date: '2017-12-05', domain: domainOf[over.subdomain], ...over };
}

test('bad-event shares per domain and sub-domain ("流通 53%")', () => {
  const events = [
    ...Array.from({ length: 8 }, () => ev({ subdomain: '流通', polarity: 'bad' })),
    ...Array.from({ length: 5 }, () => ev({ subdomain: '生产', polarity: 'bad' })),
    ...Array.from({ length: 2 }, () => ev({ subdomain: '金融', polarity: 'bad' })),
    ...Array.from({ length: 3 }, () => ev({ subdomain: '流通', polarity: 'good' })),
    ...Array.from({ length: 5 }, () => ev({ subdomain: '医药卫生', polarity: 'bad' })),
    ev({ subdomain: '流通', polarity: 'bad', date: '2017-11-30' }),
  ];
  const s = eventStats(events, { from: '2017-12', to: '2017-12' });
  assert.equal(s.total, 23);
  assert.equal(s.bad, 20);
  const business = s.domains.find((d) => d.domain === '商务诚信')!;
  assert.equal(business.bad, 15);
  const circulation = business.subdomains.find((x) => x.subdomain === '流通')!;
  assert.equal(circulation.shareOfDomainBad, 8 / 15); // 53%
  assert.equal(circulation.shareOfAllBad, 8 / 20);
  assert.equal(circulation.badRate, 8 / 11);
  assert.deepEqual(
    dominantBadSubdomains(s, 2).map((d) => d.subdomain),
    ['流通', '生产'],
  );
});

test('an empty period gives null shares, never NaN', () => {
  const s = eventStats([], { from: '2017-12', to: '2017-12' });
  assert.equal(s.total, 0);
  assert.equal(s.badRate, null);
  for (const d of s.domains) {
    assert.equal(d.badRate, null);
    for (const x of d.subdomains) assert.equal(x.shareOfDomainBad, null);
  }
  assert.deepEqual(dominantBadSubdomains(s), []);
  assert.deepEqual(eventTrend([]), []);
});

test('monthly trend includes empty months', () => {
  const t = eventTrend([ev({ subdomain: '流通', polarity: 'bad', date: '2017-09-01' }), ev({ subdomain: '依法行政', polarity: 'good', date: '2017-11-20' })]);
  assert.deepEqual(
    t.map((p) => [p.month, p.total, p.bad, p.badRate]),
    [
      ['2017-09', 1, 1, 1],
      ['2017-10', 0, 0, null],
      ['2017-11', 1, 0, 0],
    ],
  );
  assert.equal(t[2].byDomain.find((d) => d.domain === '政务诚信')!.total, 1);
});

test('classifyEvents keeps staff labels and fills the rest', () => {
  const [a, b] = classifyEvents(defaultClassifier(), [
    { title: '某超市销售过期食品被罚款', date: '2017-12-01' },
    { title: '某超市销售过期食品被罚款', date: '2017-12-01', subdomain: '医药卫生', polarity: 'bad' },
  ]);
  assert.equal(a.subdomain, '流通');
  assert.ok(a.classification);
  assert.equal(b.subdomain, '医药卫生');
  assert.equal(b.domain, '社会诚信');
  assert.equal(b.classification, undefined);
});

test('event CSV parsing reports every bad row', () => {
  const ok = parseEventsCsv('title,date,source,polarity\n某超市销售过期食品,2017/12/01,西宁晚报,不良\n');
  assert.deepEqual(ok, [{ title: '某超市销售过期食品', date: '2017-12-01', source: '西宁晚报', polarity: 'bad' }]);
  assert.throws(
    () => parseEventsCsv('title,date,polarity,subdomain\n,2017-12-01,,\n某事件,12月1日,中性,火星\n'),
    (e: unknown) => e instanceof MonitoringError && e.code === 'invalid_events' && e.issues.map((i) => i.row).join() === '2,3' && /性质「中性」/.test(e.message),
  );
  assert.throws(() => parseEventsCsv('标题\n某事件\n'), /表头须包含“标题”和“日期”列/);
});

test('staff label bug (issue 16 §2): setting only a sub-domain also sets its domain', () => {
  const model = defaultClassifier();
  const title = '某超市销售过期食品被罚款';
  assert.equal(classifyEvents(model, [{ title, date: '2017-12-01' }])[0].domain, '商务诚信', 'the model alone says 商务诚信·流通');
  const [e] = classifyEvents(model, [{ title, date: '2017-12-01', subdomain: '医药卫生' }]);
  assert.deepEqual([e.domain, e.subdomain], ['社会诚信', '医药卫生']);
  assert.equal(eventStats([e]).domains.find((d) => d.domain === '社会诚信')!.total, 1, 'counted under the staff domain');
  assert.throws(() => classifyEvents(model, [{ title, date: '2017-12-01', subdomain: '火星' }]), MonitoringError);
});
