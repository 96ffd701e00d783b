// Transparent credit-event classifier (信用事件分类): keyword rules from the taxonomy plus a
// character n-gram naive Bayes model trained on labelled Chinese titles (defaults/events-labelled.tsv).
// Every result carries its reasons (matched keywords, strongest n-grams) — docs/domain/10-city.md §10 requires the
// platform to show why an event was put into a domain. Staff corrections retrain the model as extra
// labelled examples and also act as exact-title overrides.
import { readFileSync } from 'node:fs';
import { MonitoringError, importError, type RowIssue } from './errors.ts';
import { defaultTaxonomy, subdomainToDomain, subdomainNames, type Polarity, type Taxonomy } from './taxonomy.ts';

/** One labelled title: the sub-domain implies the domain. */
export interface LabelledTitle {
  title: string;
  subdomain: string;
  polarity: Polarity;
}

export interface ClassifierOptions {
  taxonomy?: Taxonomy;
  /** Staff-corrected examples (人工修正); weighted above the shipped set and matched exactly. */
  extra?: LabelledTitle[];
  /** Count multiplier for `extra` examples. */
  extraWeight?: number;
  /** Laplace smoothing of the n-gram counts. */
  alpha?: number;
  /** Divides the naive Bayes log-score so that it and the keyword score are on one scale. */
  temperature?: number;
  /** Log-score bonus per matched sub-domain keyword. */
  keywordWeight?: number;
  /** Log-score bonus per matched good/bad cue word: the two-class model needs less help than the 27-class one. */
  polarityKeywordWeight?: number;
  /** Longest character n-gram used as a feature. */
  maxNgram?: number;
}

// Chosen by 5-fold cross-validation on the training split only (see bench/events.ts --tune);
// the held-out split never influences them.
export const DEFAULT_CLASSIFIER_OPTIONS = { extraWeight: 3, alpha: 1, temperature: 8, keywordWeight: 2, polarityKeywordWeight: 0.5, maxNgram: 2 };

interface NaiveBayes {
  classes: string[];
  logPrior: number[];
  /** feature → smoothed log P(feature | class) per class, precomputed so classification only adds */
  logLik: Map<string, Float64Array>;
}

export interface ClassifierModel {
  taxonomy: Taxonomy;
  options: typeof DEFAULT_CLASSIFIER_OPTIONS;
  subdomainModel: NaiveBayes;
  polarityModel: NaiveBayes;
  /** `key` is the NFKC lower-case form used for matching; `term` is shown to users. */
  keywords: { term: string; key: string; subdomain: string }[];
  polarityKeywords: { term: string; key: string; polarity: Polarity }[];
  overrides: Map<string, LabelledTitle>;
  domainOf: Map<string, string>;
  trainedOn: number;
}

export interface Classification {
  title: string;
  domain: string;
  subdomain: string;
  polarity: Polarity;
  /** Probability of the chosen sub-domain (0–1). */
  confidence: number;
  polarityConfidence: number;
  explanation: Explanation;
}

export interface Explanation {
  /** Keywords of the chosen sub-domain found in the title. */
  keywords: string[];
  /** Good/bad cue words found in the title. */
  polarityKeywords: string[];
  /** n-grams that most favoured the chosen sub-domain over the runner-up. */
  topFeatures: { feature: string; weight: number }[];
  alternatives: { subdomain: string; probability: number }[];
  /** True when a staff correction with the same title decided the result. */
  override: boolean;
  /** The title's words that decided, in title order: keywords and the spans the strongest n-grams cover, merged. */
  phrases: string[];
  /** The chosen sub-domain's probability is under LOW_CONFIDENCE: the text says so and asks for a check. */
  lowConfidence: boolean;
  /** Chinese one-line explanation, in words (no weights). */
  text: string;
}

/** Below this probability of the chosen sub-domain the explanation flags the result as uncertain. */
export const LOW_CONFIDENCE = 0.5;

/**
 * The phrases of a title that decided its class: the spans covered by the matched keywords and by the
 * n-grams that favoured the winner, merged where they touch or overlap, so the console says 过期食品
 * instead of listing 过期, 期食, 食品 with their weights. At most four, in title order.
 */
