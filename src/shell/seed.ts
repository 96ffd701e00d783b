// Composition: base data (departments, always) and demo data (subjects and one user per role, on first start),
// built from the auth, codes and subjects domains; the server and `citycredit seed` run it.
import { getSetting } from '../platform/settings.ts';
import { sql } from 'kysely';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { Role } from '../db/types.ts';
import { createUser, ROLES } from '../domains/auth/auth.service.ts';
import { CREDIT_OFFICE_CODE, DEPARTMENT_SEEDS, demoDepartmentUscc } from '../domains/auth/departments.data.ts';
import { regionChildren } from '../domains/codes/index.ts';
import { generateSubjects } from '../domains/subjects/demo.ts';
import { audit } from '../platform/audit.ts';
import { randomToken } from '../platform/crypto.ts';
import { seedDistrictReporters } from './demo/districts.ts';

const SYSTEM = { actor: { username: 'system' } };

/** The city's short name (西宁市 → 西宁). */
export const cityShort = (config: Config) => config.cityName.replace(/(市|地区|自治州|盟)$/u, '');

/** Districts and counties of the configured city, from the region table (GB/T 2260). */
export function cityDistricts(config: Config): Array<{ code: string; name: string }> {
  return regionChildren(config.cityRegionCode).map((r) => ({ code: r.code, name: r.name }));
}

