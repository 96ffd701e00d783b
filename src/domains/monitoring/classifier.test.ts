import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyTitle,
  decidingPhrases,
  defaultClassifier,
  LOW_CONFIDENCE,
  evaluateClassifier,
  features,
  normaliseTitle,
  parseLabelledTsv,
  shippedLabelledTitles,
  splitHoldout,
  trainClassifier,
  withoutPlaces,
} from './classifier.ts';
import { MonitoringError } from './errors.ts';
import { defaultTaxonomy, subdomainNames } from './taxonomy.ts';

test('the shipped labelled set covers every sub-domain with good and bad titles', () => {
  const all = shippedLabelledTitles();
  assert.ok(all.length >= 1500, `${all.length} titles (issue 16 §2: at least 1,500)`);
  for (const s of subdomainNames(defaultTaxonomy())) {
    const mine = all.filter((e) => e.subdomain === s);
    assert.ok(mine.filter((e) => e.polarity === 'good').length >= 25, `${s} good`);
    assert.ok(mine.filter((e) => e.polarity === 'bad').length >= 25, `${s} bad`);
  }
  assert.equal(new Set(all.map((e) => normaliseTitle(e.title))).size, all.length, 'no duplicate titles');
});

test('the held-out split is deterministic, stratified and disjoint', () => {
  const all = shippedLabelledTitles();
  const a = splitHoldout(all);
  const b = splitHoldout([...all].reverse());
  assert.deepEqual(a.test.map((e) => e.title).sort(), b.test.map((e) => e.title).sort());
  assert.equal(a.train.length + a.test.length, all.length);
  const train = new Set(a.train.map((e) => e.title));
  assert.ok(a.test.every((e) => !train.has(e.title)));
  const share = a.test.length / all.length;
  assert.ok(share > 0.18 && share < 0.3, `held-out share ${share}`);
  for (const s of subdomainNames(defaultTaxonomy())) assert.ok(a.test.some((e) => e.subdomain === s), `${s} in held-out`);
});

test('held-out accuracy stays above a floor (deterministic, no timing)', () => {
  const { train, test: heldOut } = splitHoldout(shippedLabelledTitles());
  const ev = evaluateClassifier(trainClassifier(train), heldOut);
  assert.equal(ev.n, heldOut.length);
  assert.ok(ev.subdomain >= 0.75, `sub-domain ${ev.subdomain}`);
  assert.ok(ev.domain >= ev.subdomain, 'domain accuracy is at least sub-domain accuracy');
  assert.ok(ev.polarity >= 0.9, `polarity ${ev.polarity}`);
});

test('a result explains itself with keywords, features and alternatives', () => {
  const r = classifyTitle(defaultClassifier(), '某区市场监管局查处一批超市销售过期食品案件');
  assert.equal(r.domain, '商务诚信');
  assert.equal(r.subdomain, '流通');
  assert.equal(r.polarity, 'bad');
  assert.ok(r.confidence > 0 && r.confidence <= 1);
  assert.ok(r.explanation.keywords.includes('超市'));
  assert.ok(r.explanation.polarityKeywords.includes('查处'));
  assert.ok(r.explanation.topFeatures.length > 0);
  assert.equal(r.explanation.alternatives.length, 2);
  assert.match(r.explanation.text, /命中关键词：.*超市/);

  const good = classifyTitle(defaultClassifier(), '西宁市某企业获评A级纳税人');
  assert.deepEqual([good.domain, good.subdomain, good.polarity], ['商务诚信', '税务', 'good']);
});

test('n-gram features are normalised (full-width, digits, punctuation)', () => {
  assert.equal(normaliseTitle('２０１７年「西宁」 A级'), '0年西宁a级');
  assert.deepEqual(features('ab', 2).sort(), ['a', 'ab', 'b']);
});

test('staff overrides retrain the model and decide identical titles', () => {
  const title = '某小区物业公司停水停电逼迫业主缴费';
  const before = classifyTitle(defaultClassifier(), title);
  const override = { title, subdomain: before.subdomain === '价格' ? '依法行政' : '价格', polarity: 'bad' as const };
  const model = defaultClassifier([override]);
  const after = classifyTitle(model, title);
  assert.equal(after.subdomain, override.subdomain);
  assert.equal(after.explanation.override, true);
  assert.equal(after.confidence, 1);
  assert.equal(model.trainedOn, shippedLabelledTitles().length + 1);
  // A correction of a shipped title replaces its label rather than competing with it.
  const shipped = shippedLabelledTitles()[0];
  const relabelled = trainClassifier(shippedLabelledTitles(), { extra: [{ ...shipped, subdomain: '统计' }] });
  assert.equal(relabelled.trainedOn, shippedLabelledTitles().length);
  assert.equal(classifyTitle(relabelled, shipped.title).subdomain, '统计');
});

