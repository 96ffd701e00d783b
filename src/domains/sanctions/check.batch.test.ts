// Checks batched as PostgreSQL batches its commits (issue 14 "Performance"): checks that arrive while a stage's
// statement is in flight go together as the next statement, each with its own answer and check id. To make a batch
// form deterministically, a test holds a lock on a table a stage's statement needs (the real database makes the
// statement in flight wait), queues the next checks behind it, then lets go.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, deptId, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { appUrlFor } from '../../../test/helpers/db.ts';
import { createDb, type Db } from '../../db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { signRequest } from '../auth/apikeys.service.ts';
import { installBuiltinListTypes, registerEntry } from '../lists/index.ts';
import { searchColumns } from '../subjects/index.ts';
import { checkBatchStats, NaturalBatcher } from './check.batch.ts';
import { runCheck, type CheckAnswer, type CheckInput } from './check.service.ts';
import { installShippedMeasures } from './measures.seed.ts';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const USCC = ['91350100M000100Y43', '91350100M000101X4P', '91350100M0001029X6', '91350100M00010399X'];
const URL_CHECK = '/api/ext/sanctions/check';

let t: TestApp;
let other: Db; // a second handle on the same database: "another process"
let dept = 0;

async function subject(name: string, uscc: string): Promise<string> {
  const { nameNorm, pinyinInitials } = searchColumns(name);
  const r = await t.db
    .insertInto('subjects')
    .values({ kind: 'legal', name, uscc, id_hash: null, name_norm: nameNorm, pinyin_initials: pinyinInitials, created_at: new Date(), updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

const ctx = (username: string) => ({ actor: { userId: null, username } });
const input = (uscc: string, departmentId = dept): CheckInput => ({ secret: SECRET, departmentId, channel: 'console', scenario: '政府采购', subjects: [{ uscc }, { uscc: '91350100M00010' }] });

/** Holds `LOCK TABLE <table>` in a transaction of the owner until the returned release() is called. */
async function holdLock(table: 'sanction_checks' | 'subjects', mode: 'EXCLUSIVE' | 'ACCESS EXCLUSIVE'): Promise<() => Promise<void>> {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const held = new Promise<void>((r) => (locked = r));
  const done = t.owner.transaction().execute(async (trx) => {
    await sql`SELECT set_config('lock_timeout', '0', true)`.execute(trx);
    await sql.raw(`LOCK TABLE ${table} IN ${mode} MODE`).execute(trx);
    locked();
    await gate;
  });
  await held;
  return async () => {
    release();
    await done;
  };
}

/** Waits (polling, bounded) until the condition holds: the batch is formed before the lock is let go. */
async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), `timed out waiting for: ${what}`);
}

const stats = () => checkBatchStats(t.ctx.pool);

before(async () => {
  t = await createTestApp();
  await installShippedMeasures(t.db);
  await installBuiltinListTypes(t.db);
  const ids = [];
  for (const [i, u] of USCC.entries()) ids.push(await subject(`福州批量核查${i}贸易有限公司`, u));
  await registerEntry(t.db, { listType: 'ZFCGSX', subjectId: ids[0]!, decisionNo: '榕财采〔2026〕31号', origin: 'collected', status: 'listed', listedOn: '2026-03-01' });
  await registerEntry(t.db, { listType: 'ANSRX', subjectId: ids[1]!, decisionNo: '2025年度A级-31', origin: 'collected', status: 'listed', listedOn: '2026-04-01' });
  await registerEntry(t.db, { listType: 'SXBZXR', subjectId: ids[2]!, decisionNo: '(2026)闽0102执31号', origin: 'collected', status: 'listed', listedOn: '2026-05-01' });
  dept = await deptId(t.db, 'CZJ');
  other = createDb(appUrlFor(new URL(t.url).pathname.slice(1)), 2).db;
});
after(async () => {
  await other.destroy();
  await t.close();
});