/** Inserts the member units and the city's districts when missing (idempotent; existing rows are kept as edited). */
export async function seedDepartments(db: Db, config: Config): Promise<number> {
  const short = cityShort(config);
  const fill = (s: string) => s.replaceAll('{city}', config.cityName).replaceAll('{cityShort}', short);
  let added = 0;
  await db.transaction().execute(async (trx) => {
    let order = 0;
    for (const d of DEPARTMENT_SEEDS) {
      const r = await trx
        .insertInto('departments')
        .values({ code: d.code, name: fill(d.name), short_name: d.shortName, kind: d.kind, sort_order: order++ })
        .onConflict((oc) => oc.column('code').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (r) added++;
    }
    for (const d of cityDistricts(config)) {
      // District people's governments report through their own units; the government is the parent.
      const r = await trx
        .insertInto('departments')
        .values({ code: `QX${d.code}`, name: `${config.cityName}${d.name}人民政府`, short_name: d.name, kind: 'district', region_code: d.code, sort_order: 1000 + order++ })
        .onConflict((oc) => oc.column('code').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (r) added++;
    }
    if (added) await audit(trx, SYSTEM, { action: 'departments.seed', detail: { added } });
  });
  return added;
}

/** Sets the placeholder USCC (demoDepartmentUscc) of every department that has none; districts use their own region code. */
export async function assignDemoDepartmentUsccs(db: Db, config: Config): Promise<void> {
  const noCode = await db.selectFrom('departments').select(['id', 'code', 'region_code']).where('uscc', 'is', null).orderBy('id').execute();
  for (const d of noCode) {
    await db.updateTable('departments').set({ uscc: demoDepartmentUscc(d.code, d.region_code ?? config.cityRegionCode) }).where('id', '=', d.id).execute();
  }
}

export interface DemoCredential {
  username: string;
  password: string;
  role: Role;
  roleName: string;
  department: string | null;
}

/** True once demo data has been loaded into this database. */
export async function demoLoaded(db: Db): Promise<boolean> {
  return (await getSetting(db, 'demo.loaded')) !== undefined;
}

/** Loads demo subjects, one user per role and the first district's clerks and reviewer. Returns the credentials to print once. */
export async function seedDemo(db: Db, config: Config, opts: { subjects?: number } = {}): Promise<DemoCredential[]> {
  const n = opts.subjects ?? config.demoSubjects;
  const subjects = generateSubjects(n, { cityShort: cityShort(config), districts: cityDistricts(config) });
  for (let i = 0; i < subjects.length; i += 1000) {
    await db
      .insertInto('subjects')
      .values(
        subjects.slice(i, i + 1000).map((s) => ({
          kind: s.kind,
          name: s.name,
          uscc: s.uscc,
          legal_representative: s.legalRepresentative,
          region_code: s.regionCode,
          registered_on: s.registeredOn,
        })),
      )
      .onConflict((oc) => oc.column('uscc').doNothing())
      .execute();
  }
  // Demo only: give each department without a code a valid, deterministic 机关 (11-prefixed) placeholder, so that
  // its uploads may name it as the authority (issue 11 §1) and legacy v1 uploads have one. A real deployment
  // enters the departments' own codes in the console.
  await assignDemoDepartmentUsccs(db, config);
  const dept = async (code: string) => (await db.selectFrom('departments').select(['id', 'name']).where('code', '=', code).executeTakeFirst()) ?? null;
  const office = await dept(CREDIT_OFFICE_CODE);
  const market = await dept('SCJGJ');
  const firstDistrict = await db.selectFrom('departments').select(['id', 'name', 'code', 'short_name']).where('kind', '=', 'district').orderBy('sort_order').executeTakeFirst();
  // The districts' own units (idempotent; the demo city reports for them), so that the first district's clerks and
  // its unit's reviewer have accounts: the people a district administrator manages in 用户管理.
  await seedDistrictReporters(db, config.cityName, SYSTEM);
  const unit = async (suffix: string) =>
    firstDistrict ? ((await db.selectFrom('departments').select(['id', 'name', 'short_name']).where('code', '=', `${firstDistrict.code}${suffix}`).executeTakeFirst()) ?? null) : null;
  const [districtMarket, districtEnforcement] = [await unit('SCJG'), await unit('ZHZF')];
  const plan: Array<{ username: string; displayName: string; role: Role; dep: { id: number; name: string } | null }> = [
    { username: 'admin', displayName: '信用办管理员', role: 'admin', dep: office },
    { username: 'auditor', displayName: '审计员', role: 'auditor', dep: null },
    { username: 'scjg_reporter', displayName: '市场监管局填报员', role: 'reporter', dep: market },
    { username: 'scjg_reviewer', displayName: '市场监管局审核员', role: 'reviewer', dep: market },
    { username: 'district_admin', displayName: `${firstDistrict?.name ?? '区县'}管理员`, role: 'district_admin', dep: firstDistrict ?? null },
    ...(firstDistrict ? [{ username: 'district_reporter', displayName: `${firstDistrict.short_name}政府填报员`, role: 'reporter' as const, dep: firstDistrict }] : []),
    ...(districtMarket
      ? [
          { username: 'district_scjg_reporter', displayName: `${districtMarket.short_name}填报员`, role: 'reporter' as const, dep: districtMarket },
          { username: 'district_scjg_reviewer', displayName: `${districtMarket.short_name}审核员`, role: 'reviewer' as const, dep: districtMarket },
        ]
      : []),
    ...(districtEnforcement ? [{ username: 'district_zhzf_reporter', displayName: `${districtEnforcement.short_name}填报员`, role: 'reporter' as const, dep: districtEnforcement }] : []),
  ];
  const creds: DemoCredential[] = [];
  for (const p of plan) {
    const exists = await db.selectFrom('users').select('id').where(sql`lower(username)`, '=', p.username).executeTakeFirst();
    if (exists) continue;
    // Never a fixed default: DEMO_PASSWORD if configured, otherwise random and printed once.
    const password = config.demoPassword ?? `Cc${randomToken(9)}9`;
    await createUser(db, 'system', { username: p.username, displayName: p.displayName, role: p.role, departmentId: p.dep?.id ?? null, password }, SYSTEM);
    creds.push({ username: p.username, password, role: p.role, roleName: ROLES[p.role], department: p.dep?.name ?? null });
  }
  await db
    .insertInto('settings')
    .values({ key: 'demo.loaded', value: JSON.stringify({ at: new Date().toISOString(), subjects: subjects.length }) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  await audit(db, SYSTEM, { action: 'demo.seed', detail: { subjects: subjects.length, users: creds.map((c) => c.username) } });
  return creds;
}

/** A sign-in table for the terminal. */
export function formatCredentials(creds: DemoCredential[], baseUrl: string): string {
  if (!creds.length) return '';
  const lines = creds.map((c) => `  ${c.roleName.padEnd(8, '　')} 用户名 ${c.username.padEnd(22)} 密码 ${c.password}${c.department ? `  （${c.department}）` : ''}`);
  return [
    '',
    `演示账号（密码只显示这一次，请妥善保存）/ Demo accounts (passwords are shown once):`,
    ...lines,
    `控制台 / Console: ${baseUrl}/console`,
    '',
  ].join('\n');
}
