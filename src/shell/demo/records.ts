// The demo city's 双公示 rows: what each member department decides in a year (行政许可 and 行政处罚), as the
// rows its clerks would upload, keyed by catalogue field code. Pure and deterministic for a seed; the rows go
// through ingest's own import path (city.ts), so validation, publicity and versions are the platform's.
import { generateIdNumber } from '../../domains/codes/index.ts';
import { pooledSubject } from '../../domains/ingest/fixtures.ts';
import { isoOfEpochDay } from '../../platform/workCalendar.ts';

export type DemoRow = Record<string, string>;

/** What one department decides: its document-number prefix, its penalties and its permits. */
export interface DepartmentProfile {
  code: string;
  /** 文号 prefix, e.g. 宁市监罚 / 宁市监许. */
  abbr: string;
  /** Share of the city's penalties and permits (relative weights). */
  penalties: number;
  permits: number;
  behaviours: readonly string[];
  laws: readonly string[];
  licences: readonly string[];
}

// Fourteen member departments that decide penalties or permits. The others (courts, party organs, unions …)
// report nothing through 双公示, as in a real city.
export const DEMO_PROFILES: readonly DepartmentProfile[] = [
  { code: 'SCJGJ', abbr: '市监', penalties: 30, permits: 26, behaviours: ['经营超过保质期的食品', '未按规定公示食品经营许可证', '销售不符合安全标准的产品', '虚假宣传', '未明码标价', '未按规定进行年度报告'], laws: ['《中华人民共和国食品安全法》第一百二十四条', '《中华人民共和国反不正当竞争法》第二十条', '《中华人民共和国价格法》第四十二条'], licences: ['食品经营许可证', '食品生产许可证', '特种设备使用登记证'] },
  { code: 'STHJJ', abbr: '环', penalties: 8, permits: 5, behaviours: ['超标排放大气污染物', '未批先建', '未按规定贮存危险废物', '噪声污染扰民'], laws: ['《中华人民共和国大气污染防治法》第九十九条', '《中华人民共和国环境影响评价法》第三十一条'], licences: ['排污许可证', '危险废物经营许可证'] },
  { code: 'YJGLJ', abbr: '应急', penalties: 6, permits: 3, behaviours: ['未按规定开展安全生产教育培训', '未建立事故隐患排查治理制度', '特种作业人员无证上岗'], laws: ['《中华人民共和国安全生产法》第九十七条', '《中华人民共和国安全生产法》第一百零二条'], licences: ['危险化学品经营许可证', '烟花爆竹经营（零售）许可证'] },
  { code: 'JTJ', abbr: '交', penalties: 8, permits: 8, behaviours: ['未取得道路运输经营许可擅自从事经营', '出租汽车拒载', '超限运输'], laws: ['《中华人民共和国道路运输条例》第六十三条', '《公路安全保护条例》第六十四条'], licences: ['道路运输经营许可证', '网络预约出租汽车运输证'] },
  { code: 'WJW', abbr: '卫', penalties: 5, permits: 6, behaviours: ['未取得医疗机构执业许可证擅自执业', '公共场所卫生不合格', '使用非卫生技术人员从事诊疗活动'], laws: ['《医疗机构管理条例》第四十三条', '《公共场所卫生管理条例》第十四条'], licences: ['医疗机构执业许可证', '公共场所卫生许可证'] },
  { code: 'SWUJU', abbr: '税', penalties: 9, permits: 4, behaviours: ['未按照规定期限办理纳税申报', '未按规定开具发票', '逃避缴纳税款'], laws: ['《中华人民共和国税收征收管理法》第六十二条', '《中华人民共和国发票管理办法》第三十五条'], licences: ['增值税专用发票最高开票限额审批'] },
  { code: 'ZRZYJ', abbr: '自然资', penalties: 3, permits: 6, behaviours: ['未经批准非法占用土地', '未取得建设工程规划许可证进行建设'], laws: ['《中华人民共和国土地管理法》第七十七条', '《中华人民共和国城乡规划法》第六十四条'], licences: ['建设用地规划许可证', '建设工程规划许可证'] },
  { code: 'CXJSJ', abbr: '建', penalties: 4, permits: 7, behaviours: ['未取得施工许可证擅自施工', '未按照工程建设强制性标准施工'], laws: ['《中华人民共和国建筑法》第六十四条', '《建设工程质量管理条例》第六十四条'], licences: ['建筑工程施工许可证', '建筑业企业资质证书'] },
  { code: 'RSJ', abbr: '人社', penalties: 3, permits: 3, behaviours: ['未按规定支付劳动者工资', '未依法签订劳动合同'], laws: ['《劳动保障监察条例》第二十六条', '《中华人民共和国劳动合同法》第八十二条'], licences: ['劳务派遣经营许可证', '人力资源服务许可证'] },
  { code: 'WLGDJ', abbr: '文旅', penalties: 3, permits: 4, behaviours: ['未经许可经营旅行社业务', '擅自从事互联网上网服务经营活动'], laws: ['《旅行社条例》第四十六条', '《互联网上网服务营业场所管理条例》第二十七条'], licences: ['旅行社业务经营许可证', '娱乐经营许可证'] },
  { code: 'NYNCJ', abbr: '农', penalties: 3, permits: 4, behaviours: ['经营假兽药', '销售不合格种子'], laws: ['《兽药管理条例》第五十六条', '《中华人民共和国种子法》第七十五条'], licences: ['兽药经营许可证', '农药经营许可证'] },
  { code: 'SWJ', abbr: '水', penalties: 2, permits: 3, behaviours: ['未经批准擅自取水', '在河道管理范围内违法采砂'], laws: ['《中华人民共和国水法》第六十九条', '《中华人民共和国河道管理条例》第四十四条'], licences: ['取水许可证', '河道采砂许可证'] },
  { code: 'XFJY', abbr: '消', penalties: 4, permits: 2, behaviours: ['消防设施未保持完好有效', '占用、堵塞消防通道'], laws: ['《中华人民共和国消防法》第六十条'], licences: ['公众聚集场所投入使用、营业前消防安全检查合格证'] },
  { code: 'XZSPJ', abbr: '审批', penalties: 0, permits: 22, behaviours: [], laws: [], licences: ['营业执照', '食品经营许可证', '药品经营许可证', '建筑工程施工许可证'] },
];

