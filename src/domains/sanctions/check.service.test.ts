// The fast pre-action check (issue 14 "Performance"): measures cached in memory but never stale across processes
// (a second database handle stands for another process), the one-statement read answering exactly what the
// general path (evaluate, used by screening) answers, the check, its hits and its audit entry written by one
// statement without a transaction, and the signed API still refusing a replayed nonce.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { createTestApp, deptId, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { appUrlFor, createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { buildApp } from '../../app.ts';
import { createDb, type Db } from '../../db/index.ts';
import { seedDepartments } from '../../shell/seed.ts';
import { encrypt, hmacSha256 } from '../../platform/crypto.ts';
import { signRequest } from '../auth/apikeys.service.ts';
import { installBuiltinListTypes, registerEntry } from '../lists/index.ts';
import { searchColumns } from '../subjects/index.ts';
import { evaluate, runCheck, type CheckInput } from './check.service.ts';
import { resolveSubjects } from './match.ts';
import { amendMeasure, activateMeasure, createMeasure, retireMeasure, type MeasureInput } from './measures.ts';
import { installShippedMeasures } from './measures.seed.ts';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const ctx = { actor: { userId: null, username: 'test' } };
const USCC = { listed: '91350100M000100Y43', red: '91350100M000101X4P', clean: '91350100M0001029X6', penalised: '91350100M00010399X' };
const PERSON_ID = '110101199003074258';

let t: TestApp;
let other: Db; // a second handle on the same database: "another process"
let dept = 0;
const ids: Record<string, string> = {};

