// Public subject API over the real app: ranking, fragments, traditional and full-width input, hostile
// queries, codes, pinyin, the "20+" cap with keyset pages, the rate limit, subject pages, and no personal
// ID number in any public answer. Subjects come in through the real importer (importRows) and through
// set-based SQL, never through the search code; the app's own indexer completes them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { importRecords } from '../../../test/factories.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { checkIdNumber, generateIdNumber, generateUscc } from '../codes/index.ts';
import { generatePenaltyRows, PENALTY_HEADERS } from '../ingest/fixtures.ts';
import { mulberry32 } from '../../platform/random.ts';
import { normalizeName } from './search.ts';

let t: TestApp;
const rng = mulberry32(5150);
const newUscc = (prefix = '91', region = '630102') => generateUscc(rng, { prefix, region });
const ids: Record<string, string> = {};
const personIds = [generateIdNumber(rng, { region: '630102' }), generateIdNumber(rng, { region: '630103' })];

type Item = { id: string; name: string; uscc: string | null; kind: string; regionName?: string };
type Page = { items: Item[]; total: number | '20+'; nextCursor: string | null };

/** Subjects as the import merge writes them: one INSERT … SELECT … ON CONFLICT, no JS in between. */
async function insertLikeImporter(
  list: Array<{ key?: string; name: string; uscc?: string | null; kind?: string; rep?: string; region?: string; on?: string; idMasked?: string; idHash?: string }>,
): Promise<void> {
  const r = await sql<{ id: string; name: string; kind: string }>`INSERT INTO subjects (kind, name, uscc, region_code, legal_representative, registered_on, id_masked, id_hash)
    SELECT kind, name, uscc, coalesce(region, substr(uscc, 3, 6)), rep, reg::date, idm, idh
    FROM unnest(${list.map((s) => s.kind ?? 'legal')}::text[], ${list.map((s) => s.name)}::text[], ${list.map((s) => s.uscc ?? null)}::text[],
                ${list.map((s) => s.region ?? null)}::text[], ${list.map((s) => s.rep ?? null)}::text[], ${list.map((s) => s.on ?? null)}::text[],
                ${list.map((s) => s.idMasked ?? null)}::text[], ${list.map((s) => s.idHash ?? null)}::text[])
      AS v(kind, name, uscc, region, rep, reg, idm, idh)
    ON CONFLICT (uscc) DO NOTHING RETURNING id, name, kind`.execute(t.db);
  for (const s of list) if (s.key) ids[s.key] = r.rows.find((x) => x.name === s.name && x.kind === (s.kind ?? 'legal'))!.id;
}