describe('the natural batcher', () => {
  test('a lone item goes at once, alone; items arriving while a call runs go together as the next call', async () => {
    const calls: number[][] = [];
    let open!: () => void;
    const first = new Promise<void>((r) => (open = r));
    const b = new NaturalBatcher<number, number>(
      async (items) => {
        calls.push(items);
        if (calls.length === 1) await first;
        return items.map((i) => (i === 13 ? new Error('thirteen') : i * 10));
      },
      (e) => e,
    );
    const a = b.submit(1);
    // Sent in the same tick: no timer, no added delay.
    assert.deepEqual(calls, [[1]]);
    const rest = [2, 13, 4].map((i) => b.submit(i));
    assert.equal(b.queued, 3);
    open();
    assert.equal(await a, 10);
    const settled = await Promise.allSettled(rest);
    assert.deepEqual(calls, [[1], [2, 13, 4]]);
    assert.deepEqual(
      settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
      [20, 'thirteen', 40],
      'an item answered with an error fails alone',
    );
  });

  test('a call that throws fails every item of that call, and only those', async () => {
    let n = 0;
    let open!: () => void;
    const first = new Promise<void>((r) => (open = r));
    const b = new NaturalBatcher<number, number>(
      async (items) => {
        n++;
        if (n === 1) await first;
        if (n === 2) throw new Error('connection lost');
        return items;
      },
      (e) => new Error(`batch failed: ${(e as Error).message}`),
    );
    const a = b.submit(1);
    const failing = [b.submit(2), b.submit(3)];
    open();
    assert.equal(await a, 1);
    for (const f of failing) await assert.rejects(f, /batch failed: connection lost/);
    assert.equal(await b.submit(4), 4, 'the next call runs');
  });
});

