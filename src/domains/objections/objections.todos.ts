// The objections' to-dos for the 工作台 (platform/todos.ts): the credit office's 初审, a department's
// verifications, each with how many are past their working-day deadline.
import type { DbOrTx } from '../../db/index.ts';
import type { TodoItem, TodoProvider } from '../../platform/todos.ts';
import { departmentScope } from '../auth/index.ts';
import { beijingDay } from './objections.settings.ts';

async function count(db: DbOrTx, status: 'precheck' | 'at_department', departments: number[] | null, today: string) {
  let q = db
    .selectFrom('objections')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.count<string>('id').filterWhere('due_on', '<', today).as('late')])
    .where('status', '=', status);
  if (departments) q = q.where('department_id', 'in', departments.length ? departments : [-1]);
  const r = await q.executeTakeFirstOrThrow();
  return { count: Number(r.n), overdue: Number(r.late) };
}

/** 异议初审 for the credit office; 异议核实 for the departments (the office sees every department's). */
export const objectionsTodo: TodoProvider = async (db, user) => {
  const today = beijingDay(new Date());
  const items: TodoItem[] = [];
  if (user.role === 'admin') {
    const c = await count(db, 'precheck', null, today);
    if (c.count) items.push({ key: 'objections.precheck', label: '待初审的异议申诉', ...c, link: '/console/objections?status=open' });
  }
  if (user.role === 'admin' || user.role === 'reporter' || user.role === 'reviewer' || user.role === 'district_admin') {
    const scope = await departmentScope(db, user);
    const c = await count(db, 'at_department', scope, today);
    if (c.count) items.push({ key: 'objections.verify', label: user.role === 'admin' ? '部门核实中的异议申诉' : '待核实的异议申诉', ...c, link: '/console/objections?status=open' });
  }
  return items;
};

/** The providers the shell lists for the desk. */
export const objectionsTodos: TodoProvider[] = [objectionsTodo];