/** Waits until the app's indexer has completed every subject (it is woken by the trigger's NOTIFY). */
async function settled(): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM subjects WHERE pinyin_initials IS NULL`.execute(t.db);
    if (r.rows[0].n === 0) return;
    if (Date.now() > deadline) throw new Error(`${r.rows[0].n} subjects still pending`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

const search = async (q: string, cursor?: string) => {
  const res = await t.app.inject({ method: 'GET', url: '/api/public/search', query: cursor ? { q, cursor } : { q } });
  return res;
};
const page = async (q: string, cursor?: string): Promise<Page> => {
  const res = await search(q, cursor);
  assert.equal(res.statusCode, 200, `${q}: ${res.body}`);
  return res.json() as Page;
};
const names = async (q: string) => (await page(q)).items.map((i) => i.name);

/** Every 18-character window that checkIdNumber accepts as a valid ID number. */
function validIdNumbers(text: string): string[] {
  return [...text.matchAll(/(?=(\d{17}[\dXx]))/g)].map((m) => m[1]).filter((s) => checkIdNumber(s).verdict === 'valid');
}

let imported: { legal: string; legalUscc: string; natural: string[] };

before(async () => {
  const overrides: Partial<Config> & { searchRateLimitPerMinute: number } = { searchRateLimitPerMinute: 100_000 };
  t = await createTestApp(overrides);
  // 市场监管局 may report the authorities the generated rows name (issue 11 §1).
  await allowFixtureAuthorities(t.db, 'SCJGJ');
  for (const id of personIds) assert.equal(checkIdNumber(id).verdict, 'valid');

  // 1. Through the real importer: 行政处罚 rows of legal persons, individual businesses and natural persons,
  //    one legal person renamed to traditional characters with full-width brackets.
  const col = (h: string) => PENALTY_HEADERS.indexOf(h);
  const gen = [...generatePenaltyRows(60, 2026)].map((g) => [...g.cells]);
  const legalRow = gen.find((c) => c[col('行政相对人类别')] === '法人及非法人组织')!;
  legalRow[col('行政相对人名称')] = '西寧恒信（城東）商貿有限公司';
  const rows = gen.map((cells) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, cells[i]])));
  const receipt = await importRecords(t, rows);
  assert.equal(receipt.status, 'committed', JSON.stringify(receipt));
  imported = {
    legal: legalRow[col('行政相对人名称')],
    legalUscc: legalRow[col('行政相对人代码_1（统一社会信用代码）')],
    natural: gen.filter((c) => c[col('行政相对人类别')] === '自然人').map((c) => c[col('行政相对人名称')]),
  };
  assert.ok(imported.natural.length > 0, 'the fixture has natural persons');

  // 2. Through set-based SQL.
  const rankUscc = newUscc();
  await insertLikeImporter([
    { key: 'exact', name: '西宁恒信', uscc: newUscc(), rep: '王伟', region: '630102', on: '2008-05-12' },
    { key: 'prefix', name: '西宁恒信商贸有限公司', uscc: newUscc() },
    { key: 'contains', name: '青海西宁恒信物流有限公司', uscc: newUscc('91', '630104') },
    { key: 'shop', name: '城东区张记牛肉面馆', uscc: newUscc('92'), kind: 'individual_business', rep: '张三', region: '630102', on: '2019-03-01' },
    { key: 'rank', name: '湟源祁连商贸有限公司', uscc: rankUscc },
    { key: 'rankName', name: `${rankUscc}号商铺`, uscc: newUscc() },
    { key: 'pct', name: '百分之百%商贸有限公司', uscc: newUscc() },
    { key: 'under', name: 'A_B科技有限公司', uscc: newUscc() },
    { key: 'underNot', name: 'AXB科技有限公司', uscc: newUscc() },
    { key: 'backslash', name: '反斜杠\\科技有限公司', uscc: newUscc() },
    { key: 'quote', name: "O'Reilly书店", uscc: newUscc() },
    { key: 'emoji', name: '🍜西宁牛肉面馆', uscc: newUscc('92'), kind: 'individual_business' },
    { key: 'idInName', name: `张三（${personIds[0]}）便利店`, uscc: newUscc('92'), kind: 'individual_business' },
    { key: 'legacyOrg', name: '西宁老字号食品厂', uscc: null },
    { key: 'legacyReg', name: '西宁旧注册号商行', uscc: null },
    ...Array.from({ length: 45 }, (_, i) => ({ name: `西宁众诚第${String(i + 1).padStart(2, '0')}分公司`, uscc: newUscc() })),
    // Natural persons: one named like the companies, one whose name field holds the ID number (a sloppy upload).
    { key: 'personLike', name: '西宁恒信', uscc: null, kind: 'natural_person', idMasked: '630102********1234', idHash: 'h1' },
    { key: 'personId', name: personIds[1], uscc: null, kind: 'natural_person', idMasked: personIds[1].slice(0, 6) + '********' + personIds[1].slice(-4), idHash: 'h2' },
  ]);
  await sql`INSERT INTO subject_identifiers (kind, value, subject_id) VALUES ('org', 'D2143569X', ${ids.legacyOrg}), ('regno', '630100400012345', ${ids.legacyReg})`.execute(t.db);
  await settled();
});
after(async () => {
  await t?.close();
});

describe('GET /api/public/search', () => {
  test('ranking: exact code, exact name, prefix, contains; never a natural person', async () => {
    const r = await page('西宁恒信');
    const got = r.items.map((i) => i.name);
    assert.equal(got[0], '西宁恒信', 'the exact name first');
    assert.equal(r.items[0].id, ids.exact, 'the legal person, not the natural person of the same name');
    assert.deepEqual(new Set(got.slice(1, 3)), new Set(['西寧恒信（城東）商貿有限公司', '西宁恒信商贸有限公司']), 'then names starting with it');
    assert.equal(got[3], '青海西宁恒信物流有限公司', 'then names containing it');
    assert.equal(r.total, 4);
    assert.ok(r.items.every((i) => i.kind !== 'natural_person'));
    assert.equal(r.items[0].regionName, '青海省西宁市城东区');

    const rankUscc = (await page('湟源祁连商贸')).items[0].uscc!;
    const coded = await page(rankUscc);
    assert.deepEqual(
      coded.items.map((i) => i.id),
      [ids.rank, ids.rankName],
      'the subject with that USCC before the subject whose name starts with it',
    );
  });

  test('2-character fragments, traditional characters and full-width brackets', async () => {
    assert.deepEqual(new Set(await names('恒信')), new Set(['西宁恒信', '西寧恒信（城東）商貿有限公司', '西宁恒信商贸有限公司', '青海西宁恒信物流有限公司']));
    assert.deepEqual(await names('西寧恒信'), await names('西宁恒信'));
    assert.ok((await names('商貿')).includes('西宁恒信商贸有限公司'), '商貿 finds 商贸');
    assert.ok((await names('商贸')).includes('西寧恒信（城東）商貿有限公司'), '商贸 finds 商貿');
    for (const q of ['（城東）', '(城东)', '【城东】', '（ 城 东 ）', '恒信（城东']) {
      assert.deepEqual(await names(q), ['西寧恒信（城東）商貿有限公司'], q);
    }
    assert.deepEqual(await names('ｘｉ'), [], 'full-width letters are letters');
  });

  test('LIKE and SQL metacharacters match literally and never fail', async () => {
    assert.deepEqual(await names('百%'), ['百分之百%商贸有限公司']);
    assert.deepEqual(await names('a_b'), ['A_B科技有限公司'], '_ is not a wildcard');
    assert.deepEqual(await names('杠\\'), ['反斜杠\\科技有限公司']);
    assert.deepEqual(await names("o'reilly"), ["O'Reilly书店"]);
    for (const q of ['%%', '__', '\\\\', '\\%', '%西宁%', '西_宁', "' OR 1=1 --", "'; DROP TABLE subjects; --", "a' & 'b", ':*', '!!', '()', '<->', '\\', "''"]) {
      const res = await search(q);
      assert.ok(res.statusCode === 200 || res.statusCode === 400, `${q}: ${res.statusCode} ${res.body}`);
      if (res.statusCode === 200) {
        const norm = normalizeName(q);
        for (const i of (res.json() as Page).items) assert.ok(normalizeName(i.name).includes(norm), `${q} → ${i.name}`);
      }
    }
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM subjects`.execute(t.db);
    assert.ok(n.rows[0].n > 60, 'the table is still there');
  });

  test('HTML, emoji, one character, 1,000 characters', async () => {
    const html = await search('<script>alert(1)</script>');
    assert.equal(html.statusCode, 200);
    assert.deepEqual((html.json() as Page).items, []);
    assert.ok(!html.body.includes('<script'), 'the query is not echoed');

    assert.deepEqual(await names('🍜西宁'), ['🍜西宁牛肉面馆']);
    assert.deepEqual(await names('😀😀'), []);

    for (const q of ['西', '🍜', ' ', '', '%', '西\u200b']) {
      const res = await search(q);
      assert.equal(res.statusCode, 400, JSON.stringify(q));
      assert.equal(res.json().error.code, 'query_too_short');
      assert.match(res.json().error.message, /至少 2 个字/);
    }
    const missing = await t.app.inject({ method: 'GET', url: '/api/public/search' });
    assert.equal(missing.statusCode, 400);

    const long = await search('西'.repeat(1000));
    assert.equal(long.statusCode, 400);
    assert.equal(long.json().error.code, 'query_too_long');
    assert.match(long.json().error.message, /过长/);
    const longer = await search('西宁'.repeat(2500));
    assert.equal(longer.statusCode, 400);
    const mixed = await search('恒信'.repeat(50));
    assert.equal(mixed.statusCode, 200, 'exactly 100 characters is searched');
  });

  test('pinyin initials, and codes in any width or case: USCC, organisation code, registration number', async () => {
    const py = await names('xnhx');
    assert.deepEqual(new Set(py), new Set(['西宁恒信', '西寧恒信（城東）商貿有限公司', '西宁恒信商贸有限公司']));
    assert.deepEqual(await names('XNHX'), py);
    assert.deepEqual(await names('xnhxsm'), ['西宁恒信商贸有限公司'], '西寧恒信（城東）商貿 is xnhxcdsm…');

    const fullWidth = imported.legalUscc.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).toLowerCase();
    assert.deepEqual((await page(fullWidth)).items.map((i) => i.name), [imported.legal], 'a full-width, lower-case USCC');
    assert.deepEqual((await page(` ${imported.legalUscc.toLowerCase()} `)).items.map((i) => i.name), [imported.legal]);

    assert.deepEqual(await names('D2143569-X'), ['西宁老字号食品厂'], 'a linked organisation code');
    assert.deepEqual(await names('ｄ２１４３５６９－ｘ'), ['西宁老字号食品厂']);
    const embedded = imported.legalUscc.slice(8, 17);
    assert.equal((await page(embedded)).items[0].name, imported.legal, 'the organisation code inside a USCC');
    assert.deepEqual(await names('630100400012345'), ['西宁旧注册号商行']);
    assert.deepEqual(await names('91630100MA0000000X'), [], 'an unknown code finds nothing');
  });

  test('common fragments: total "20+", keyset pages without repeats, cursors bound to their query', async () => {
    const first = await page('众诚');
    assert.equal(first.total, '20+');
    assert.equal(first.items.length, 20);
    assert.ok(first.nextCursor);
    const second = await page('众诚', first.nextCursor!);
    assert.equal(second.total, '20+');
    assert.equal(second.items.length, 20);
    const third = await page('众诚', second.nextCursor!);
    assert.equal(third.items.length, 5);
    assert.equal(third.nextCursor, null);
    const all = [...first.items, ...second.items, ...third.items].map((i) => i.name);
    assert.equal(new Set(all).size, 45);
    assert.ok(all.every((n) => n.includes('众诚')));

    // A fragment that is not a prefix: pages come from the contains tier, in id order.
    const p1 = await page('诚第');
    const p2 = await page('诚第', p1.nextCursor!);
    const p3 = await page('诚第', p2.nextCursor!);
    const ids2 = [...p1.items, ...p2.items, ...p3.items].map((i) => Number(i.id));
    assert.equal(new Set(ids2).size, 45);
    assert.deepEqual(ids2, [...ids2].sort((a, b) => a - b));

    const few = await page('祁连商贸');
    assert.equal(few.total, few.items.length);
    assert.equal(few.nextCursor, null);

    const foreign = await search('恒信', first.nextCursor!);
    assert.equal(foreign.statusCode, 400);
    assert.equal(foreign.json().error.code, 'cursor_query_mismatch');
    const junk = await search('众诚', 'eyJub3QiOiJhIGN1cnNvciJ9');
    assert.equal(junk.statusCode, 400);
    assert.equal(junk.json().error.code, 'invalid_cursor');
  });

  test('no valid ID number appears in any public answer', async () => {
    const subjects = await sql<{ id: string; name: string }>`SELECT id, name FROM subjects ORDER BY id`.execute(t.db);
    const bodies: string[] = [];
    const queries = new Set<string>(['便利店', '张三', '西宁', '恒信', ...personIds, ...personIds.map((p) => p.slice(0, 8)), ...imported.natural]);
    for (const s of subjects.rows) queries.add([...s.name].slice(0, 2).join(''));
    for (const q of queries) {
      const res = await search(q);
      if (res.statusCode === 200) bodies.push(res.body);
      const r = res.statusCode === 200 ? (res.json() as Page) : null;
      if (r?.nextCursor) bodies.push((await search(q, r.nextCursor)).body);
    }
    for (const s of subjects.rows) {
      const res = await t.app.inject({ method: 'GET', url: `/api/public/subjects/${s.id}` });
      assert.equal(res.statusCode, 200);
      bodies.push(res.body);
    }
    const found = bodies.flatMap(validIdNumbers);
    assert.deepEqual(found, [], 'valid ID numbers in public output');
    // The shop whose name carried an ID number is found, the number hidden entirely (not even 6 + 4 digits).
    const shop = (await page('便利店')).items.find((i) => i.id === ids.idInName)!;
    assert.equal(shop.name, `张三（${'*'.repeat(18)}）便利店`);
    // Natural persons are never search results, by name, ID number or masked ID number.
    for (const q of [...imported.natural, ...personIds, '630102********1234']) {
      const res = await search(q);
      if (res.statusCode === 200) assert.ok((res.json() as Page).items.every((i) => i.kind !== 'natural_person'), q);
    }
  });
});