export function decidingPhrases(title: string, terms: readonly string[]): string[] {
  const text = normaliseTitle(title);
  const covered = new Array<boolean>(text.length).fill(false);
  for (const term of terms) {
    const t = normaliseTitle(term);
    if (t.length < 2) continue;
    for (let at = text.indexOf(t); at >= 0; at = text.indexOf(t, at + 1)) covered.fill(true, at, at + t.length);
  }
  const phrases: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && covered[i]) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      // Digits were collapsed to 0 for the model; a phrase is only the words around them.
      for (const part of text.slice(start, i).split('0')) if ([...part].length >= 2 && !phrases.includes(part)) phrases.push(part);
      start = -1;
    }
  }
  return phrases.slice(0, 4);
}

/** Normalises a title for n-grams: NFKC, lower case, digits collapsed, punctuation and spaces dropped. */
export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\d+(\.\d+)?/g, '0')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

// Place names (provinces, the 36 monitored cities, Qinghai's prefectures and Xining's districts and counties)
// say where an event happened, not what it is: learning them biased titles starting with 西宁 towards good
// (issue 16 §2). Longest first, each with its optional administrative suffix, removed before features and keywords.
const PROVINCES = [
  '北京', '天津', '上海', '重庆', '河北', '山西', '内蒙古', '辽宁', '吉林', '黑龙江', '江苏', '浙江', '安徽', '福建', '江西', '山东', '河南',
  '湖北', '湖南', '广东', '广西', '海南', '四川', '贵州', '云南', '西藏', '陕西', '甘肃', '青海', '宁夏', '新疆', '香港', '澳门', '台湾',
];
const CITIES = [
  '石家庄', '太原', '呼和浩特', '沈阳', '长春', '哈尔滨', '南京', '杭州', '合肥', '福州', '南昌', '济南', '郑州', '武汉', '长沙', '广州',
  '南宁', '海口', '成都', '贵阳', '昆明', '拉萨', '西安', '兰州', '西宁', '银川', '乌鲁木齐', '大连', '青岛', '宁波', '厦门', '深圳',
  '海东', '海北', '黄南', '果洛', '玉树', '海西', '格尔木', '德令哈', '城东', '城西', '城中', '城北', '大通', '湟中', '湟源',
];
const alternation = (names: string[]) => [...names].sort((a, b) => b.length - a.length).join('|');
// Only the name (and a multi-character autonomous-area suffix) goes: a one-character 市/区/县/省 stays, so adding
// or removing a name never merges with the text around it ("西宁" + "市工信局…" is still "市工信局…").
const SUFFIX = '(回族土族自治县|土族自治州|藏族自治州|蒙古族藏族自治州|壮族自治区|回族自治区|维吾尔自治区|自治区|自治州)?';
// Names overlap ("推广西宁" holds both 广西 and 西宁), and a single leftmost match would take 广西 and leave "推宁".
// So names go in passes: 西宁 first (the platform's own city, the name most often put before or after a title),
// then the other cities and districts, then provinces.
const PLACE_PASSES = [['西宁'], CITIES.filter((c) => c !== '西宁'), PROVINCES].map((names) => new RegExp(`(${alternation(names)})${SUFFIX}`, 'g'));

/** The title without place names (PROVINCES, CITIES), so where an event happened never decides its class. */
export function withoutPlaces(title: string): string {
  return PLACE_PASSES.reduce((text, re) => text.replace(re, ''), title.normalize('NFKC'));
}

/** Distinct character n-grams (1..maxN) of a normalised title, place names removed. */
export function features(title: string, maxN = DEFAULT_CLASSIFIER_OPTIONS.maxNgram): string[] {
  const chars = [...normaliseTitle(withoutPlaces(title))];
  const out = new Set<string>();
  for (let i = 0; i < chars.length; i++) {
    let gram = '';
    for (let n = 0; n < maxN && i + n < chars.length; n++) {
      gram += chars[i + n];
      out.add(gram);
    }
  }
  return [...out];
}

/** Parses labelled TSV (子领域<TAB>good|bad<TAB>标题; # comments); every bad line is reported. */
export function parseLabelledTsv(text: string, taxonomy: Taxonomy = defaultTaxonomy()): LabelledTitle[] {
  const known = subdomainToDomain(taxonomy);
  const out: LabelledTitle[] = [];
  const issues: RowIssue[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const cols = line.split('\t').map((c) => c.trim());
    const polarity = cols[1] === '优良' ? 'good' : cols[1] === '不良' ? 'bad' : cols[1];
    if (cols.length !== 3 || !cols[2]) issues.push({ row: i + 1, message: '应为三列：子领域、good/bad、标题' });
    else if (!known.has(cols[0])) issues.push({ row: i + 1, message: `未知子领域「${cols[0]}」` });
    else if (polarity !== 'good' && polarity !== 'bad') issues.push({ row: i + 1, message: `性质应为 good 或 bad，实际为「${cols[1]}」` });
    else out.push({ subdomain: cols[0], polarity, title: cols[2] });
  });
  if (issues.length) throw importError('invalid_training_data', '标注样本', issues);
  return out;
}

