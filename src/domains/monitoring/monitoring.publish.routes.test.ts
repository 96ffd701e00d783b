// Monitoring HTTP, part 3 (issue 16 §4): what the city publishes — 信用事件公开 on the portal and the
// 统一社会信用代码转换公示 page — and how both feed the monitor's evidence, through the real app and database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof loginAs>>;
let auditor: Awaited<ReturnType<typeof loginAs>>;

before(async () => {
  t = await createTestApp();
  admin = await loginAs(t, 'admin');
  auditor = await loginAs(t, 'auditor');
});
after(async () => {
  await t?.close();
});

const anon = (url: string) => t.app.inject({ method: 'GET', url });

async function createEvent(payload: Record<string, string>) {
  const r = await t.app.inject({ method: 'POST', url: '/api/monitoring/events', headers: admin.headers, payload });
  assert.equal(r.statusCode, 200, r.body);
  return r.json() as { id: string; domain: string; polarity: string; publishedAt: string | null };
}

const publish = (id: string, published: boolean, headers = admin.headers) =>
  t.app.inject({ method: 'POST', url: `/api/monitoring/events/${id}/publish`, headers, payload: { published } });

describe('信用事件公开', () => {
  const ids: Record<string, string> = {};

  test('staff publish good and bad events with their source link; withdrawing removes them; audited', async () => {
    const bad = await createEvent({ title: '城北区一超市销售过期食品被罚款', date: '2017-12-02', source: '西宁晚报', link: 'https://example.org/n/1', subdomain: '流通', polarity: 'bad' });
    const good = await createEvent({ title: '西宁市某企业获评A级纳税人', date: '2017-12-05', source: '西宁日报', link: 'https://example.org/n/2', subdomain: '税务', polarity: 'good' });
    const social = await createEvent({ title: '某医院获评诚信医院', date: '2017-12-08', source: '青海日报', link: 'https://example.org/n/3', subdomain: '医药卫生', polarity: 'good' });
    const unlinked = await createEvent({ title: '某驾校违规收费被曝光', date: '2017-12-09', subdomain: '交通运输', polarity: 'bad' });
    const hidden = await createEvent({ title: '某小区物业停水停电', date: '2017-12-10', link: 'https://example.org/n/5', subdomain: '依法行政', polarity: 'bad' });
    Object.assign(ids, { bad: bad.id, good: good.id, social: social.id, unlinked: unlinked.id, hidden: hidden.id });
    assert.equal(bad.publishedAt, null);

    const noLink = await publish(unlinked.id, true);
    assert.equal(noLink.statusCode, 400);
    assert.equal(noLink.json().error.code, 'event_link_required');
    assert.equal((await publish(bad.id, true, auditor.headers)).statusCode, 403);
    assert.equal((await publish('999999', true)).statusCode, 404);

    for (const id of [bad.id, good.id, social.id, hidden.id]) {
      const r = await publish(id, true);
      assert.equal(r.statusCode, 200, r.body);
      assert.ok(r.json().publishedAt);
    }
    const withdrawn = await publish(hidden.id, false);
    assert.equal(withdrawn.json().publishedAt, null);
    const logged = await t.db.selectFrom('audit_log').select(['action', 'target']).where('action', 'like', 'monitoring.events.%publish').orderBy('id').execute();
    assert.deepEqual(logged.map((l) => l.action), [...Array(4).fill('monitoring.events.publish'), 'monitoring.events.unpublish']);
    assert.equal(logged.at(-1)!.target, `credit_event:${hidden.id}`);
  });

  test('the portal lists published events with source link and date, newest first, filterable by domain and polarity', async () => {
    const all = await anon('/api/public/credit-events');
    assert.equal(all.statusCode, 200, all.body);
    const items = all.json().items as { id: string; date: string; link: string; domain: string; polarity: string }[];
    assert.deepEqual(items.map((i) => i.id), [ids.social, ids.good, ids.bad]);
    assert.deepEqual(Object.keys(items[0]).sort(), ['date', 'domain', 'id', 'link', 'polarity', 'source', 'subdomain', 'title']);
    assert.equal(items[2].link, 'https://example.org/n/1');
    assert.equal(items[2].date, '2017-12-02');
    const business = (await anon(`/api/public/credit-events?domain=${encodeURIComponent('商务诚信')}`)).json().items as { id: string }[];
    assert.deepEqual(business.map((i) => i.id), [ids.good, ids.bad]);
    const badOnly = (await anon('/api/public/credit-events?polarity=bad')).json().items as { id: string }[];
    assert.deepEqual(badOnly.map((i) => i.id), [ids.bad]);
    const first = (await anon('/api/public/credit-events?limit=2')).json();
    assert.equal(first.items.length, 2);
    const rest = (await anon(`/api/public/credit-events?limit=2&cursor=${first.nextCursor}`)).json();
    assert.deepEqual(rest.items.map((i: { id: string }) => i.id), [ids.bad]);
    assert.equal(rest.nextCursor, null);
  });

  test('published events of the month feed the 信用事件监测 evidence (estimate and briefing)', async () => {
    const m = multipartFile('scores-36.csv', readFileSync(new URL('../../../test/fixtures/monitoring/scores-36.csv', import.meta.url)));
    const imp = await t.app.inject({ method: 'POST', url: '/api/monitoring/scores/import', payload: m.payload, headers: { ...admin.headers, ...m.headers } });
    assert.equal(imp.statusCode, 200, imp.body);
    const c = (await t.app.inject({ method: 'GET', url: '/api/monitoring/compare?month=2017-12', headers: { cookie: auditor.cookie } })).json();
    assert.deepEqual(c.estimates.eventsPublished, { total: 3, good: 2, bad: 1 });
    const ev = c.indicators.find((i: { code: string }) => i.code === 'EV');
    assert.equal(ev.estimates.find((e: { key: string }) => e.key === 'eventsPublished').text, '3 起（优良 2，不良 1）');
    const other = (await t.app.inject({ method: 'GET', url: '/api/monitoring/compare?month=2017-11', headers: { cookie: auditor.cookie } })).json();
    assert.deepEqual(other.estimates.eventsPublished, { total: 0, good: 0, bad: 0 });
    // 西宁市's 信用事件监测 is below average in the fixture: 3 of the 5 monitored events are published.
    const html = (await t.app.inject({ method: 'GET', url: '/api/monitoring/report?format=html&month=2017-12', headers: { cookie: auditor.cookie } })).body;
    assert.match(html, /加强信用事件公开公布：本期在信用网站公开信用事件 3 起（优良 2 起、不良 1 起），少于本地监测到的 5 起/);
  });
});

