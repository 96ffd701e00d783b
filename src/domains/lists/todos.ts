// The lists domain's to-dos for the 工作台 desk (platform/todos.ts): proposals waiting for a decision, and notices
// whose objection window has ended (ready for 审核). A reporter sees its own department's.
import type { DbOrTx } from '../../db/index.ts';
import type { TodoItem, TodoProvider } from '../../platform/todos.ts';
import { chinaToday, LIFECYCLE_ROLES } from './lifecycle.ts';

const count = async (db: DbOrTx, status: 'proposed' | 'notified', dept: number | null | undefined, ended: boolean): Promise<number> => {
  let q = db.selectFrom('list_entries').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', status).where('origin', '=', 'local');
  if (dept !== undefined) q = dept === null ? q.where('department_id', 'is', null) : q.where('department_id', '=', dept);
  if (ended) q = q.where('objection_until', '<', chinaToday());
  return Number((await q.executeTakeFirstOrThrow()).n);
};

/** 拟列入 waiting to be notified (the proposer's department or the credit office), and notices ready for review. */
export const listsTodo: TodoProvider = async (db, user) => {
  const items: TodoItem[] = [];
  const dept = user.role === 'reporter' ? user.departmentId : undefined;
  if (LIFECYCLE_ROLES.notify.includes(user.role)) {
    const n = await count(db, 'proposed', dept, false);
    if (n) items.push({ key: 'lists.proposals', label: '拟列入名单待告知', count: n, link: '/console/lists/entries?status=proposed' });
  }
  if (LIFECYCLE_ROLES.review.includes(user.role)) {
    const n = await count(db, 'notified', undefined, true);
    if (n) items.push({ key: 'lists.objection_ended', label: '异议期已满待审核的名单', count: n, link: '/console/lists/entries?status=notified' });
  }
  return items;
};

/** The providers the desk lists (src/shell/todos.ts). */
export const listsTodos: TodoProvider[] = [listsTodo];
