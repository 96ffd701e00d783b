// Deterministic generator of realistic 行政处罚 v2 rows for tests, demos and the import benchmark
// (which writes a 1,000,000-row GB18030 CSV from penaltyCsvChunks). Same (n, seed, options) →
// same rows, byte for byte. Subjects are in 西宁市 (630102–630123), codes are valid (GB 32100,
// GB 11643) unless a row is deliberately defective.
import { generateIdNumber, generateUscc, isValidUscc } from '../codes/index.ts';
import { compileItem } from '../catalog/index.ts';
import { SGS_CF_V2 } from '../catalog/index.ts';
import { isoOfEpochDay } from '../../platform/workCalendar.ts';
import { encodeGb18030 } from './gb18030.ts';
import { mulberry32 } from '../../platform/random.ts';
import { demoDepartmentUscc } from '../auth/index.ts';

/** Template headers of 行政处罚 v2, in order: the columns of every generated row. */
export const PENALTY_HEADERS: readonly string[] = compileItem(SGS_CF_V2).templateFields.map((f) => f.name);
const COL: Record<string, number> = Object.fromEntries(
  compileItem(SGS_CF_V2).templateFields.map((f, i) => [f.code, i]),
);

/** Defects injected into invalid rows, one per row; each maps to a validation code. */
export const PENALTY_DEFECTS = [
  'uscc_check_char', // → uscc_invalid
  'uscc_float_mangled', // → code_float_damaged
  'missing_fact', // → required_missing (违法事实)
  'bad_date', // → date_invalid
  'future_date', // → date_in_future
  'negative_amount', // → amount_negative
  'unknown_category', // → enum_invalid
  'id_in_remark', // → id_number_in_public_field
  'category_prefix', // → uscc_category_mismatch
  'authority_uscc', // → authority_uscc_invalid
  'control_char', // → control_char
  'fact_too_long', // → too_long
] as const;
export type PenaltyDefect = (typeof PENALTY_DEFECTS)[number];

export interface GeneratedPenaltyRow {
  cells: string[];
  defect: PenaltyDefect | null;
  /** Index of the earlier row this one repeats (same record key), or null. */
  duplicateOf: number | null;
}

export interface PenaltyGenOptions {
  /** Share of rows with one defect (default 0). */
  invalidRate?: number;
  /** Share of rows that repeat an earlier row (default 0). */
  duplicateRate?: number;
  /** Decision dates are drawn from [from, to] (defaults 2025-01-01 … 2026-10-31). */
  from?: string;
  to?: string;
  /**
   * Draw the subjects from a pool of this many (pooledSubject): row i (duplicates aside) is about
   * subject i mod `subjects`, so that many rows share few subjects. Unset (the default): every row
   * gets a subject of its own, as before.
   */
  subjects?: number;
}

export { mulberry32 };

const DISTRICTS: readonly [string, string][] = [
  ['630102', '城东区'],
  ['630103', '城中区'],
  ['630104', '城西区'],
  ['630105', '城北区'],
  ['630106', '湟中区'],
  ['630121', '大通回族土族自治县'],
  ['630123', '湟源县'],
];

interface Authority {
  name: string;
  /** The seeded department's code its USCC is made from (demoDepartmentUscc). */
  department: string;
  abbr: string;
  uscc: string;
  behaviours: readonly string[];
  laws: readonly string[];
}

