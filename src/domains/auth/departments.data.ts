// Member units of the city's social credit joint conference (社会信用体系建设工作联席会议成员单位),
// after the 66-unit list of 信用西宁 (docs/domain/00-anchor.md §0). This is seed data only: departments live in the
// database and the credit office edits them there. `{city}` is replaced with the configured city name,
// `{cityShort}` with it minus its 市 suffix. Districts and counties come from the region table.
import { generateUscc } from '../codes/index.ts';
import { mulberry32 } from '../../platform/random.ts';

export interface DepartmentSeed {
  code: string;
  name: string;
  shortName: string;
  kind: 'office' | 'city_unit' | 'soe';
}

export const CREDIT_OFFICE_CODE = 'FGW';

export const DEPARTMENT_SEEDS: DepartmentSeed[] = [
  { code: 'FGW', name: '{city}发展和改革委员会', shortName: '市发展改革委', kind: 'office' },
  { code: 'FY', name: '{city}中级人民法院', shortName: '市法院', kind: 'city_unit' },
  { code: 'JCY', name: '{city}人民检察院', shortName: '市检察院', kind: 'city_unit' },
  { code: 'SWZZB', name: '中共{city}委组织部', shortName: '市委组织部', kind: 'city_unit' },
  { code: 'SWXCB', name: '中共{city}委宣传部', shortName: '市委宣传部', kind: 'city_unit' },
  { code: 'SWZFW', name: '中共{city}委政法委员会', shortName: '市委政法委', kind: 'city_unit' },
  { code: 'BB', name: '中共{city}委机构编制委员会办公室', shortName: '市编办', kind: 'city_unit' },
  { code: 'ZGH', name: '{city}总工会', shortName: '市总工会', kind: 'city_unit' },
  { code: 'TSW', name: '共青团{city}委员会', shortName: '团市委', kind: 'city_unit' },
  { code: 'FL', name: '{city}妇女联合会', shortName: '市妇联', kind: 'city_unit' },
  { code: 'YSHJ', name: '{city}营商环境监督局', shortName: '市营商环境监督局', kind: 'city_unit' },
  { code: 'JYJ', name: '{city}教育局', shortName: '市教育局', kind: 'city_unit' },
  { code: 'KJJ', name: '{city}科学技术局', shortName: '市科技局', kind: 'city_unit' },
  { code: 'GXJ', name: '{city}工业和信息化局', shortName: '市工信局', kind: 'city_unit' },
  { code: 'GAJ', name: '{city}公安局', shortName: '市公安局', kind: 'city_unit' },
  { code: 'GAJJ', name: '{city}国家安全局', shortName: '市国安局', kind: 'city_unit' },
  { code: 'MZJ', name: '{city}民政局', shortName: '市民政局', kind: 'city_unit' },
  { code: 'SFJ', name: '{city}司法局', shortName: '市司法局', kind: 'city_unit' },
  { code: 'CZJ', name: '{city}财政局', shortName: '市财政局', kind: 'city_unit' },
  { code: 'RSJ', name: '{city}人力资源和社会保障局', shortName: '市人社局', kind: 'city_unit' },
  { code: 'ZRZYJ', name: '{city}自然资源和规划局', shortName: '市自然资源规划局', kind: 'city_unit' },
  { code: 'STHJJ', name: '{city}生态环境局', shortName: '市生态环境局', kind: 'city_unit' },
  { code: 'ZFBZJ', name: '{city}住房保障和房产管理局', shortName: '市住房保障房产局', kind: 'city_unit' },
  { code: 'CXJSJ', name: '{city}城乡建设局', shortName: '市城乡建设局', kind: 'city_unit' },
  { code: 'JTJ', name: '{city}交通运输局', shortName: '市交通运输局', kind: 'city_unit' },
  { code: 'SWJ', name: '{city}水务局', shortName: '市水务局', kind: 'city_unit' },
  { code: 'NYNCJ', name: '{city}农业农村局', shortName: '市农业农村局', kind: 'city_unit' },
  { code: 'SWUJ', name: '{city}商务局', shortName: '市商务局', kind: 'city_unit' },
  { code: 'WLGDJ', name: '{city}文化旅游广电局', shortName: '市文旅广电局', kind: 'city_unit' },
  { code: 'WJW', name: '{city}卫生健康委员会', shortName: '市卫健委', kind: 'city_unit' },
  { code: 'TYJRJ', name: '{city}退役军人事务局', shortName: '市退役军人局', kind: 'city_unit' },
  { code: 'YJGLJ', name: '{city}应急管理局', shortName: '市应急管理局', kind: 'city_unit' },
  { code: 'WSB', name: '{city}人民政府外事办公室', shortName: '市外事办', kind: 'city_unit' },
  { code: 'LCJ', name: '{city}林业和草原局', shortName: '市林草局', kind: 'city_unit' },
  { code: 'SCJGJ', name: '{city}市场监督管理局', shortName: '市市场监管局', kind: 'city_unit' },
  { code: 'JRB', name: '{city}人民政府金融工作办公室', shortName: '市金融办', kind: 'city_unit' },
  { code: 'TJJ', name: '{city}统计局', shortName: '市统计局', kind: 'city_unit' },
  { code: 'TYJ', name: '{city}体育局', shortName: '市体育局', kind: 'city_unit' },
  { code: 'FPB', name: '{city}乡村振兴局', shortName: '市扶贫（乡村振兴）局', kind: 'city_unit' },
  { code: 'YBJ', name: '{city}医疗保障局', shortName: '市医保局', kind: 'city_unit' },
  { code: 'RFB', name: '{city}人民防空办公室', shortName: '市人防办', kind: 'city_unit' },
  { code: 'XFJ', name: '{city}信访局', shortName: '市信访局', kind: 'city_unit' },
  { code: 'XZSPJ', name: '{city}行政审批服务局', shortName: '市行政审批局', kind: 'city_unit' },
  { code: 'XFJY', name: '{city}消防救援支队', shortName: '市消防支队', kind: 'city_unit' },
  { code: 'WL', name: '{city}文学艺术界联合会', shortName: '市文联', kind: 'city_unit' },
  { code: 'KX', name: '{city}科学技术协会', shortName: '市科协', kind: 'city_unit' },
  { code: 'CL', name: '{city}残疾人联合会', shortName: '市残联', kind: 'city_unit' },
  { code: 'HSZH', name: '{city}红十字会', shortName: '市红十字会', kind: 'city_unit' },
  { code: 'GSL', name: '{city}工商业联合会', shortName: '市工商联', kind: 'city_unit' },
  { code: 'GXS', name: '{city}供销合作社联合社', shortName: '市供销社', kind: 'city_unit' },
  { code: 'MCH', name: '中国国际贸易促进委员会{city}委员会', shortName: '市贸促会', kind: 'city_unit' },
  { code: 'SWUJU', name: '国家税务总局{city}税务局', shortName: '市税务局', kind: 'city_unit' },
  { code: 'SJJ', name: '{city}大数据局', shortName: '市大数据局', kind: 'city_unit' },
  { code: 'YZJ', name: '{city}邮政管理局', shortName: '市邮政管理局', kind: 'city_unit' },
  { code: 'HG', name: '{cityShort}海关', shortName: '海关', kind: 'city_unit' },
  { code: 'GJJ', name: '{city}住房公积金管理中心', shortName: '市公积金中心', kind: 'city_unit' },
  { code: 'GGZY', name: '{city}公共资源交易中心', shortName: '市公共资源交易中心', kind: 'city_unit' },
  { code: 'DX', name: '中国电信股份有限公司{cityShort}分公司', shortName: '电信分公司', kind: 'soe' },
  { code: 'YD', name: '中国移动通信集团青海有限公司{cityShort}分公司', shortName: '移动分公司', kind: 'soe' },
  { code: 'LT', name: '中国联合网络通信有限公司{cityShort}市分公司', shortName: '联通分公司', kind: 'soe' },
  { code: 'GSJT', name: '{city}供水（集团）有限责任公司', shortName: '供水集团', kind: 'soe' },
  { code: 'GDGS', name: '国网{cityShort}供电公司', shortName: '供电公司', kind: 'soe' },
  { code: 'RQ', name: '{cityShort}中油燃气有限责任公司', shortName: '中油燃气', kind: 'soe' },
  { code: 'GJJT', name: '{city}公交集团有限公司', shortName: '公交集团', kind: 'soe' },
  { code: 'GR', name: '{city}城达供热有限公司', shortName: '城达供热', kind: 'soe' },
];

/**
 * A placeholder USCC for a seeded department in demo data and tests: valid (GB 32100 check digit), 机关
 * category 11, the given region code, and the same for the same department code every time (so demo
 * fixtures can name it). A real deployment enters each department's own code in the console.
 */
export function demoDepartmentUscc(code: string, regionCode: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) h = Math.imul(h ^ code.charCodeAt(i), 0x01000193);
  return generateUscc(mulberry32(h >>> 0), { prefix: '11', region: regionCode });
}
