// The demo city's districts (issue 17 §1): each district government reports for itself and has two units of
// its own (a market-regulation bureau and a comprehensive law-enforcement bureau), each with its USCC, so that a
// district administrator's desk, 回执 and 归集统计 show a district that has been reporting for a year.
import type { Db } from '../../db/index.ts';
import type { AuditContext } from '../../platform/audit.ts';
import { createDepartment, demoDepartmentUscc } from '../../domains/auth/index.ts';
import type { DepartmentProfile } from './records.ts';

/** The units the demo opens under every district government: code suffix, name, short name and what they decide. */
const DISTRICT_UNITS = [
  {
    suffix: 'SCJG', name: '市场监督管理局', short: '市场监管局', abbr: '市监', penalties: 3, permits: 3,
    behaviours: ['经营超过保质期的食品', '未明码标价', '未按规定公示营业执照'],
    laws: ['《中华人民共和国食品安全法》第一百二十四条', '《明码标价和禁止价格欺诈规定》第二十一条'],
    licences: ['食品经营许可证', '小餐饮经营许可证'],
  },
  {
    suffix: 'ZHZF', name: '综合行政执法局', short: '综合执法局', abbr: '综执', penalties: 3, permits: 0,
    behaviours: ['擅自占用城市道路经营', '未经批准设置户外广告', '随意倾倒建筑垃圾'],
    laws: ['《城市道路管理条例》第四十二条', '《城市市容和环境卫生管理条例》第三十六条'],
    licences: [],
  },
] as const;

/** The district government's own decisions (permits of its 政务服务 and some penalties). */
const GOVERNMENT = {
  penalties: 1, permits: 2,
  behaviours: ['未按规定办理建设工程竣工验收备案', '擅自改变房屋用途'],
  laws: ['《建设工程质量管理条例》第五十六条'],
  licences: ['临时占用城市道路许可', '城市建筑垃圾处置核准'],
} as const;

/** One reporting district department with what it decides. */
export interface DistrictReporter {
  departmentId: number;
  profile: DepartmentProfile;
}

/**
 * Opens the two units of every district (idempotent: existing codes are kept) through auth's createDepartment,
 * each with a deterministic demo USCC of its district's region, and returns every district department with its
 * profile, the government first. A real city enters its own units and codes in 部门管理.
 */
export async function seedDistrictReporters(db: Db, cityName: string, ctx: AuditContext): Promise<DistrictReporter[]> {
  const districts = await db
    .selectFrom('departments')
    .select(['id', 'code', 'short_name', 'region_code'])
    .where('kind', '=', 'district')
    .where('parent_id', 'is', null)
    .where('region_code', 'is not', null)
    .orderBy('sort_order')
    .execute();
  const out: DistrictReporter[] = [];
  for (const d of districts) {
    // 城东区 → 城东: the 文号 prefix of the district's decisions (宁城东市监罚〔2026〕1号).
    const short = d.short_name.replace(/(区|县|自治县)$/u, '');
    out.push({ departmentId: d.id, profile: { code: d.code, abbr: `${short}政`, ...GOVERNMENT } });
    for (const u of DISTRICT_UNITS) {
      const code = `${d.code}${u.suffix}`;
      let unit = await db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirst();
      if (!unit) {
        unit = await createDepartment(db, {
          code, name: `${cityName}${d.short_name}${u.name}`, shortName: `${d.short_name}${u.short}`, kind: 'district',
          parentId: d.id, regionCode: d.region_code, uscc: demoDepartmentUscc(code, d.region_code!),
        }, ctx);
      }
      out.push({ departmentId: unit.id, profile: { code, abbr: `${short}${u.abbr}`, penalties: u.penalties, permits: u.permits, behaviours: u.behaviours, laws: u.laws, licences: u.licences } });
    }
  }
  return out;
}