// Authorities get the stable placeholder USCCs of the seeded departments of the same name (prefix 11 = 机关,
// region 630100; demoDepartmentUscc), so a test department given that code may report them (issue 11 §1).
// 城市管理综合执法局 is no seeded department: its code is made the same way from a code of its own.
const AUTHORITIES: readonly Authority[] = (() => {
  const mk = (name: string, abbr: string, behaviours: string[], laws: string[], department: string): Authority => ({
    name,
    abbr,
    department,
    uscc: demoDepartmentUscc(department, '630100'),
    behaviours,
    laws,
  });
  return [
    mk('西宁市市场监督管理局', '宁市监罚', ['经营超过保质期的食品', '未按规定公示食品经营许可证', '销售不符合安全标准的产品', '虚假宣传', '未明码标价'], ['《中华人民共和国食品安全法》第一百二十四条', '《中华人民共和国反不正当竞争法》第二十条', '《中华人民共和国价格法》第四十二条'], 'SCJGJ'),
    mk('西宁市生态环境局', '宁环罚', ['超标排放大气污染物', '未批先建', '未按规定贮存危险废物', '噪声污染扰民'], ['《中华人民共和国大气污染防治法》第九十九条', '《中华人民共和国环境影响评价法》第三十一条', '《中华人民共和国固体废物污染环境防治法》第一百一十二条'], 'STHJJ'),
    mk('西宁市应急管理局', '宁应急罚', ['未按规定开展安全生产教育培训', '未建立事故隐患排查治理制度', '特种作业人员无证上岗'], ['《中华人民共和国安全生产法》第九十七条', '《中华人民共和国安全生产法》第一百零二条'], 'YJGLJ'),
    mk('西宁市城市管理综合执法局', '宁城执罚', ['占道经营', '未经批准设置户外广告', '违规倾倒建筑垃圾'], ['《城市市容和环境卫生管理条例》第三十六条', '《西宁市市容环境卫生管理条例》第四十二条'], 'CGZFJ'),
    mk('西宁市交通运输局', '宁交罚', ['未取得道路运输经营许可擅自从事经营', '出租汽车拒载', '超限运输'], ['《中华人民共和国道路运输条例》第六十三条', '《公路安全保护条例》第六十四条'], 'JTJ'),
    mk('西宁市卫生健康委员会', '宁卫罚', ['未取得医疗机构执业许可证擅自执业', '公共场所卫生不合格', '使用非卫生技术人员从事诊疗活动'], ['《医疗机构管理条例》第四十三条', '《公共场所卫生管理条例》第十四条'], 'WJW'),
  ];
})();

/** The authorities generated rows name (处罚机关 and 数据来源单位), with the seeded department whose placeholder code they carry. */
export const FIXTURE_AUTHORITIES: ReadonlyArray<{ name: string; uscc: string; department: string }> = AUTHORITIES.map((a) => ({ name: a.name, uscc: a.uscc, department: a.department }));

const SURNAMES = [...'王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗韩祁鲁冶白谢宋唐许邓冯'];
const GIVEN = [...'明华建国军伟芳娜秀英敏静丽强磊洋艳勇杰娟涛超霞平刚桂英玉兰文海生福成晓燕'];
const WORDS = ['鑫源', '恒通', '昆仑', '青峰', '三江源', '高原', '雪域', '河湟', '夏都', '祥和', '瑞丰', '宏达', '金穗', '湟水', '凤凰山', '南山', '北川', '宁湖', '天峻', '柴达木'];
const TRADES = ['商贸', '餐饮管理', '建筑工程', '物流', '科技', '食品', '医药连锁', '汽车服务', '旅游开发', '农牧业发展', '环保科技', '物业服务'];
const FORMS = ['有限公司', '有限责任公司', '股份有限公司'];
const SHOPS = ['便利店', '小吃店', '五金店', '烟酒店', '理发店', '手抓羊肉馆', '牛肉面馆', '超市', '干洗店', '汽车修理部'];
const ROADS = ['五四大街', '长江路', '黄河路', '昆仑中路', '胜利路', '七一路', '海湖路', '八一路', '祁连路', '湟中路'];

interface Category {
  labels: string;
  fine: boolean;
  confiscate: boolean;
  revoke: boolean;
}
const CATEGORIES: readonly [number, Category][] = [
  [30, { labels: '罚款', fine: true, confiscate: false, revoke: false }],
  [20, { labels: '警告', fine: false, confiscate: false, revoke: false }],
  [20, { labels: '警告、罚款', fine: true, confiscate: false, revoke: false }],
  [10, { labels: '罚款、没收违法所得', fine: true, confiscate: true, revoke: false }],
  [6, { labels: '没收违法所得、没收非法财物', fine: false, confiscate: true, revoke: false }],
  [5, { labels: '责令停产停业', fine: false, confiscate: false, revoke: false }],
  [4, { labels: '罚款;吊销许可证件', fine: true, confiscate: false, revoke: true }],
  [3, { labels: '通报批评', fine: false, confiscate: false, revoke: false }],
  [2, { labels: '其他-责令限期改正', fine: false, confiscate: false, revoke: false }],
];
const CATEGORY_WEIGHT = CATEGORIES.reduce((a, [w]) => a + w, 0);

