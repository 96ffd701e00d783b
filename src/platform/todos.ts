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