async function subject(db: Db, row: { kind?: 'legal' | 'natural_person'; name: string; uscc?: string | null; idNumber?: string }): Promise<string> {
  const { nameNorm, pinyinInitials } = searchColumns(row.name);
  const r = await db
    .insertInto('subjects')
    .values({
      kind: row.kind ?? 'legal',
      name: row.name,
      uscc: row.uscc ?? null,
      id_hash: row.idNumber ? hmacSha256(SECRET, `id:${row.idNumber}`) : null,
      name_norm: nameNorm,
      pinyin_initials: pinyinInitials,
      created_at: new Date(),
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** A listed subject (ZFCGSX: measure DF-ZFCG-01 in 政府采购) on a database. */
async function seed(db: Db, owner: Db, ids: Record<string, string>): Promise<void> {
  await installShippedMeasures(db);
  await installBuiltinListTypes(db);
  ids.listed = await subject(db, { name: '福州某某建材有限公司', uscc: USCC.listed });
  ids.red = await subject(db, { name: '福州诚信商贸有限公司', uscc: USCC.red });
  ids.clean = await subject(db, { name: '福州清白科技有限公司', uscc: USCC.clean });
  ids.penalised = await subject(db, { name: '福州受罚餐饮有限公司', uscc: USCC.penalised });
  ids.person = await subject(db, { kind: 'natural_person', name: '张三', idNumber: PERSON_ID });
  ids.twin1 = await subject(db, { name: '福州同名贸易有限公司' });
  ids.twin2 = await subject(db, { name: '福州同名贸易有限责任公司' });
  ids.short = await subject(db, { name: '厦门远航物流有限公司' });
  await registerEntry(db, { listType: 'ZFCGSX', subjectId: ids.listed, decisionNo: '榕财采〔2026〕3号', origin: 'collected', status: 'listed', listedOn: '2026-03-01', expiresOn: '2029-02-28' });
  await registerEntry(db, { listType: 'ANSRX', subjectId: ids.red, decisionNo: '2025年度A级', origin: 'collected', status: 'listed', listedOn: '2026-04-01' });
  await registerEntry(db, { listType: 'SXBZXR', subjectId: ids.person, decisionNo: '(2026)闽0102执1号', origin: 'collected', status: 'listed', listedOn: '2026-05-01' });
  await registerEntry(db, { listType: 'ZFCGSX', subjectId: ids.short, decisionNo: '厦财采〔2026〕9号', origin: 'collected', status: 'listed', listedOn: '2026-02-01' });
  // An entry past its validity is not in force.
  await registerEntry(db, { listType: 'ZDSSWF', subjectId: ids.clean, decisionNo: '旧〔2020〕1号', origin: 'collected', status: 'listed', listedOn: '2020-01-01', expiresOn: '2023-01-01' });
  await owner
    .insertInto('records')
    .values({
      item_id: 'PN',
      record_type: 'penalty',
      record_key: 'k-pen',
      authority_uscc: '11350100003626020T',
      doc_no: '榕市监罚〔2026〕12号',
      subject_id: ids.penalised,
      department_id: 1,
      current_version: 1,
      current_hash: 'h',
      status: 'active',
      audience: 'public',
      decision_date: '2026-06-01',
      publicity: JSON.stringify({ severity: '严重' }),
    })
    .execute();
}

const input = (subjects: CheckInput['subjects'], scenario = '政府采购'): CheckInput => ({ secret: SECRET, departmentId: dept, channel: 'api', scenario, subjects });
// On the test app's database as the signed API runs it (named prepared statements on its pool), elsewhere plain.
const codesOf = async (db: Db, departmentId = dept) =>
  (await runCheck(db, { ...input([{ uscc: USCC.listed }]), departmentId }, ctx, db === t.db ? t.ctx.pool : undefined)).subjects[0]!.measures.map((m) => `${m.code}@${m.id}`);

const LOCAL: MeasureInput = {
  name: '限制参加本市政府采购活动（本地补充）',
  class: 1,
  kind: 'punishment',
  listTypes: ['ZFCGSX'],
  scenarios: ['政府采购'],
  legalBasis: '《中华人民共和国政府采购法》第二十二条',
  basisDocNo: '财办库〔2014〕526号',
  implementingDept: '市财政局',
  edition: 'local',
};

before(async () => {
  t = await createTestApp();
  await seed(t.db, t.owner, ids);
  dept = await deptId(t.db, 'CZJ');
  // As the app role, as the app's own pool connects (the owner's handle could hide a privilege gap).
  other = createDb(appUrlFor(new URL(t.url).pathname.slice(1)), 2).db;
});
after(async () => {
  await other.destroy();
  await t.close();
});

describe('measures cached in memory, never stale across processes', () => {
  test('a measure retired, amended, added or activated through another handle is seen by the very next check', async () => {
    const before = await codesOf(t.db);
    assert.equal(before.length, 1);
    assert.match(before[0]!, /^DF-ZFCG-01@/);
    // Answered from the cache now; the catalogue changes through the other handle.
    assert.deepEqual(await codesOf(t.db), before);

    const added = await other.transaction().execute((trx) => createMeasure(trx, LOCAL, null, ctx));
    assert.deepEqual((await codesOf(t.db)).sort(), [...before, `${added.code}@${added.id}`].sort());

    await other.transaction().execute((trx) => retireMeasure(trx, 'DF-ZFCG-01', ctx));
    assert.deepEqual(await codesOf(t.db), [`${added.code}@${added.id}`], 'a retired measure is never returned again');

    const amended = await other.transaction().execute((trx) => amendMeasure(trx, added.code, { ...LOCAL, name: `${LOCAL.name}（修订）` }, null, ctx));
    const after = (await runCheck(t.db, input([{ uscc: USCC.listed }]), ctx)).subjects[0]!.measures;
    assert.deepEqual(
      after.map((m) => [m.id, m.name]),
      [[amended.id, amended.name]],
      'the new version replaces the old at once',
    );

    const draft = await other.transaction().execute((trx) => createMeasure(trx, { ...LOCAL, activate: false }, null, ctx));
    assert.ok(!(await codesOf(t.db)).some((c) => c.startsWith(`${draft.code}@`)), 'a draft is not in force');
    await other.transaction().execute((trx) => activateMeasure(trx, draft.code, ctx));
    assert.ok((await codesOf(t.db)).some((c) => c.startsWith(`${draft.code}@`)));
  });

  test('a write straight to the table (no service) is seen too: the generation is bumped by a trigger', async () => {
    const [first] = await codesOf(t.db);
    await sql`UPDATE sanction_measures SET status = 'retired', retired_at = now() WHERE status = 'active' AND 'ZFCGSX' = ANY(list_types)`.execute(t.owner);
    assert.ok(first);
    assert.deepEqual(await codesOf(t.db), []);
  });

  test('a rolled-back write changes nothing, and a check during it still sees the committed catalogue', async () => {
    const active = await other.transaction().execute((trx) => createMeasure(trx, LOCAL, null, ctx));
    const seen = await codesOf(t.db);
    assert.deepEqual(seen, [`${active.code}@${active.id}`]);
    await assert.rejects(
      other.transaction().execute(async (trx) => {
        await retireMeasure(trx, active.code, ctx);
        // Uncommitted: a check on the first handle still answers the measure.
        assert.deepEqual(await codesOf(t.db), seen);
        throw new Error('rollback');
      }),
      /rollback/,
    );
    assert.deepEqual(await codesOf(t.db), seen);
  });

  test('two databases in one process (clones of one template) never share a catalogue', async () => {
    const second: TestDb = await createTestDb();
    try {
      await seedDepartments(second.db, t.ctx.config);
      await seed(second.db, second.owner, {});
      const dept2 = await deptId(second.db, 'CZJ');
      // The first database has retired DF-ZFCG-01 above; the second still has it. Both are clones of one template
      // (one `instance`), and here they are at the same generation too: only the database itself tells them apart.
      const { gen } = await t.db.selectFrom('sanction_measures_generation').select('gen').executeTakeFirstOrThrow();
      await sql`UPDATE sanction_measures_generation SET gen = ${gen}`.execute(second.owner);
      const a = await codesOf(t.db);
      const b = await codesOf(second.db, dept2);
      assert.ok(!a.some((c) => c.startsWith('DF-ZFCG-01@')));
      assert.ok(b.some((c) => c.startsWith('DF-ZFCG-01@')));
      assert.deepEqual(await codesOf(t.db), a);
      assert.deepEqual(await codesOf(second.db, dept2), b);
    } finally {
      await second.close();
    }
  });
});

describe('one read statement answers what the general path answers', () => {
  test('USCC, ID number, names (exact, without the legal form, twins, fuzzy), not found and invalid', async () => {
    await other.transaction().execute((trx) => createMeasure(trx, { ...LOCAL, listTypes: ['ZFCGSX', 'SXBZXR'] }, null, ctx));
    const queries = [
      { uscc: USCC.listed },
      { uscc: USCC.red },
      { uscc: USCC.clean },
      { uscc: USCC.penalised },
      { idNumber: PERSON_ID },
      { name: '福州某某建材有限公司' },
      { name: '厦门远航物流' },
      { name: '福州同名贸易' },
      { name: '福州某某' },
      { name: '张三' },
      { uscc: '91350100M0001047XF' },
      { uscc: '91350100M00010' },
      {},
    ];
    for (const scenario of ['政府采购', '行政审批', '评优评先']) {
      const fast = await runCheck(t.db, input(queries, scenario), ctx);
      const general = await evaluate(t.db, queries, await resolveSubjects(t.db, SECRET, queries), scenario);
      assert.deepEqual(fast.subjects, general, scenario);
      // As named prepared statements on the pool (the signed API's way), more than five times: PostgreSQL may
      // switch to its generic plan after five.
      for (let i = 0; i < 7; i++) assert.deepEqual((await runCheck(t.db, input(queries, scenario), ctx, t.ctx.pool)).subjects, general, `${scenario} prepared #${i + 1}`);
    }
    const fast = await runCheck(t.db, input(queries), ctx);
    const by = (i: number) => fast.subjects[i]!;
    assert.deepEqual([by(0).status, by(0).black.length, by(0).measures.length > 0], ['found', 1, true]);
    assert.equal(by(2).black.length, 0, 'an entry past its validity is not in force');
    assert.equal(by(3).seriousPenalties[0]!.docNo, '榕市监罚〔2026〕12号');
    assert.deepEqual([by(4).status, by(4).black[0]!.listType], ['found', 'SXBZXR']);
    assert.deepEqual([by(6).status, by(6).matchedBy, by(6).black.length], ['found', 'name_normalised', 1], 'found by the prefix statement, its entries read after');
    assert.equal(by(7).status, 'not_found');
    assert.equal(by(9).status, 'not_found', 'a person is never matched by name');
    assert.equal(by(11).status, 'invalid');
  });

  test('the check, its hits and its audit entry are stored by one statement, without a transaction', async () => {
    const a = await runCheck(t.db, input([{ uscc: USCC.listed }, { uscc: USCC.red }, { uscc: USCC.clean }]), ctx);
    const row = await t.db.selectFrom('sanction_checks').select(['case_no', 'subjects', 'hits', 'feedback_due', 'channel', 'answer']).where('id', '=', a.checkId).executeTakeFirstOrThrow();
    assert.equal(row.case_no, a.caseNo);
    assert.deepEqual([row.subjects, row.hits, row.channel], [3, 2, 'api']);
    assert.equal(row.feedback_due, a.subjects.reduce((n, s) => n + s.measures.length + s.incentives.length, 0));
    assert.deepEqual(row.answer, JSON.parse(JSON.stringify({ subjects: a.subjects })));
    const hits = await t.db.selectFrom('sanction_check_hits').select(['subject_id', 'entry_id', 'list_type', 'color']).where('check_id', '=', a.checkId).orderBy('entry_id').execute();
    assert.deepEqual(
      hits.map((h) => [h.subject_id, h.list_type, h.color]),
      [
        [ids.listed, 'ZFCGSX', 'black'],
        [ids.red, 'ANSRX', 'red'],
      ],
    );
    const entry = await t.db.selectFrom('audit_log').select(['action', 'outcome', 'detail', 'actor_username']).where('target', '=', `sanction_check:${a.checkId}`).executeTakeFirstOrThrow();
    assert.deepEqual(entry, { action: 'sanctions.check', outcome: 'ok', detail: { channel: 'api', scenario: '政府采购', subjects: 3, hits: 2 }, actor_username: 'test' });
  });

  test('a failing write stores nothing: no check, no hits, no audit entry', async () => {
    const count = async () => {
      const r = await sql<{ c: string; h: string; a: string }>`
        SELECT (SELECT count(*) FROM sanction_checks) AS c, (SELECT count(*) FROM sanction_check_hits) AS h,
               (SELECT count(*) FROM audit_log WHERE action = 'sanctions.check') AS a`.execute(t.owner);
      return r.rows[0];
    };
    const was = await count();
    // A department that does not exist fails the check row's foreign key at the end of the statement.
    await assert.rejects(runCheck(t.db, { ...input([{ uscc: USCC.listed }]), departmentId: 999_999 }, ctx));
    assert.deepEqual(await count(), was);
  });
});

describe('the signed API', () => {
  test('a replayed request is refused with 401 and stores no second check; the key\'s last use is kept to the minute', async () => {
    const admin = await loginAs(t, 'admin');
    const k = await t.app.inject({ method: 'POST', url: '/api/apikeys', headers: admin.headers, payload: { departmentId: dept, name: '采购系统' } });
    assert.equal(k.statusCode, 200, k.body);
    const { appKey, secret } = k.json() as { appKey: string; secret: string };
    const url = '/api/ext/sanctions/check';
    const raw = JSON.stringify({ scenario: '政府采购', subjects: [{ uscc: USCC.red }] });
    const headers = { ...signRequest(appKey, secret, 'POST', url, raw), 'content-type': 'application/json' };
    const first = await t.app.inject({ method: 'POST', url, headers, payload: raw });
    assert.equal(first.statusCode, 200, first.body);
    const n = async () => Number((await t.db.selectFrom('sanction_checks').select((eb) => eb.fn.countAll<string>().as('n')).where('channel', '=', 'api').executeTakeFirstOrThrow()).n);
    const stored = await n();
    const again = await t.app.inject({ method: 'POST', url, headers, payload: raw });
    assert.equal(again.statusCode, 401);
    assert.equal(again.json().error.code, 'signature_replayed');
    assert.equal(await n(), stored);
    const lastUsed = async () => (await t.db.selectFrom('api_keys').select('last_used_at').where('app_key', '=', appKey).executeTakeFirstOrThrow()).last_used_at;
    const first1 = await lastUsed();
    assert.ok(first1, 'the key records its use');
    // Within the minute the key's row is not rewritten (no queue on its row lock); after it, it is.
    const send = async () => {
      const h = { ...signRequest(appKey, secret, 'POST', url, raw), 'content-type': 'application/json' };
      assert.equal((await t.app.inject({ method: 'POST', url, headers: h, payload: raw })).statusCode, 200);
    };
    await send();
    assert.deepEqual(await lastUsed(), first1);
    await sql`UPDATE api_keys SET last_used_at = now() - interval '2 minutes' WHERE app_key = ${appKey}`.execute(t.owner);
    const stale = await lastUsed();
    await send();
    assert.ok((await lastUsed())!.getTime() > stale!.getTime());
  });

  test('a key revoked, its department deactivated or its secret replaced through another handle is refused on the very next check, with nothing stored for it', async () => {
    const admin = await loginAs(t, 'admin');
    const k = await t.app.inject({ method: 'POST', url: '/api/apikeys', headers: admin.headers, payload: { departmentId: dept, name: '审批系统' } });
    assert.equal(k.statusCode, 200, k.body);
    const { appKey, secret, id } = k.json() as { appKey: string; secret: string; id: number };
    const url = '/api/ext/sanctions/check';
    const raw = JSON.stringify({ scenario: '政府采购', subjects: [{ uscc: USCC.listed }] });
    const send = (key = secret) => t.app.inject({ method: 'POST', url, headers: { ...signRequest(appKey, key, 'POST', url, raw), 'content-type': 'application/json' }, payload: raw });
    const stored = async () => {
      const r = await sql<{ checks: string; nonces: string; audits: string }>`
        SELECT (SELECT count(*) FROM sanction_checks WHERE api_key_id = ${id}) AS checks,
               (SELECT count(*) FROM api_nonces WHERE app_key = ${appKey}) AS nonces,
               (SELECT count(*) FROM audit_log WHERE action = 'sanctions.check') AS audits`.execute(t.owner);
      return r.rows[0]!;
    };
    // The key is in this process's cache now.
    assert.equal((await send()).statusCode, 200);
    const deny = async (code: string, key = secret) => {
      const was = await stored();
      const r = await send(key);
      assert.equal(r.statusCode, 401, r.body);
      assert.equal(r.json().error.code, code);
      assert.deepEqual(await stored(), was, `${code}: no check, no nonce, no check audit entry`);
    };

    await sql`UPDATE departments SET active = false WHERE id = ${dept}`.execute(other);
    await deny('department_inactive');
    await sql`UPDATE departments SET active = true WHERE id = ${dept}`.execute(other);
    assert.equal((await send()).statusCode, 200, 'reactivating the department restores its keys');

    const replaced = 'replaced-secret-0123456789abcdef';
    await sql`UPDATE api_keys SET secret_enc = ${encrypt(t.ctx.config.secret, replaced, 'api-key')} WHERE id = ${id}`.execute(other);
    await deny('signature_invalid');
    assert.equal((await send(replaced)).statusCode, 200, 'the new secret is accepted at once');

    await sql`UPDATE api_keys SET revoked_at = now() WHERE id = ${id}`.execute(other);
    await deny('apikey_revoked', replaced);
    const reasons = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'api.auth').where('actor_app_key', '=', appKey).orderBy('id').execute();
    assert.deepEqual(
      reasons.map((r) => (r.detail as { reason: string }).reason),
      ['inactive_department', 'bad_signature', 'revoked'],
    );
  });

  test('a signed check is two statements once its key is cached: one read that records the nonce, one write', async () => {
    const admin = await loginAs(t, 'admin');
    const k = await t.app.inject({ method: 'POST', url: '/api/apikeys', headers: admin.headers, payload: { departmentId: dept, name: '招标系统' } });
    const { appKey, secret } = k.json() as { appKey: string; secret: string };
    // The same app on the same handles, without background jobs, and the test app's jobs (the subject-search
    // indexer) stopped — this is the file's last test — so every statement sent while a request runs is its own.
    await t.app.jobs.stop();
    const app = await buildApp(t.ctx, { logger: false, serveWeb: false, jobs: { definitions: [] } });
    const url = '/api/ext/sanctions/check';
    const raw = JSON.stringify({ scenario: '政府采购', subjects: [{ uscc: USCC.listed }] });
    const send = () => app.inject({ method: 'POST', url, headers: { ...signRequest(appKey, secret, 'POST', url, raw), 'content-type': 'application/json' }, payload: raw });
    const query = pg.Client.prototype.query;
    try {
      await app.ready();
      assert.equal((await send()).statusCode, 200);
      // Every statement sent to PostgreSQL, through Kysely or the pool alike.
      let texts: string[] = [];
      pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
        const q = a[0] as string | { text: string };
        texts.push(typeof q === 'string' ? q : q.text);
        return (query as (...x: unknown[]) => unknown).apply(this, a);
      } as typeof query;
      for (let i = 0; i < 3; i++) {
        texts = [];
        const r = await send();
        assert.equal(r.statusCode, 200, r.body);
        // Leave out the nonce prune, which runs on about one request in a hundred.
        const sent = texts.filter((x) => !/^delete from "api_nonces"/.test(x));
        assert.equal(sent.length, 2, sent.join('\n---\n'));
        assert.match(sent[0]!, /INSERT INTO api_nonces/);
        assert.match(sent[1]!, /INSERT INTO sanction_checks/);
      }
    } finally {
      pg.Client.prototype.query = query;
      await app.close();
    }
  });
});