describe('checks on the pool share statements', () => {
  test('checks queued behind a write in flight are written by one statement, each with its own answer, check id, hits and audit entry', async () => {
    const was = stats();
    const release = await holdLock('sanction_checks', 'EXCLUSIVE');
    let results: CheckAnswer[];
    try {
      const first = runCheck(t.db, input(USCC[3]!), ctx('batch-a'), t.ctx.pool);
      await until('the first write in flight', () => stats().write.calls === was.write.calls + 1);
      const queued = USCC.slice(0, 3).map((u, i) => runCheck(t.db, input(u), ctx(`batch-${i}`), t.ctx.pool));
      await until('three writes queued', () => stats().write.queued === 3);
      await release();
      results = await Promise.all([first, ...queued]);
    } finally {
      await release();
    }
    const now = stats();
    assert.equal(now.write.calls, was.write.calls + 2, 'the first alone, the three queued in one statement');
    assert.ok(now.write.largest >= 3);
    assert.equal(new Set(results.map((r) => r.checkId)).size, 4);
    assert.equal(new Set(results.map((r) => r.caseNo)).size, 4);
    // Each answer is what the same check answers alone (no pool: no batching).
    for (const [i, u] of [USCC[3]!, ...USCC.slice(0, 3)].entries()) {
      const alone = await runCheck(t.db, input(u), ctx('alone'));
      assert.deepEqual(results[i]!.subjects, alone.subjects, u);
      const row = await t.db.selectFrom('sanction_checks').select(['case_no', 'hits', 'answer', 'department_id']).where('id', '=', results[i]!.checkId).executeTakeFirstOrThrow();
      assert.equal(row.case_no, results[i]!.caseNo);
      assert.deepEqual(row.answer, JSON.parse(JSON.stringify({ subjects: results[i]!.subjects })));
      const hits = await t.db.selectFrom('sanction_check_hits').select(['list_type']).where('check_id', '=', results[i]!.checkId).execute();
      assert.deepEqual(
        hits.map((h) => h.list_type),
        results[i]!.subjects.flatMap((s) => [...s.black, ...s.red].map((e) => e.listType)),
      );
      assert.equal(row.hits, hits.length);
    }
    const audits = await t.db
      .selectFrom('audit_log')
      .select(['target', 'actor_username', 'detail'])
      .where('target', 'in', results.map((r) => `sanction_check:${r.checkId}`))
      .execute();
    assert.deepEqual(
      audits.map((a) => [a.target, a.actor_username]).sort(),
      [
        [`sanction_check:${results[0]!.checkId}`, 'batch-a'],
        [`sanction_check:${results[1]!.checkId}`, 'batch-0'],
        [`sanction_check:${results[2]!.checkId}`, 'batch-1'],
        [`sanction_check:${results[3]!.checkId}`, 'batch-2'],
      ].sort(),
      'one audit entry per check, with its own actor',
    );
  });

  test('a database error fails the checks of that statement only, with a clear error and nothing stored; the next check is answered', async () => {
    const count = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM sanction_checks`.execute(t.owner)).rows[0]!.n);
    const was = stats();
    const release = await holdLock('sanction_checks', 'EXCLUSIVE');
    let settled: PromiseSettledResult<CheckAnswer>[];
    let stored: number;
    try {
      const first = runCheck(t.db, input(USCC[0]!), ctx('a'), t.ctx.pool);
      await until('the first write in flight', () => stats().write.calls === was.write.calls + 1);
      // A department that does not exist fails the statement's foreign key: the whole statement, so its three checks.
      const queued = [runCheck(t.db, input(USCC[1]!), ctx('b'), t.ctx.pool), runCheck(t.db, input(USCC[2]!, 999_999), ctx('c'), t.ctx.pool), runCheck(t.db, input(USCC[3]!), ctx('d'), t.ctx.pool)];
      await until('three writes queued', () => stats().write.queued === 3);
      stored = await count();
      await release();
      settled = await Promise.allSettled([first, ...queued]);
    } finally {
      await release();
    }
    assert.equal(settled[0]!.status, 'fulfilled', 'the statement before is not touched');
    for (const s of settled.slice(1)) {
      assert.equal(s.status, 'rejected');
      const e = (s as PromiseRejectedResult).reason as AppError;
      assert.ok(e instanceof AppError);
      assert.deepEqual([e.code, e.status], ['sanction_check_failed', 503]);
    }
    assert.equal(await count(), stored + 1, 'nothing stored for the failed statement');
    const next = await runCheck(t.db, input(USCC[1]!), ctx('e'), t.ctx.pool);
    assert.equal(next.subjects[0]!.status, 'found');
  });

  test('case numbers stay unique past 99,999,999 checks; below it they keep their 8-digit format', async () => {
    const before = await runCheck(t.db, input(USCC[0]!), ctx('x'), t.ctx.pool);
    assert.match(before.caseNo, /^HC\d{8}\d{8}$/);
    assert.equal(Number(before.caseNo.slice(10)), Number(before.checkId));
    await sql`SELECT setval('sanction_checks_id_seq', 99999998)`.execute(t.owner);
    const answers = await Promise.all(USCC.map((u) => runCheck(t.db, input(u), ctx('x'), t.ctx.pool)));
    const alone = await runCheck(t.db, input(USCC[0]!), ctx('x'));
    const all = [...answers, alone];
    assert.equal(new Set(all.map((a) => a.caseNo)).size, all.length);
    for (const a of all) assert.equal(a.caseNo.slice(10), BigInt(a.checkId) < 100_000_000n ? a.checkId.padStart(8, '0') : a.checkId);
    assert.ok(all.some((a) => BigInt(a.checkId) > 100_000_000n), 'past 99,999,999');
  });
});

describe('the signed API in a batch', () => {
  let appKey = '';
  let secret = '';
  let keyId = 0;
  const body = (uscc: string) => JSON.stringify({ scenario: '政府采购', subjects: [{ uscc }] });
  const signed = (raw: string, key = { appKey, secret }) => ({ ...signRequest(key.appKey, key.secret, 'POST', URL_CHECK, raw), 'content-type': 'application/json' });
  const send = (raw: string, headers: Record<string, string>) => t.app.inject({ method: 'POST', url: URL_CHECK, headers, payload: raw });

  before(async () => {
    const admin = await loginAs(t, 'admin');
    const k = await t.app.inject({ method: 'POST', url: '/api/apikeys', headers: admin.headers, payload: { departmentId: dept, name: '批量核查系统' } });
    assert.equal(k.statusCode, 200, k.body);
    ({ appKey, secret, id: keyId } = k.json() as { appKey: string; secret: string; id: number });
  });

  /** Sends `first` and waits until its read is in flight (held on the subjects' lock), then sends the rest and waits until they are queued. */
  async function inOneBatch(first: () => ReturnType<typeof send>, rest: Array<() => ReturnType<typeof send>>) {
    const was = stats();
    const release = await holdLock('subjects', 'ACCESS EXCLUSIVE');
    try {
      const a = first();
      await until('the first read in flight', () => stats().read.calls === was.read.calls + 1);
      const others = rest.map((f) => f());
      await until(`${rest.length} reads queued`, () => stats().read.queued === rest.length);
      await release();
      const out = await Promise.all([a, ...others]);
      assert.equal(stats().read.calls, was.read.calls + 2, 'the first alone, the rest in one statement');
      return out;
    } finally {
      await release();
    }
  }

  test('one nonce twice in a batch: exactly one is answered, the other refused as a replay with nothing stored; a bad subject and a good check beside them are answered', async () => {
    const checks = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM sanction_checks WHERE api_key_id = ${keyId}`.execute(t.owner)).rows[0]!.n);
    const was = await checks();
    const raw = body(USCC[0]!);
    const twice = signed(raw);
    const badRaw = body('91350100M0001047X0');
    const [first, x1, x2, bad, good] = await inOneBatch(
      () => send(body(USCC[1]!), signed(body(USCC[1]!))),
      [() => send(raw, twice), () => send(raw, twice), () => send(badRaw, signed(badRaw)), () => send(body(USCC[2]!), signed(body(USCC[2]!)))],
    );
    assert.equal(first!.statusCode, 200);
    assert.deepEqual([x1!.statusCode, x2!.statusCode].sort(), [200, 401]);
    const refused = [x1!, x2!].find((r) => r.statusCode === 401)!;
    assert.equal(refused.json().error.code, 'signature_replayed');
    const answered = [x1!, x2!].find((r) => r.statusCode === 200)!;
    assert.equal(answered.json().subjects[0].black[0].listType, 'ZFCGSX');
    assert.equal(bad!.statusCode, 200, bad!.body);
    assert.equal(bad!.json().subjects[0].status, 'invalid');
    assert.equal(good!.statusCode, 200);
    assert.equal(good!.json().subjects[0].black[0].listType, 'SXBZXR');
    assert.equal(await checks(), was + 4, 'the replay stored nothing');
    const nonces = await sql<{ n: string }>`SELECT count(*) AS n FROM api_nonces WHERE app_key = ${appKey} AND nonce = ${twice['x-nonce']}`.execute(t.owner);
    assert.equal(nonces.rows[0]!.n, '1');
  });

  test('a key revoked through another handle is refused on the very next check when that check arrives in a batch; the other checks of the batch are answered', async () => {
    const admin = await loginAs(t, 'admin');
    const k = await t.app.inject({ method: 'POST', url: '/api/apikeys', headers: admin.headers, payload: { departmentId: dept, name: '即将吊销的系统' } });
    const second = k.json() as { appKey: string; secret: string; id: number };
    const raw = body(USCC[0]!);
    // Both keys are in this process's cache now.
    assert.equal((await send(raw, signed(raw, second))).statusCode, 200);
    assert.equal((await send(raw, signed(raw))).statusCode, 200);
    const stored = async () => {
      const r = await sql<{ checks: string; nonces: string }>`
        SELECT (SELECT count(*) FROM sanction_checks WHERE api_key_id = ${second.id}) AS checks, (SELECT count(*) FROM api_nonces WHERE app_key = ${second.appKey}) AS nonces`.execute(t.owner);
      return r.rows[0]!;
    };
    const was = await stored();
    const [first, revoked, good] = await inOneBatch(
      () => send(body(USCC[1]!), signed(body(USCC[1]!))),
      [
        async () => {
          // Revoked by "another process" while this process still holds the key as valid.
          await sql`UPDATE api_keys SET revoked_at = now() WHERE id = ${second.id}`.execute(other);
          return send(raw, signed(raw, second));
        },
        () => send(body(USCC[2]!), signed(body(USCC[2]!))),
      ],
    );
    assert.equal(first!.statusCode, 200);
    assert.equal(revoked!.statusCode, 401, revoked!.body);
    assert.equal(revoked!.json().error.code, 'apikey_revoked');
    assert.deepEqual(await stored(), was, 'no check, no nonce for the revoked key');
    assert.equal(good!.statusCode, 200, good!.body);
  });
});