describe('GET /api/public/subjects/:id', () => {
  test('a legal person: name, USCC, legal representative, region, registration date', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/public/subjects/${ids.exact}` });
    assert.equal(res.statusCode, 200);
    const b = res.json();
    assert.deepEqual(Object.keys(b).sort(), ['id', 'kind', 'legalRepresentative', 'name', 'regionName', 'registeredOn', 'uscc']);
    assert.equal(b.name, '西宁恒信');
    assert.equal(b.kind, 'legal');
    assert.equal(b.legalRepresentative, '王伟');
    assert.equal(b.regionName, '青海省西宁市城东区');
    assert.equal(b.registeredOn, '2008-05-12');
    assert.match(b.uscc, /^91630102/);
  });

  test('an individual business has no legal representative; a natural person shows only a name (full while a record is public)', async () => {
    const shop = (await t.app.inject({ method: 'GET', url: `/api/public/subjects/${ids.shop}` })).json();
    assert.equal(shop.kind, 'individual_business');
    assert.equal(shop.legalRepresentative, undefined);
    assert.equal(shop.name, '城东区张记牛肉面馆');

    // No public record: the name is masked even under the default PUBLIC_PERSON_NAME=full.
    const person = (await t.app.inject({ method: 'GET', url: `/api/public/subjects/${ids.personLike}` })).json();
    assert.deepEqual(person, { id: ids.personLike, kind: 'natural_person', name: '西***', uscc: null });
    const sloppy = (await t.app.inject({ method: 'GET', url: `/api/public/subjects/${ids.personId}` })).json();
    assert.equal(sloppy.name, '*'.repeat(18));
    const viaImport = await sql<{ id: string }>`SELECT id FROM subjects WHERE kind = 'natural_person' AND id_hash IS NOT NULL AND id_hash NOT IN ('h1', 'h2') LIMIT 1`.execute(t.db);
    const imp = (await t.app.inject({ method: 'GET', url: `/api/public/subjects/${viaImport.rows[0].id}` })).json();
    assert.deepEqual(Object.keys(imp).sort(), ['id', 'kind', 'name', 'uscc']);
    // An imported person is the party of a published record: the full name (docs/domain/03-publicity.md §3.5, the default setting).
    const registered = await t.db.selectFrom('subjects').select('name').where('id', '=', viaImport.rows[0].id).executeTakeFirstOrThrow();
    const published = await t.db.selectFrom('records').select('id').where('subject_id', '=', viaImport.rows[0].id).where('audience', '=', 'public').execute();
    assert.ok(published.length > 0);
    assert.equal(imp.name, registered.name);
  });

  test('a missing subject is a 404; a malformed or out-of-range id is a 400, never a 500', async () => {
    const missing = await t.app.inject({ method: 'GET', url: '/api/public/subjects/999999999' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'subject_not_found');
    for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999', "1'%20OR%201=1", '%F0%9F%8D%9C']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/public/subjects/${id}` });
      assert.equal(res.statusCode, 400, `${id}: ${res.body}`);
    }
  });
});