const MS_DAY = 86_400_000;

const isoDate = isoOfEpochDay;
function slashDate(day: number): string {
  const iso = isoOfEpochDay(day);
  return iso.slice(0, 4) + '/' + iso.slice(5, 7) + '/' + iso.slice(8);
}
function dayOf(iso: string): number {
  return Math.floor(Date.parse(iso + 'T00:00:00Z') / MS_DAY);
}

/**
 * Generates n 行政处罚 v2 rows (cells in PENALTY_HEADERS order). `invalidRate` rows carry one
 * defect from PENALTY_DEFECTS; `duplicateRate` rows repeat an earlier row's record key.
 */
export function* generatePenaltyRows(n: number, seed: number, opts: PenaltyGenOptions = {}): Generator<GeneratedPenaltyRow> {
  const rng = mulberry32(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng() * a.length)];
  const invalidRate = opts.invalidRate ?? 0;
  const duplicateRate = opts.duplicateRate ?? 0;
  const fromDay = dayOf(opts.from ?? '2025-01-01');
  const toDay = dayOf(opts.to ?? '2026-10-31');
  const person = () => pick(SURNAMES) + pick(GIVEN) + (rng() < 0.6 ? pick(GIVEN) : '');
  // A bounded window of recent rows to duplicate from (keeps memory flat for 1M rows).
  const recent: { index: number; cells: string[]; defect: PenaltyDefect | null }[] = [];
  const seqByAuthority = new Map<string, number>();

  for (let index = 0; index < n; index++) {
    if (recent.length > 0 && rng() < duplicateRate) {
      const src = pick(recent);
      yield { cells: [...src.cells], defect: src.defect, duplicateOf: src.index };
      continue;
    }
    const cells: string[] = new Array(PENALTY_HEADERS.length).fill('');
    const set = (code: string, v: string) => {
      cells[COL[code]] = v;
    };
    const pooled = opts.subjects ? pooledSubject(index % opts.subjects) : null;
    const [region, district] = pooled ? (DISTRICTS.find(([code]) => code === pooled.regionCode) ?? DISTRICTS[0]) : pick(DISTRICTS);
    const kindDraw = pooled ? 0 : rng();
    const kind = pooled ? pooled.category : kindDraw < 0.7 ? '法人及非法人组织' : kindDraw < 0.9 ? '个体工商户' : '自然人';
    set('CF_XDR_LB', kind);
    if (pooled) {
      set('CF_XDR_MC', pooled.name);
      set('CF_XDR_SHXYM', pooled.uscc);
      if (pooled.orgCode) set('CF_XDR_ZZJG', pooled.orgCode);
      set('CF_FRDB', pooled.legalRepresentative);
    } else if (kind === '自然人') {
      set('CF_XDR_MC', person());
      set('CF_XDR_ZJLX', '身份证');
      set('CF_XDR_ZJHM', generateIdNumber(rng, { region, birth: new Date(Date.UTC(1960, 0, 1) + Math.floor(rng() * 40 * 365) * MS_DAY) }));
    } else {
      const uscc = generateUscc(rng, { prefix: kind === '个体工商户' ? '92' : '91', region });
      set('CF_XDR_SHXYM', uscc);
      if (kind === '个体工商户') {
        set('CF_XDR_MC', `${district.slice(0, 2)}${pick(WORDS)}${pick(SHOPS)}`);
      } else {
        set('CF_XDR_MC', `西宁${pick(WORDS)}${pick(TRADES)}${pick(FORMS)}`);
        if (rng() < 0.2) set('CF_XDR_ZZJG', uscc.slice(8, 17));
      }
      set('CF_FRDB', person());
      if (rng() < 0.3) {
        set('CF_FR_ZJLX', '身份证');
        set('CF_FR_ZJHM', generateIdNumber(rng, { region }));
      }
    }
    const auth = pick(AUTHORITIES);
    const decision = fromDay + Math.floor(rng() * (toDay - fromDay + 1));
    const year = Number(isoDate(decision).slice(0, 4));
    const seqKey = `${auth.abbr}${year}`;
    const seq = (seqByAuthority.get(seqKey) ?? 0) + 1;
    seqByAuthority.set(seqKey, seq);
    set('CF_WSH', `${auth.abbr}〔${year}〕${seq}号`);
    const behaviour = pick(auth.behaviours);
    const law = pick(auth.laws);
    set('CF_WFXW', behaviour);
    set(
      'CF_SY',
      `经查，当事人于${slashDate(decision - 10 - Math.floor(rng() * 60))}在西宁市${district}${pick(ROADS)}${1 + Math.floor(rng() * 300)}号${behaviour}，违反了${law.replace(/第.*$/, '')}的有关规定。`,
    );
    set('CF_YJ', `依据${law}的规定`);
    let r = rng() * CATEGORY_WEIGHT;
    let cat = CATEGORIES[0][1];
    for (const [w, c] of CATEGORIES) {
      r -= w;
      if (r < 0) {
        cat = c;
        break;
      }
    }
    set('CF_CFLB', cat.labels);
    const parts: string[] = [];
    if (cat.fine) {
      const yuan = [500, 1000, 2000, 3000, 5000, 10000, 20000, 50000, 100000][Math.floor(rng() * 9)];
      set('CF_NR_FK', String(yuan / 10000));
      parts.push(`罚款人民币${yuan}元`);
    }
    if (cat.confiscate) {
      const yuan = 100 + Math.floor(rng() * 20000);
      set('CF_NR_WFFF', String(yuan / 10000));
      parts.push(`没收违法所得${yuan}元`);
    }
    if (cat.revoke) {
      set('CF_NR_ZKDX', `食品经营许可证 JY1${region}${String(Math.floor(rng() * 1e8)).padStart(8, '0')}`);
      parts.push('吊销食品经营许可证');
    }
    if (parts.length === 0) parts.push(cat.labels.replace(/^其他-/, ''));
    set('CF_NR', parts.join('，'));
    set('CF_JDRQ', rng() < 0.5 ? isoDate(decision) : slashDate(decision));
    set('CF_YXQ', isoDate(decision + 7 + Math.floor(rng() * 170)));
    set('CF_GSJZQ', isoDate(decision + 365));
    set('CF_CFJG', auth.name);
    set('CF_CFJGDM', auth.uscc);
    set('CF_SJLY', auth.name);
    set('CF_SJLYDM', auth.uscc);
    if (rng() < 0.05) set('BZ', '当事人已履行完毕');

    let defect: PenaltyDefect | null = null;
    if (rng() < invalidRate) {
      defect = pick(PENALTY_DEFECTS);
      injectDefect(cells, defect, rng);
    }
    if (recent.length < 1000) recent.push({ index, cells, defect });
    else if (rng() < 0.01) recent[Math.floor(rng() * recent.length)] = { index, cells, defect };
    yield { cells, defect, duplicateOf: null };
  }
}

