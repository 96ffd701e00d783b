// Sign-in throttling (登录失败限制): per user name at LOGIN_MAX_FAILURES, and per client address at the much
// higher LOGIN_MAX_FAILURES_PER_IP, both within LOGIN_WINDOW_MINUTES.
//
// The count must be atomic: checked first and stored after the password check, 40 parallel guesses all saw
// "fewer than 5" and got about 22 tries. So an attempt is reserved before the password is verified: under
// transaction-scoped advisory locks on the lower-cased user name and on the address, the failures in the
// window are counted and, when under both limits, a failure row is written at once. The locks are held for
// those two statements only, not during the (slow) password hash. A successful sign-in deletes the user's
// rows, its own reservation among them; a crash mid-check leaves the reservation counted, which errs safe.
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/index.ts';

// Advisory-lock namespaces (first key of the two-key form); other modules use 42xx and 43xx.
const USER_NS = 4401;
const IP_NS = 4402;

export type LoginLimits = Pick<Config, 'loginMaxFailures' | 'loginMaxFailuresPerIp' | 'loginWindowMinutes'>;

export type LoginAttempt = { allowed: true } | { allowed: false; by: 'user' | 'ip' };

/** Reserves one sign-in attempt, counted as a failure until the sign-in succeeds; refused when a limit is reached. */
export async function reserveLoginAttempt(db: Db, limits: LoginLimits, key: { username: string; ip: string | null }): Promise<LoginAttempt> {
  return db.transaction().execute(async (trx) => {
    // Always user first, then address, so two attempts never wait on each other's second lock.
    await sql`SELECT pg_advisory_xact_lock(${USER_NS}, hashtext(lower(${key.username})))`.execute(trx);
    if (key.ip !== null) await sql`SELECT pg_advisory_xact_lock(${IP_NS}, hashtext(${key.ip}))`.execute(trx);
    const since = new Date(Date.now() - limits.loginWindowMinutes * 60_000);
    // Two counts so that each uses its own index (lower(username), at) and (ip, at).
    const byUser = await trx
      .selectFrom('login_failures')
      .select(sql<number>`count(*)::int`.as('n'))
      .where(sql`lower(username)`, '=', sql`lower(${key.username})`)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    if (byUser.n >= limits.loginMaxFailures) return { allowed: false, by: 'user' };
    if (key.ip !== null) {
      const byIp = await trx
        .selectFrom('login_failures')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('ip', '=', key.ip)
        .where('at', '>', since)
        .executeTakeFirstOrThrow();
      if (byIp.n >= limits.loginMaxFailuresPerIp) return { allowed: false, by: 'ip' };
    }
    await trx.insertInto('login_failures').values({ username: key.username, ip: key.ip }).execute();
    return { allowed: true };
  });
}

/** Forgets a user name's failures (its pending reservation included) after a successful sign-in. */
export async function clearLoginFailures(db: DbOrTx, username: string): Promise<void> {
  await db.deleteFrom('login_failures').where(sql`lower(username)`, '=', sql`lower(${username})`).execute();
}