test('labelled TSV errors name the line', () => {
  const text = '# comment\n流通\tbad\t某超市销售过期食品\n不存在\tbad\t某标题\n流通\t中性\t某标题\n流通\tbad\n';
  assert.throws(
    () => parseLabelledTsv(text),
    (e: unknown) =>
      e instanceof MonitoringError &&
      e.code === 'invalid_training_data' &&
      e.issues.map((i) => i.row).join() === '3,4,5' &&
      /第 3 行：未知子领域「不存在」/.test(e.message),
  );
  assert.deepEqual(parseLabelledTsv('流通\t不良\t某超市销售过期食品\n'), [{ subdomain: '流通', polarity: 'bad', title: '某超市销售过期食品' }]);
});

test('training rejects labels outside the taxonomy', () => {
  assert.throws(() => trainClassifier([{ title: 'x', subdomain: '火星', polarity: 'bad' }]), /火星/);
});

test('place names are normalised away: adding or removing 西宁 never changes the answer (issue 16 §2)', () => {
  const model = defaultClassifier();
  const key = (title: string) => {
    const r = classifyTitle(model, title);
    return [r.domain, r.subdomain, r.polarity, r.confidence.toFixed(6), r.polarityConfidence.toFixed(6)].join('|');
  };
  assert.equal(key('西宁一商户用地沟油炸油条'), key('一商户用地沟油炸油条'));
  assert.equal(classifyTitle(model, '西宁一商户用地沟油炸油条').polarity, classifyTitle(model, '一商户用地沟油炸油条').polarity);
  let checked = 0;
  for (const { title } of shippedLabelledTitles()) {
    const bare = title.replace(/西宁/g, '');
    if (!bare) continue;
    for (const variant of [`西宁${bare}`, `${bare}西宁`, title]) assert.equal(key(variant), key(bare), `${variant} vs ${bare}`);
    checked++;
  }
  assert.ok(checked > 500);
  assert.equal(withoutPlaces('青海省西宁市城北区一超市'), '省市区一超市', 'names go, one-character suffixes stay');
  assert.equal(withoutPlaces('海西蒙古族藏族自治州一企业'), '一企业');
  assert.equal(withoutPlaces('城市超市'), '城市超市', '市 alone is not a place');
  assert.equal(withoutPlaces('经验在全省推广西宁'), '经验在全省推广', 'overlapping names: 西宁 goes, not 广西');
});

test('evaluation carries a confusion matrix by domain whose diagonal is the domain accuracy', () => {
  const { train, test: held } = splitHoldout(shippedLabelledTitles());
  const ev = evaluateClassifier(trainClassifier(train), held);
  const { domains, counts } = ev.domainConfusion;
  assert.deepEqual(domains, defaultTaxonomy().domains.map((d) => d.name));
  assert.equal(counts.flat().reduce((a, b) => a + b, 0), held.length);
  assert.equal(domains.reduce((a, _d, i) => a + counts[i][i], 0) / held.length, ev.domain);
  for (const [i, d] of domains.entries()) {
    const labelled = held.filter((e) => defaultTaxonomy().domains.find((x) => x.subdomains.some((s) => (typeof s === 'string' ? s : s.name) === e.subdomain))?.name === d).length;
    assert.equal(counts[i].reduce((a, b) => a + b, 0), labelled, d);
  }
});

test('place names are balanced across polarities in the shipped titles (issue 16 §2)', () => {
  const all = shippedLabelledTitles();
  const withPlace = (t: string) => withoutPlaces(t) !== t.normalize('NFKC');
  for (const polarity of ['good', 'bad'] as const) {
    const mine = all.filter((e) => e.polarity === polarity);
    const other = all.filter((e) => e.polarity !== polarity);
    const share = (list: typeof all, f: (t: string) => boolean) => list.filter((e) => f(e.title)).length / list.length;
    // Each polarity has about the same share of titles with a place name, and of each city.
    assert.ok(Math.abs(share(mine, withPlace) - share(other, withPlace)) < 0.02, `${polarity}: share with a place name`);
    for (const city of ['西宁', '兰州', '银川']) {
      assert.ok(Math.abs(share(mine, (t) => t.includes(city)) - share(other, (t) => t.includes(city))) < 0.01, `${polarity}: ${city}`);
    }
  }
  assert.ok(all.filter((e) => withPlace(e.title)).length >= 150, 'enough titles carry a place name to test the balance');
});