describe('统一社会信用代码转换公示', () => {
  test('lists the legacy codes the registry links to a USCC, searchable and paged; natural persons never appear', async () => {
    const subject = async (kind: string, name: string, uscc: string | null) =>
      (await sql<{ id: string }>`INSERT INTO subjects (kind, name, uscc) VALUES (${kind}, ${name}, ${uscc}) RETURNING id`.execute(t.db)).rows[0].id;
    const a = await subject('legal', '西宁老字号食品厂', '91630100MA7ABCDE1X');
    const b = await subject('individual_business', '城东区张记牛肉面馆', '92630102MA7ABCDE2Y');
    const noUscc = await subject('legal', '尚未换证的商行', null);
    const person = await subject('natural_person', '张三', null);
    await sql`INSERT INTO subject_identifiers (kind, value, subject_id) VALUES
      ('org', 'D2143569X', ${a}), ('regno', '630100400012345', ${a}), ('regno', '630102600054321', ${b}),
      ('org', 'E0000000X', ${noUscc}), ('regno', '630100000000001', ${person})`.execute(t.db);
    const r = await anon('/api/public/code-conversions');
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().items, [
      { kind: 'org', kindLabel: '组织机构代码', legacyCode: 'D2143569X', uscc: '91630100MA7ABCDE1X', name: '西宁老字号食品厂' },
      { kind: 'regno', kindLabel: '注册号', legacyCode: '630100400012345', uscc: '91630100MA7ABCDE1X', name: '西宁老字号食品厂' },
      { kind: 'regno', kindLabel: '注册号', legacyCode: '630102600054321', uscc: '92630102MA7ABCDE2Y', name: '城东区张记牛肉面馆' },
    ]);
    const byCode = (q: string) => anon(`/api/public/code-conversions?q=${encodeURIComponent(q)}`).then((x) => x.json().items.map((i: { legacyCode: string }) => i.legacyCode));
    assert.deepEqual(await byCode('d2143'), ['D2143569X']);
    assert.deepEqual(await byCode('92630102'), ['630102600054321']);
    assert.deepEqual(await byCode('牛肉面'), ['630102600054321']);
    assert.deepEqual(await byCode('%'), []);
    const page = (await anon('/api/public/code-conversions?limit=2')).json();
    const next = (await anon(`/api/public/code-conversions?limit=2&cursor=${page.nextCursor}`)).json();
    assert.deepEqual(next.items.map((i: { legacyCode: string }) => i.legacyCode), ['630102600054321']);
    assert.equal((await anon('/api/public/code-conversions?cursor=bad')).statusCode, 400);
  });
});