// Every thirtieth row is about a natural person (个人), the rest about the pooled legal persons and shops.
const SURNAMES = [...'王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗韩祁鲁冶白谢宋唐许邓冯'];
const GIVEN = [...'明华建国军伟芳娜秀英敏静丽强磊洋艳勇杰娟涛超霞平刚桂英玉兰文海生福成晓燕'];
const ROADS = ['五四大街', '长江路', '黄河路', '昆仑中路', '胜利路', '七一路', '海湖路', '八一路', '祁连路', '湟中路'];
const MS_DAY = 86_400_000;

/** The penalty categories a demo department decides, weighted; 警告 alone is 不予公示 (minor) by the engine. */
const CATEGORIES: readonly [number, string, boolean][] = [
  [40, '罚款', true],
  [18, '警告', false],
  [18, '警告、罚款', true],
  [10, '罚款、没收违法所得', true],
  [5, '责令停产停业', false],
  [4, '通报批评', false],
  [3, '罚款;吊销许可证件', true],
  [2, '其他-责令限期改正', false],
];
const CATEGORY_WEIGHT = CATEGORIES.reduce((a, [w]) => a + w, 0);

/** Context of one batch: the department, its official name and code, the serial counters of its 文号. */
export interface BatchContext {
  profile: DepartmentProfile;
  authorityName: string;
  authorityUscc: string;
  cityName: string;
  /** The city's district codes (GB/T 2260), for natural persons' ID numbers. */
  districtCodes: readonly string[];
  /** Subjects drawn from pooledSubject(0 … subjectPool-1). */
  subjectPool: number;
  serials: Map<string, number>;
}

const dayOf = (iso: string) => Math.floor(Date.parse(iso + 'T00:00:00Z') / MS_DAY);

function subjectCells(p: 'CF' | 'XK', rng: () => number, c: BatchContext): DemoRow {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng() * a.length)];
  // Skewed draw: a few subjects collect many records (repeat offenders, busy firms), most have one or two.
  const j = Math.floor(Math.pow(rng(), 2.2) * c.subjectPool);
  if (rng() < 1 / 30) {
    const name = pick(SURNAMES) + pick(GIVEN) + (rng() < 0.6 ? pick(GIVEN) : '');
    const id = generateIdNumber(rng, { region: pick(c.districtCodes), birth: new Date(Date.UTC(1960, 0, 1) + Math.floor(rng() * 40 * 365) * MS_DAY) });
    return { [`${p}_XDR_LB`]: '自然人', [`${p}_XDR_MC`]: name, [`${p}_XDR_ZJLX`]: '身份证', [`${p}_XDR_ZJHM`]: id };
  }
  const s = pooledSubject(j);
  const row: DemoRow = { [`${p}_XDR_LB`]: s.category, [`${p}_XDR_MC`]: s.name, [`${p}_XDR_SHXYM`]: s.uscc, [`${p}_FRDB`]: s.legalRepresentative };
  if (s.orgCode) row[`${p}_XDR_ZZJG`] = s.orgCode;
  return row;
}

function serial(c: BatchContext, kind: '罚' | '许', year: string): string {
  const key = `${kind}${year}`;
  const n = (c.serials.get(key) ?? 0) + 1;
  c.serials.set(key, n);
  return `宁${c.profile.abbr}${kind}〔${year}〕${n}号`;
}