/** One subject of the pool behind PenaltyGenOptions.subjects (a legal person or an individual business). */
export interface PooledSubject {
  category: '法人及非法人组织' | '个体工商户';
  name: string;
  uscc: string;
  /** The organisation code inside the USCC, given for about one legal person in five. */
  orgCode: string | null;
  legalRepresentative: string;
  regionCode: string;
}

// 字号 are two characters of this list: 110² = 12,100 of them.
const MARKS = [...'鑫源恒通昆仑瑞丰宏达金穗华泰安康盛隆兴旺福祥和顺德信诚嘉禾益民众汇新宇博远天佑锦程聚鼎明珠星晨光春晖青峰雪域高原河湟夏都凤凰南山北川宁湖柴永昌茂荣辉腾飞龙鹏海江润泽林森云杉祁连格桑雅丹吉卓玛拉措东方长城中正大美好乐佳利万'];
const HEADS = ['西宁', '西宁市', '青海', '青海省'];
const POOL_TRADES = [
  '商贸', '餐饮管理', '建筑工程', '物流', '科技', '食品', '医药连锁', '汽车服务', '旅游开发', '农牧业发展', '环保科技', '物业服务',
  '房地产开发', '文化传媒', '电子商务', '劳务', '装饰工程', '酒店管理', '信息技术', '新能源', '生物科技', '建材', '畜产品', '教育咨询',
  '广告', '印务', '机械设备', '水电安装', '园林绿化', '保安服务', '家政服务', '人力资源', '电力工程', '市政工程', '化工', '纺织',
];
const POOL_SHOPS = [...SHOPS, '服装店', '手机维修部', '水果店', '副食店', '药店', '酿皮店', '电动车行', '文具店'];
// Name spaces: legal persons 4 × 12,100 × 36 × 3 = 5,227,200; individual businesses 7 × 12,100 × 18 = 1,524,600.
const LEGAL_SPACE = HEADS.length * MARKS.length * MARKS.length * POOL_TRADES.length * FORMS.length;
const SHOP_SPACE = DISTRICTS.length * MARKS.length * MARKS.length * POOL_SHOPS.length;
const POOL_SEED = 20261128;

