// Deterministic demo data for the configured city: subjects with valid USCCs in the city's districts,
// plausible Chinese names and legal representatives. The same generator feeds the benchmarks.
import { generateUscc } from '../codes/index.ts';
import { mulberry32 } from '../../platform/random.ts';

const pick = <T>(rng: () => number, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红娥玲芬燕彬鹏辉建国海波宁峰斌志国庆春雪梅东晓晨阳斌琳颖慧鑫宇浩然子轩欣怡梓涵一诺浩宇'.split('');
const BRANDS = [
  '恒信', '昆仑', '青海湖', '三江源', '高原', '夏都', '湟水', '德瑞', '鑫源', '华泰', '金河', '瑞丰', '祁连', '西部', '雪域', '康乐',
  '宏达', '永安', '天佑', '博远', '盛世', '鼎盛', '聚福', '安泰', '锦程', '丰源', '嘉禾', '益民', '华信', '众诚', '汇通', '新宇',
  '云杉', '柴达木', '日月山', '塔尔', '河湟', '金穗', '银川', '长城', '明珠', '星火', '春晖', '晨光', '北川', '南山', '东方', '宁康',
];
const INDUSTRIES = [
  '商贸', '建筑工程', '餐饮管理', '物流', '科技', '食品', '医药', '房地产开发', '农牧', '汽车销售', '文化传媒', '环保科技', '电子商务',
  '物业服务', '劳务', '装饰工程', '旅游开发', '酒店管理', '信息技术', '新能源', '生物科技', '矿业', '建材', '畜产品', '教育咨询',
  '广告', '印务', '机械设备', '水电安装', '园林绿化', '保安服务', '家政服务', '人力资源', '电力工程', '市政工程', '化工', '纺织',
];
const SUFFIXES = ['有限公司', '有限责任公司', '股份有限公司'];
const SHOPS = ['牛肉面馆', '便利店', '五金店', '服装店', '手机维修部', '理发店', '水果店', '烟酒商行', '副食店', '干洗店', '药店', '酿皮店', '电动车行', '文具店', '汽修部'];

export interface DemoSubject {
  kind: 'legal' | 'individual_business';
  name: string;
  uscc: string;
  legalRepresentative: string;
  regionCode: string;
  registeredOn: string;
}

/** A plausible Chinese personal name. */
export function personName(rng: () => number): string {
  return pick(rng, SURNAMES) + pick(rng, GIVEN) + (rng() < 0.6 ? pick(rng, GIVEN) : '');
}

/** Generates n distinct subjects in the given districts, deterministically for a seed. */
export function generateSubjects(
  n: number,
  opts: { seed?: number; cityShort: string; districts: Array<{ code: string; name: string }> },
): DemoSubject[] {
  const rng = mulberry32(opts.seed ?? 20261128);
  const names = new Set<string>();
  const codes = new Set<string>();
  const out: DemoSubject[] = [];
  const districts = opts.districts.length ? opts.districts : [{ code: '000000', name: '' }];
  let attempt = 0;
  while (out.length < n) {
    attempt++;
    const d = pick(rng, districts);
    const individual = rng() < 0.25;
    let name: string;
    let prefix: string;
    if (individual) {
      // 个体工商户: 92 prefix, named after the owner or a shop sign
      name = `${d.name}${pick(rng, SURNAMES)}${pick(rng, ['记', '氏', '家', ''])}${pick(rng, SHOPS)}`;
      prefix = '92';
    } else {
      const r = rng();
      prefix = r < 0.9 ? '91' : r < 0.95 ? '93' : r < 0.98 ? '52' : '12';
      const head = pick(rng, [opts.cityShort, opts.cityShort, '青海', '']);
      name =
        prefix === '93'
          ? `${d.name}${pick(rng, BRANDS)}${pick(rng, ['种植', '养殖', '农机', '蔬菜'])}专业合作社`
          : prefix === '52'
            ? `${opts.cityShort}${pick(rng, BRANDS)}${pick(rng, ['社会工作服务中心', '职业培训学校', '养老服务中心'])}`
            : prefix === '12'
              ? `${opts.cityShort}${d.name}${pick(rng, ['疾病预防控制中心', '广播电视站', '农业技术推广站', '图书馆'])}`
              : `${head}${pick(rng, BRANDS)}${pick(rng, INDUSTRIES)}${pick(rng, SUFFIXES)}`;
    }
    if (names.has(name)) {
      if (attempt > n * 20) name = `${name}（${out.length}）`;
      else continue;
    }
    const uscc = generateUscc(rng, { prefix, region: d.code });
    if (codes.has(uscc)) continue;
    names.add(name);
    codes.add(uscc);
    const year = 1995 + Math.floor(rng() * 31);
    const month = 1 + Math.floor(rng() * 12);
    const day = 1 + Math.floor(rng() * 28);
    out.push({
      kind: individual ? 'individual_business' : 'legal',
      name,
      uscc,
      legalRepresentative: personName(rng),
      regionCode: d.code,
      registeredOn: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    });
  }
  return out;
}