/** One 行政处罚 row of the department, decided on `day` (epoch day). */
export function penaltyRow(rng: () => number, c: BatchContext, day: number): DemoRow {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng() * a.length)];
  const iso = isoOfEpochDay(day);
  const behaviour = pick(c.profile.behaviours);
  const law = pick(c.profile.laws);
  let r = rng() * CATEGORY_WEIGHT;
  let category = CATEGORIES[0];
  for (const x of CATEGORIES) {
    r -= x[0];
    if (r < 0) {
      category = x;
      break;
    }
  }
  const [, labels, fine] = category;
  const row: DemoRow = {
    ...subjectCells('CF', rng, c),
    CF_WSH: serial(c, '罚', iso.slice(0, 4)),
    CF_WFXW: behaviour,
    CF_SY: `经查，当事人于${isoOfEpochDay(day - 10 - Math.floor(rng() * 60))}在${c.cityName}${pick(ROADS)}${1 + Math.floor(rng() * 300)}号${behaviour}，违反了${law.replace(/第.*$/u, '')}的有关规定。`,
    CF_YJ: `依据${law}的规定`,
    CF_CFLB: labels,
    CF_JDRQ: iso,
    CF_YXQ: isoOfEpochDay(day + 7 + Math.floor(rng() * 170)),
    CF_GSJZQ: isoOfEpochDay(day + 365),
    CF_CFJG: c.authorityName,
    CF_CFJGDM: c.authorityUscc,
    CF_SJLY: c.authorityName,
    CF_SJLYDM: c.authorityUscc,
  };
  const parts: string[] = [];
  if (fine) {
    const yuan = [500, 1000, 2000, 3000, 5000, 10000, 20000, 50000, 100000][Math.floor(rng() * 9)];
    row.CF_NR_FK = String(yuan / 10000);
    parts.push(`罚款人民币${yuan}元`);
  }
  if (labels.includes('没收违法所得')) {
    const yuan = 100 + Math.floor(rng() * 20000);
    row.CF_NR_WFFF = String(yuan / 10000);
    parts.push(`没收违法所得${yuan}元`);
  }
  if (labels.includes('吊销')) {
    row.CF_NR_ZKDX = pick(c.profile.licences);
    parts.push(`吊销${row.CF_NR_ZKDX}`);
  }
  if (!parts.length) parts.push(labels.replace(/^其他-/u, ''));
  row.CF_NR = parts.join('，');
  return row;
}

/** One 行政许可 row of the department, decided on `day` (epoch day). */
export function permitRow(rng: () => number, c: BatchContext, day: number): DemoRow {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng() * a.length)];
  const iso = isoOfEpochDay(day);
  const licence = pick(c.profile.licences);
  const no = serial(c, '许', iso.slice(0, 4));
  const longTerm = licence === '营业执照' || rng() < 0.1;
  return {
    ...subjectCells('XK', rng, c),
    XK_XKWS: `${licence}准予许可决定书`,
    XK_WSH: no,
    XK_XKLB: licence === '营业执照' ? '登记' : pick(['普通', '普通', '普通', '认可', '核准']),
    XK_XKZS: licence,
    XK_XKBH: `${c.profile.abbr}${iso.replaceAll('-', '')}${String(Math.floor(rng() * 1e5)).padStart(5, '0')}`,
    XK_NR: `准予核发${licence}`,
    XK_JDRQ: iso,
    XK_YXQZ: iso,
    XK_YXQZI: longTerm ? '2099-12-31' : isoOfEpochDay(day + 365 * (3 + Math.floor(rng() * 3))),
    XK_XKJG: c.authorityName,
    XK_XKJGDM: c.authorityUscc,
    XK_ZT: '1',
    XK_LYDW: c.authorityName,
    XK_LYDWDM: c.authorityUscc,
  };
}

/**
 * The decision days of one monthly batch reported on `reportDay`: most within the seven working days the
 * catalogue allows (so on time), about one in twelve weeks older (超期上报, the receipt warns).
 */
export function decisionDays(rng: () => number, n: number, reportDay: number, firstDay: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const late = rng() < 1 / 12;
    const back = late ? 15 + Math.floor(rng() * 30) : Math.floor(rng() * 8);
    out.push(Math.max(firstDay, reportDay - back));
  }
  return out.sort((a, b) => a - b);
}

/** Breaks one required cell of a row, so validation returns it (the rows a clerk has to correct). */
export function breakRow(rng: () => number, row: DemoRow): DemoRow {
  const p = 'CF_WSH' in row ? 'CF' : 'XK';
  const defects: Array<(r: DemoRow) => void> = [
    (r) => void (r[`${p}_XDR_SHXYM`] ? (r[`${p}_XDR_SHXYM`] = r[`${p}_XDR_SHXYM`].slice(0, 17) + (r[`${p}_XDR_SHXYM`].endsWith('A') ? 'B' : 'A')) : (r[`${p}_XDR_MC`] = '')),
    (r) => void (r[p === 'CF' ? 'CF_JDRQ' : 'XK_JDRQ'] = '2025-13-01'),
    (r) => void (r[p === 'CF' ? 'CF_SY' : 'XK_NR'] = ''),
    (r) => void (p === 'CF' ? (r.CF_CFLB = '批评教育') : (r.XK_XKLB = '备案')),
  ];
  const copy = { ...row };
  defects[Math.floor(rng() * defects.length)](copy);
  return copy;
}

export { dayOf };
