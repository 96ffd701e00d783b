// The 工作台 (desk) to-do contract (issue 17 §3): each domain that gives people work exports TodoProviders from
// its index.ts; the shell lists them (src/shell/todos.ts) and the desk route asks each for the signed-in
// user's items. The platform defines only the shape, so it never imports a domain.
import type { DbOrTx } from '../db/index.ts';
import type { SessionUser } from './http.ts';

export interface TodoItem {
  /** Stable key, e.g. 'ingest.rows_to_correct', 'lists.checks_without_feedback', 'repair.due'. */
  key: string;
  /** What to do, in Chinese, e.g. '待更正的退回行'. */
  label: string;
  count: number;
  /** How many of them are past their deadline (shown first, in red). */
  overdue?: number;
  /** The console route that lists them, e.g. '/console/batches?status=review'. */
  link: string;
}

/** A domain's to-dos for one user (empty when the user's role has none of this kind). */
export type TodoProvider = (db: DbOrTx, user: SessionUser) => Promise<TodoItem[]>;

declare module 'fastify' {
  interface FastifyInstance {
    /** The desk's providers, set by buildApp from the shell's list (src/shell/todos.ts). */
    todoProviders: readonly TodoProvider[];
  }
}

/**
 * The desk's order: items with overdue work first (most overdue first), then items with work, then the rest;
 * otherwise the providers' order, so that a role's usual to-dos keep their place.
 */
export function sortTodos(items: readonly TodoItem[]): TodoItem[] {
  const rank = (t: TodoItem) => ((t.overdue ?? 0) > 0 ? 0 : t.count > 0 ? 1 : 2);
  return items
    .map((t, i) => ({ t, i }))
    .sort((a, b) => rank(a.t) - rank(b.t) || (b.t.overdue ?? 0) - (a.t.overdue ?? 0) || a.i - b.i)
    .map((x) => x.t);
}

/** One console page's badge: the user's to-dos that link to it, and how many of them are overdue. */
export interface PageCount {
  /** The console path the to-dos link to, without the query, e.g. '/console/repair'. */
  path: string;
  count: number;
  overdue: number;
}

/**
 * The navigation's badges (issue 15 §4): the to-dos summed by the page they link to, pages with work only.
 * Providers keep their items disjoint (an item counted once), so the sum is the page's work.
 */
export function countsByPage(items: readonly TodoItem[]): PageCount[] {
  const by = new Map<string, PageCount>();
  for (const t of items) {
    if (t.count <= 0) continue;
    const path = t.link.split(/[?#]/)[0];
    const p = by.get(path) ?? { path, count: 0, overdue: 0 };
    p.count += t.count;
    p.overdue += t.overdue ?? 0;
    by.set(path, p);
  }
  return [...by.values()];
}