describe('rate limit', () => {
  let small: TestApp;
  before(async () => {
    const overrides: Partial<Config> & { searchRateLimitPerMinute: number } = { searchRateLimitPerMinute: 3 };
    small = await createTestApp(overrides);
  });
  after(async () => {
    await small?.close();
  });

  test('a client over the per-minute limit gets a 429 with a Chinese message and Retry-After', async () => {
    for (let i = 0; i < 3; i++) {
      const ok = await small.app.inject({ method: 'GET', url: '/api/public/search', query: { q: '西宁' } });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.headers['x-ratelimit-limit'], '3');
    }
    const res = await small.app.inject({ method: 'GET', url: '/api/public/search', query: { q: '西宁' } });
    assert.equal(res.statusCode, 429);
    assert.equal(res.json().error.code, 'rate_limited');
    assert.match(res.json().error.message, /查询过于频繁：每分钟最多 3 次，请 \d+ 秒后再试/);
    assert.ok(Number(res.headers['retry-after']) > 0);
    // Another client is not affected.
    const other = await small.app.inject({ method: 'GET', url: '/api/public/search', query: { q: '西宁' }, remoteAddress: '10.0.0.9' });
    assert.equal(other.statusCode, 200);
    // Subject pages have their own, larger allowance.
    const pageRes = await small.app.inject({ method: 'GET', url: '/api/public/subjects/1' });
    assert.equal(pageRes.headers['x-ratelimit-limit'], '6');
  });
});