let shipped: LabelledTitle[] | undefined;

/** The labelled titles shipped with the repository (about 600, every sub-domain, good and bad). */
export function shippedLabelledTitles(): LabelledTitle[] {
  shipped ??= parseLabelledTsv(readFileSync(new URL('./defaults/events-labelled.tsv', import.meta.url), 'utf8'));
  return shipped;
}

/** FNV-1a hash: a stable, platform-independent basis for the held-out split. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Deterministic stratified split: in each (sub-domain, good/bad) group, every `folds`-th title by hash is held out. */
export function splitHoldout(examples: LabelledTitle[], folds = 5, fold = 0): { train: LabelledTitle[]; test: LabelledTitle[] } {
  const groups = new Map<string, LabelledTitle[]>();
  for (const e of examples) {
    const key = `${e.subdomain}\t${e.polarity}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(e);
  }
  const train: LabelledTitle[] = [];
  const test: LabelledTitle[] = [];
  for (const group of groups.values()) {
    const sorted = [...group].sort((a, b) => fnv1a(a.title) - fnv1a(b.title) || a.title.localeCompare(b.title));
    sorted.forEach((e, i) => (i % folds === fold ? test : train).push(e));
  }
  return { train, test };
}

function trainNaiveBayes(docs: { feats: string[]; label: string; weight: number }[], classes: string[], alpha: number): NaiveBayes {
  const index = new Map(classes.map((c, i) => [c, i]));
  const counts = new Map<string, number[]>();
  const totals = classes.map(() => 0);
  const docCounts = classes.map(() => 0);
  for (const d of docs) {
    const ci = index.get(d.label)!;
    docCounts[ci] += d.weight;
    for (const f of d.feats) {
      let row = counts.get(f);
      if (!row) counts.set(f, (row = classes.map(() => 0)));
      row[ci] += d.weight;
      totals[ci] += d.weight;
    }
  }
  const n = docCounts.reduce((a, b) => a + b, 0);
  // Add-one on the prior too, so a sub-domain without examples is possible but unlikely.
  const logPrior = docCounts.map((c) => Math.log((c + 1) / (n + classes.length)));
  const logLik = new Map<string, Float64Array>();
  for (const [f, row] of counts) {
    logLik.set(f, Float64Array.from(row, (c, i) => Math.log((c + alpha) / (totals[i] + alpha * counts.size))));
  }
  return { classes, logPrior, logLik };
}

function nbScores(nb: NaiveBayes, feats: string[]): number[] {
  const scores = [...nb.logPrior];
  for (const f of feats) {
    // Unseen n-grams carry no evidence for any class.
    const ll = nb.logLik.get(f);
    if (ll) for (let i = 0; i < scores.length; i++) scores[i] += ll[i];
  }
  return scores;
}

function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Finds keyword matches, dropping a match that lies inside a longer match (e.g. "医保" inside "医保基金"). */
function matchTerms<T extends { term: string; key: string }>(text: string, terms: T[]): T[] {
  const hay = withoutPlaces(text).toLowerCase();
  const hits = terms.filter((t) => hay.includes(t.key));
  if (hits.length < 2) return hits;
  return hits.filter((h) => !hits.some((o) => o.key.length > h.key.length && o.key.includes(h.key)));
}

/** Per-class keyword bonus: `weight` for each matched keyword of that class. */
function keywordBonus<T>(classes: string[], hits: T[], classOf: (hit: T) => string, weight: number): number[] {
  const bonus = classes.map(() => 0);
  for (const h of hits) bonus[classes.indexOf(classOf(h))] += weight;
  return bonus;
}

const termKey = (term: string) => term.normalize('NFKC').toLowerCase();

/** Trains the classifier on labelled titles plus optional staff corrections (`options.extra`). */
export function trainClassifier(examples: LabelledTitle[], options: ClassifierOptions = {}): ClassifierModel {
  const taxonomy = options.taxonomy ?? defaultTaxonomy();
  const d = DEFAULT_CLASSIFIER_OPTIONS;
  const opts = {
    extraWeight: options.extraWeight ?? d.extraWeight,
    alpha: options.alpha ?? d.alpha,
    temperature: options.temperature ?? d.temperature,
    keywordWeight: options.keywordWeight ?? d.keywordWeight,
    polarityKeywordWeight: options.polarityKeywordWeight ?? options.keywordWeight ?? d.polarityKeywordWeight,
    maxNgram: options.maxNgram ?? d.maxNgram,
  };
  const domainOf = subdomainToDomain(taxonomy);
  const extra = options.extra ?? [];
  for (const e of [...examples, ...extra]) {
    if (!domainOf.has(e.subdomain)) throw new MonitoringError('invalid_training_data', `标注样本「${e.title}」的子领域「${e.subdomain}」不在领域分类中`);
  }
  const overrides = new Map(extra.map((e) => [normaliseTitle(e.title), e]));
  // A correction replaces the shipped label of the same title instead of competing with it.
  const base = examples.filter((e) => !overrides.has(normaliseTitle(e.title)));
  const docs = [
    ...base.map((e) => ({ e, weight: 1 })),
    ...extra.map((e) => ({ e, weight: opts.extraWeight })),
  ].map(({ e, weight }) => ({ feats: features(e.title, opts.maxNgram), e, weight }));
  const subdomainModel = trainNaiveBayes(
    docs.map((d) => ({ feats: d.feats, label: d.e.subdomain, weight: d.weight })),
    subdomainNames(taxonomy),
    opts.alpha,
  );
  const polarityModel = trainNaiveBayes(
    docs.map((d) => ({ feats: d.feats, label: d.e.polarity, weight: d.weight })),
    ['good', 'bad'],
    opts.alpha,
  );
  return {
    taxonomy,
    options: opts,
    subdomainModel,
    polarityModel,
    keywords: taxonomy.domains.flatMap((d) => d.subdomains.flatMap((s) => s.keywords.map((term) => ({ term, key: termKey(term), subdomain: s.name })))),
    polarityKeywords: [
      ...taxonomy.polarity.good.map((term) => ({ term, key: termKey(term), polarity: 'good' as const })),
      ...taxonomy.polarity.bad.map((term) => ({ term, key: termKey(term), polarity: 'bad' as const })),
    ],
    overrides,
    domainOf,
    trainedOn: docs.length,
  };
}

let defaultModel: ClassifierModel | undefined;

/** Model trained on the whole shipped set (cached); pass corrections to get a fresh, retrained model. */
export function defaultClassifier(extra?: LabelledTitle[]): ClassifierModel {
  if (extra && extra.length) return trainClassifier(shippedLabelledTitles(), { extra });
  defaultModel ??= trainClassifier(shippedLabelledTitles());
  return defaultModel;
}

/** Classifies one title into domain, sub-domain and good/bad, with the reasons. */
export function classifyTitle(model: ClassifierModel, title: string): Classification {
  const { temperature, keywordWeight, polarityKeywordWeight, maxNgram } = model.options;
  const feats = features(title, maxNgram);
  const nb = model.subdomainModel;

  const kwHits = matchTerms(title, model.keywords);
  const kwBonus = keywordBonus(nb.classes, kwHits, (k) => k.subdomain, keywordWeight);
  const sub = nbScores(nb, feats).map((s, i) => s / temperature + kwBonus[i]);
  const subProb = softmax(sub);
  const order = subProb.map((p, i) => i).sort((a, b) => subProb[b] - subProb[a]);
  let best = order[0];
  const runnerUp = order[1];

  const pnb = model.polarityModel;
  const polHits = matchTerms(title, model.polarityKeywords);
  const polBonus = keywordBonus(pnb.classes, polHits, (k) => k.polarity, polarityKeywordWeight);
  const pol = nbScores(pnb, feats).map((s, i) => s / temperature + polBonus[i]);
  const polProb = softmax(pol);
  let polarity = (polProb[1] > polProb[0] ? 'bad' : 'good') as Polarity;
  let polarityConfidence = Math.max(...polProb);
  let confidence = subProb[best];

  const override = model.overrides.get(normaliseTitle(title));
  if (override) {
    best = nb.classes.indexOf(override.subdomain);
    polarity = override.polarity;
    confidence = 1;
    polarityConfidence = 1;
  }
  const subdomain = nb.classes[best];

  // Strongest evidence for the winner against the runner-up; single characters are weak and unreadable, so skip them.
  const rival = best === order[0] ? runnerUp : order[0];
  const topFeatures = feats
    .filter((f) => [...f].length >= 2)
    .map((f) => {
      const ll = nb.logLik.get(f);
      return { feature: f, weight: ll ? ll[best] - ll[rival] : 0 };
    })
    .filter((f) => f.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.feature.localeCompare(b.feature))
    .slice(0, 5)
    .map((f) => ({ feature: f.feature, weight: Math.round(f.weight * 100) / 100 }));

  const keywords = kwHits.filter((k) => k.subdomain === subdomain).map((k) => k.term);
  const polarityKeywords = polHits.filter((k) => k.polarity === polarity).map((k) => k.term);
  const alternatives = order
    .filter((i) => i !== best)
    .slice(0, 2)
    .map((i) => ({ subdomain: nb.classes[i], probability: Math.round(subProb[i] * 100) / 100 }));

  // In words (issue 17 §4): the phrases of the title that decided, not character pairs and weights.
  const phrases = decidingPhrases(title, [...keywords, ...topFeatures.map((f) => f.feature)]);
  const lowConfidence = !override && confidence < LOW_CONFIDENCE;
  const quote = (xs: string[]) => xs.map((x) => `“${x}”`).join('');
  const parts: string[] = [];
  if (override) parts.push('与人工修正过的同名事件一致');
  parts.push(`归入「${model.domainOf.get(subdomain)}·${subdomain}」`);
  parts.push(keywords.length ? `命中关键词：${keywords.join('、')}` : '未命中关键词');
  if (phrases.length) parts.push(`起决定作用的词语：${quote(phrases)}`);
  parts.push(`判为${polarity === 'bad' ? '不良' : '优良'}：${polarityKeywords.length ? `标题含${quote(polarityKeywords)}` : '按同类事件的用词判断'}`);
  if (lowConfidence) parts.push(`把握不大（${Math.round(confidence * 100)}%），请人工复核`);
  if (alternatives.length) parts.push(`也可能是：${alternatives.map((a) => `${a.subdomain}（${Math.round(a.probability * 100)}%）`).join('、')}`);

  return {
    title,
    domain: model.domainOf.get(subdomain)!,
    subdomain,
    polarity,
    confidence: Math.round(confidence * 100) / 100,
    polarityConfidence: Math.round(polarityConfidence * 100) / 100,
    explanation: { keywords, polarityKeywords, topFeatures, alternatives, override: Boolean(override), phrases, lowConfidence, text: parts.join('；') },
  };
}

export interface Evaluation {
  n: number;
  /** sub-domain and good/bad both right */
  exact: number;
  domain: number;
  subdomain: number;
  polarity: number;
  perSubdomain: { subdomain: string; n: number; correct: number }[];
  /** counts[expected][predicted] over `domains` (the taxonomy's order): where domain errors go */
  domainConfusion: { domains: string[]; counts: number[][] };
  mistakes: { title: string; expected: string; got: string }[];
}

/** Accuracy of a model on labelled titles (use the held-out split of splitHoldout). */
export function evaluateClassifier(model: ClassifierModel, examples: LabelledTitle[]): Evaluation {
  let exact = 0;
  let domain = 0;
  let subdomain = 0;
  let polarity = 0;
  const per = new Map<string, { n: number; correct: number }>();
  const mistakes: Evaluation['mistakes'] = [];
  const domains = [...new Set(model.domainOf.values())];
  const counts = domains.map(() => domains.map(() => 0));
  for (const e of examples) {
    const r = classifyTitle(model, e.title);
    counts[domains.indexOf(model.domainOf.get(e.subdomain)!)][domains.indexOf(r.domain)]++;
    const okSub = r.subdomain === e.subdomain;
    const okPol = r.polarity === e.polarity;
    if (okSub) subdomain++;
    if (okPol) polarity++;
    if (okSub && okPol) exact++;
    if (r.domain === model.domainOf.get(e.subdomain)) domain++;
    const p = per.get(e.subdomain) ?? { n: 0, correct: 0 };
    p.n++;
    if (okSub) p.correct++;
    per.set(e.subdomain, p);
    if (!okSub || !okPol) mistakes.push({ title: e.title, expected: `${e.subdomain}/${e.polarity}`, got: `${r.subdomain}/${r.polarity}` });
  }
  const n = examples.length;
  const share = (k: number) => (n === 0 ? 0 : k / n);
  return {
    n,
    exact: share(exact),
    domain: share(domain),
    subdomain: share(subdomain),
    polarity: share(polarity),
    perSubdomain: [...per].map(([s, v]) => ({ subdomain: s, ...v })),
    domainConfusion: { domains, counts },
    mistakes,
  };
}