/**
 * Subject j of the pool, computed on its own (no state, nothing kept): two in nine are individual
 * businesses (92…), the rest legal persons (91…). Names are distinct for the first 6,000,000 or so;
 * past each name space a 分公司 number is appended. USCCs are valid and random (a clash between two
 * subjects of a pool of millions is possible but very unlikely).
 */
export function pooledSubject(j: number): PooledSubject {
  const rng = mulberry32((POOL_SEED ^ Math.imul(j + 1, 0x9e3779b1)) >>> 0);
  const shop = j % 9 < 2;
  // Index within the kind, then a fixed permutation of its name space (1,000,003 is a prime above every factor).
  const k = shop ? Math.floor(j / 9) * 2 + (j % 9) : Math.floor(j / 9) * 7 + (j % 9) - 2;
  const space = shop ? SHOP_SPACE : LEGAL_SPACE;
  let p = ((k % space) * 1_000_003 + 12_345) % space;
  const digit = (n: number) => {
    const d = p % n;
    p = Math.floor(p / n);
    return d;
  };
  const mark = () => MARKS[digit(MARKS.length)] + MARKS[digit(MARKS.length)];
  const branch = k >= space ? `第${Math.floor(k / space)}分公司` : '';
  const person = () => SURNAMES[Math.floor(rng() * SURNAMES.length)] + GIVEN[Math.floor(rng() * GIVEN.length)] + (rng() < 0.6 ? GIVEN[Math.floor(rng() * GIVEN.length)] : '');
  if (shop) {
    const [region, district] = DISTRICTS[digit(DISTRICTS.length)];
    const name = `${district.slice(0, 2)}${mark()}${POOL_SHOPS[digit(POOL_SHOPS.length)]}${branch}`;
    return { category: '个体工商户', name, uscc: generateUscc(rng, { prefix: '92', region }), orgCode: null, legalRepresentative: person(), regionCode: region };
  }
  const head = HEADS[digit(HEADS.length)];
  const name = `${head}${mark()}${POOL_TRADES[digit(POOL_TRADES.length)]}${FORMS[digit(FORMS.length)]}${branch}`;
  const [region] = DISTRICTS[Math.floor(rng() * DISTRICTS.length)];
  const uscc = generateUscc(rng, { prefix: '91', region });
  return { category: '法人及非法人组织', name, uscc, orgCode: rng() < 0.2 ? uscc.slice(8, 17) : null, legalRepresentative: person(), regionCode: region };
}