test('hard cases of issue 16 §2 are classified right (titles not in the shipped set)', () => {
  const model = defaultClassifier();
  const shipped = new Set(shippedLabelledTitles().map((e) => normaliseTitle(e.title)));
  const cases: [title: string, domain: string, subdomain: string, polarity: 'good' | 'bad'][] = [
    ['某银行信用卡中心违规催收被罚', '商务诚信', '金融', 'bad'],
    ['一男子恶意透支信用卡被判刑', '商务诚信', '金融', 'bad'],
    ['某化工厂车间起火两人受伤', '商务诚信', '生产', 'bad'],
    ['一家铝厂熔炼炉爆炸致三人死亡', '商务诚信', '生产', 'bad'],
    ['某建筑公司欠薪被列入失信名单', '社会诚信', '社会保障', 'bad'],
    ['工地老板欠薪跑路工人讨薪无门', '社会诚信', '社会保障', 'bad'],
    ['市社会信用体系建设工作推进会召开', '政务诚信', '诚信体系建设', 'good'],
    ['城市信用监测排名下滑被约谈', '政务诚信', '诚信体系建设', 'bad'],
    ['一商户用地沟油炸油条', '商务诚信', '流通', 'bad'],
    ['西宁一商户用地沟油炸油条', '商务诚信', '流通', 'bad'],
    ['某小区燃气爆炸致两人受伤', '司法公信', '公共安全公信', 'bad'],
  ];
  for (const [title, domain, subdomain, polarity] of cases) {
    assert.ok(!shipped.has(normaliseTitle(title)), `${title} is not a training title`);
    const r = classifyTitle(model, title);
    assert.deepEqual([r.domain, r.subdomain, r.polarity], [domain, subdomain, polarity], title);
  }
});

// Issue 17 §4: the console explains a classification in words — the phrases of the title that
// decided — and flags results the model is unsure of, instead of character pairs with weights.
test('deciding phrases merge the touching n-grams into the words of the title', () => {
  const cases: [string, string[], string[]][] = [
    ['城北区一超市销售过期食品被查处', ['过期', '期食', '食品', '超市'], ['超市', '过期食品']],
    ['某公司2024年偷税漏税被罚款', ['偷税', '税漏', '漏税', '罚款'], ['偷税漏税', '罚款']],
    ['某企业获评A级纳税人', ['纳税', '税人', 'a级'], ['a级纳税人']],
    ['与标题无关', ['超市'], []],
  ];
  for (const [title, terms, phrases] of cases) assert.deepEqual(decidingPhrases(title, terms), phrases, title);
});

test('the explanation is in words: the deciding phrases, no weights; uncertain results are flagged', () => {
  const model = defaultClassifier();
  const r = classifyTitle(model, '城北区一超市销售过期食品被查处');
  assert.ok(r.explanation.phrases.length > 0);
  for (const p of r.explanation.phrases) assert.ok(normaliseTitle(r.title).includes(p), `${p} is a phrase of the title`);
  assert.match(r.explanation.text, /^归入「商务诚信·流通」/);
  assert.match(r.explanation.text, /起决定作用的词语：“/);
  assert.match(r.explanation.text, /判为不良：标题含“查处”/);
  assert.doesNotMatch(r.explanation.text, /\d\.\d|「[^」]{2}」「/, 'no weights, no lists of character pairs');
  assert.equal(r.explanation.lowConfidence, r.confidence < LOW_CONFIDENCE);

  // A title with nothing to go on: the model is unsure and says so.
  const vague = classifyTitle(model, '关于有关事项的通知');
  assert.ok(vague.confidence < LOW_CONFIDENCE, `confidence ${vague.confidence}`);
  assert.equal(vague.explanation.lowConfidence, true);
  assert.match(vague.explanation.text, /把握不大（\d+%），请人工复核/);
  assert.match(vague.explanation.text, /也可能是：/);
});
