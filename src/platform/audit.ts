// The append-only audit log (issue: "who, what, when, from where"). The table rejects UPDATE,
// DELETE and TRUNCATE by trigger, so an entry once written stays.
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../db/index.ts';

/** Who acted: a signed-in user, a department system's API key, or nobody yet (e.g. a failed sign-in). */
export interface Actor {
  userId?: number | null;
  username?: string | null;
  role?: string | null;
  departmentId?: number | null;
  appKey?: string | null;
}

export interface AuditContext {
  actor: Actor | null;
  ip?: string | null;
  requestId?: string | null;
}

export interface AuditEvent {
  action: string;
  target?: string | null;
  outcome?: 'ok' | 'denied' | 'failed';
  detail?: Record<string, unknown>;
}

/** Appends one entry. Pass the transaction that makes the change, so the entry commits with it. */
export async function audit(db: DbOrTx, ctx: AuditContext, ev: AuditEvent): Promise<void> {
  const a = ctx.actor ?? {};
  await db
    .insertInto('audit_log')
    .values({
      actor_user_id: a.userId ?? null,
      actor_username: a.username ?? null,
      actor_role: a.role ?? null,
      actor_department_id: a.departmentId ?? null,
      actor_app_key: a.appKey ?? null,
      action: ev.action,
      target: ev.target ?? null,
      outcome: ev.outcome ?? 'ok',
      detail: JSON.stringify(ev.detail ?? {}),
      ip: ctx.ip ?? null,
      request_id: ctx.requestId ?? null,
    })
    .execute();
}

/**
 * The same entry as audit(), written on a raw pg client: for work that runs on a client inside its own
 * transaction (the import's COPY merge), so the entry commits or rolls back with that work.
 */
export async function auditOnClient(client: { query(text: string, values: unknown[]): Promise<unknown> }, ctx: AuditContext, ev: AuditEvent): Promise<void> {
  const a = ctx.actor ?? {};
  await client.query(
    `INSERT INTO audit_log (actor_user_id, actor_username, actor_role, actor_department_id, actor_app_key, action, target, outcome, detail, ip, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [a.userId ?? null, a.username ?? null, a.role ?? null, a.departmentId ?? null, a.appKey ?? null, ev.action, ev.target ?? null, ev.outcome ?? 'ok', JSON.stringify(ev.detail ?? {}), ctx.ip ?? null, ctx.requestId ?? null],
  );
}

export interface AuditQuery {
  actor?: string;
  /** the actor's department (the department the person belonged to when acting) */
  departmentId?: number;
  action?: string;
  outcome?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

export interface AuditRow {
  id: string;
  at: string;
  actorUsername: string | null;
  actorRole: string | null;
  actorDepartmentId: number | null;
  actorAppKey: string | null;
  action: string;
  target: string | null;
  outcome: string;
  detail: unknown;
  ip: string | null;
  requestId: string | null;
}

/** Browses the log newest first with keyset pagination (cursor = last id seen). */
export async function listAudit(db: DbOrTx, q: AuditQuery): Promise<{ items: AuditRow[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
  let query = db.selectFrom('audit_log').selectAll();
  if (q.actor) query = query.where(sql`lower(actor_username)`, '=', q.actor.toLowerCase());
  if (q.departmentId !== undefined) query = query.where('actor_department_id', '=', q.departmentId);
  if (q.action) query = query.where('action', 'like', `${q.action.replace(/[\\%_]/g, '\\$&')}%`);
  if (q.outcome) query = query.where('outcome', '=', q.outcome as 'ok');
  if (q.from) query = query.where('at', '>=', new Date(q.from));
  if (q.to) query = query.where('at', '<', new Date(q.to));
  if (q.cursor) query = query.where('id', '<', q.cursor);
  const rows = await query.orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      actorUsername: r.actor_username,
      actorRole: r.actor_role,
      actorDepartmentId: r.actor_department_id,
      actorAppKey: r.actor_app_key,
      action: r.action,
      target: r.target,
      outcome: r.outcome,
      detail: r.detail,
      ip: r.ip,
      requestId: r.request_id,
    })),
    nextCursor: rows.length > limit ? page[page.length - 1].id : null,
  };
}

/**
 * The entry audit() appends, as an INSERT … SELECT for a caller's own statement (a data-modifying CTE), so it
 * commits with the change without a round trip of its own; `target` may be an SQL expression over `from`.
 */
export function auditInsertSql(ctx: AuditContext, ev: Omit<AuditEvent, 'target'> & { target: RawBuilder<unknown> | string | null }, from?: RawBuilder<unknown>): RawBuilder<unknown> {
  const a = ctx.actor ?? {};
  return sql`INSERT INTO audit_log (actor_user_id, actor_username, actor_role, actor_department_id, actor_app_key, action, target, outcome, detail, ip, request_id)
    SELECT ${a.userId ?? null}::integer, ${a.username ?? null}::text, ${a.role ?? null}::text, ${a.departmentId ?? null}::integer, ${a.appKey ?? null}::text,
           ${ev.action}::text, (${ev.target})::text, ${ev.outcome ?? 'ok'}::text, ${JSON.stringify(ev.detail ?? {})}::jsonb, ${ctx.ip ?? null}::text, ${ctx.requestId ?? null}::text
    ${from ? sql`FROM ${from}` : sql``}`;
}

/**
 * Several entries as one INSERT … SELECT for a caller's statement (a batch of checks, each with its own actor
 * and detail), so they commit with the change in one round trip. `from` is a relation of the caller's statement
 * with a 1-based `ord` column: entry i is joined to its row i, and `target` is an SQL expression over that row.
 */
export function auditInsertEachSql(entries: ReadonlyArray<{ ctx: AuditContext; event: Omit<AuditEvent, 'target'> }>, from: RawBuilder<unknown>, target: RawBuilder<unknown>): RawBuilder<unknown> {
  const col = <T>(f: (e: { ctx: AuditContext; event: Omit<AuditEvent, 'target'> }) => T) => entries.map(f);
  const a = (e: { ctx: AuditContext }) => e.ctx.actor ?? {};
  return sql`INSERT INTO audit_log (actor_user_id, actor_username, actor_role, actor_department_id, actor_app_key, action, target, outcome, detail, ip, request_id)
    SELECT e.actor_user_id, e.actor_username, e.actor_role, e.actor_department_id, e.actor_app_key, e.action, (${target})::text, e.outcome, e.detail::jsonb, e.ip, e.request_id
      FROM unnest(${col((e) => a(e).userId ?? null)}::integer[], ${col((e) => a(e).username ?? null)}::text[], ${col((e) => a(e).role ?? null)}::text[],
                  ${col((e) => a(e).departmentId ?? null)}::integer[], ${col((e) => a(e).appKey ?? null)}::text[], ${col((e) => e.event.action)}::text[],
                  ${col((e) => e.event.outcome ?? 'ok')}::text[], ${col((e) => JSON.stringify(e.event.detail ?? {}))}::text[], ${col((e) => e.ctx.ip ?? null)}::text[],
                  ${col((e) => e.ctx.requestId ?? null)}::text[])
           WITH ORDINALITY AS e(actor_user_id, actor_username, actor_role, actor_department_id, actor_app_key, action, outcome, detail, ip, request_id, ord)
      JOIN ${from} ON ${from}.ord = e.ord`;
}