function injectDefect(cells: string[], defect: PenaltyDefect, rng: () => number): void {
  const set = (code: string, v: string) => {
    cells[COL[code]] = v;
  };
  const get = (code: string) => cells[COL[code]];
  switch (defect) {
    case 'uscc_check_char': {
      // Force a 法人 row, then change the check character.
      const u = generateUscc(rng, { prefix: '91', region: '630103' });
      set('CF_XDR_LB', '法人及非法人组织');
      set('CF_XDR_ZJLX', '');
      set('CF_XDR_ZJHM', '');
      set('CF_FRDB', get('CF_FRDB') || '王明');
      set('CF_XDR_SHXYM', u.slice(0, 17) + (u[17] === 'A' ? 'B' : 'A'));
      break;
    }
    case 'uscc_float_mangled':
      set('CF_XDR_LB', '法人及非法人组织');
      set('CF_XDR_ZJLX', '');
      set('CF_XDR_ZJHM', '');
      set('CF_FRDB', get('CF_FRDB') || '王明');
      // Like uscc_float_mangled.txt; 1 in 31 such strings passes the check by chance: draw again.
      for (;;) {
        const mangled = '916301' + String(100000000 + Math.floor(rng() * 899999999)) + '000';
        if (!isValidUscc(mangled)) {
          set('CF_XDR_SHXYM', mangled);
          break;
        }
      }
      break;
    case 'missing_fact':
      set('CF_SY', '');
      break;
    case 'bad_date':
      set('CF_JDRQ', '2025-13-01');
      break;
    case 'future_date':
      set('CF_JDRQ', '2099-01-01');
      break;
    case 'negative_amount':
      set('CF_CFLB', '罚款');
      set('CF_NR_FK', '-0.5');
      break;
    case 'unknown_category':
      set('CF_CFLB', '批评教育');
      break;
    case 'id_in_remark':
      set('BZ', `当事人身份证号${generateIdNumber(rng, { region: '630102' })}`);
      break;
    case 'category_prefix': {
      set('CF_XDR_LB', '个体工商户');
      set('CF_XDR_ZJLX', '');
      set('CF_XDR_ZJHM', '');
      set('CF_FRDB', get('CF_FRDB') || '王明');
      set('CF_XDR_SHXYM', generateUscc(rng, { prefix: '91', region: '630104' }));
      break;
    }
    case 'authority_uscc':
      set('CF_CFJGDM', '11630100MB1234567X');
      break;
    case 'control_char':
      set('CF_XDR_MC', get('CF_XDR_MC') + '\u0007');
      break;
    case 'fact_too_long':
      set('CF_SY', '违'.repeat(2001));
      break;
  }
}

/** Quotes a CSV field when needed (RFC 4180). */
export function csvEscape(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 44 || c === 10 || c === 13) return `"${s.replace(/"/g, '""')}"`;
  }
  return s;
}

export interface PenaltyCsvOptions extends PenaltyGenOptions {
  encoding?: 'utf-8' | 'gb18030';
  /** Write a UTF-8 BOM (utf-8 only; default false). */
  bom?: boolean;
  /** Rows per yielded chunk (default 2000). */
  rowsPerChunk?: number;
}

/** The rows of generatePenaltyRows as CSV bytes (header first), chunk by chunk, for files and streams. */
export function* penaltyCsvChunks(n: number, seed: number, opts: PenaltyCsvOptions = {}): Generator<Buffer> {
  const enc = (s: string) => (opts.encoding === 'gb18030' ? encodeGb18030(s) : Buffer.from(s, 'utf8'));
  const head = PENALTY_HEADERS.map(csvEscape).join(',') + '\r\n';
  yield opts.bom && opts.encoding !== 'gb18030' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), enc(head)]) : enc(head);
  const per = opts.rowsPerChunk ?? 2000;
  let text = '';
  let k = 0;
  for (const row of generatePenaltyRows(n, seed, opts)) {
    text += row.cells.map(csvEscape).join(',') + '\r\n';
    if (++k === per) {
      yield enc(text);
      text = '';
      k = 0;
    }
  }
  if (text) yield enc(text);
}
