// The 工作台 desk (issue 17 §3): GET /api/desk asks every domain's TodoProvider (src/platform/todos.ts) for the
// signed-in user's to-dos. The platform imports no domain: buildApp hands it the shell's list (src/shell/todos.ts)
// as `app.todoProviders`, as it does the Authenticator. A provider that fails is logged and left out, so one broken
// domain does not take the whole desk away; the answer says so (`partial`).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireUser, type SessionUser } from './http.ts';
import { countsByPage, sortTodos, type TodoItem } from './todos.ts';

export const TodoItemSchema = Type.Object({
  key: Type.String(),
  label: Type.String(),
  count: Type.Integer(),
  overdue: Type.Optional(Type.Integer()),
  link: Type.String(),
});

export const DeskSchema = Type.Object({ items: Type.Array(TodoItemSchema), partial: Type.Boolean() });

export const DeskCountsSchema = Type.Object({
  pages: Type.Array(Type.Object({ path: Type.String(), count: Type.Integer(), overdue: Type.Integer() })),
  partial: Type.Boolean(),
});

/** GET /api/desk: the signed-in user's to-dos, overdue first. */
export default async function deskRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  /** Every provider's items for the user; a failing provider is logged and left out (partial). */
  async function gather(req: FastifyRequest, user: SessionUser): Promise<{ items: TodoItem[]; partial: boolean }> {
    let partial = false;
    const lists = await Promise.all(
      app.todoProviders.map((p) =>
        p(app.ctx.db, user).catch((err: unknown): TodoItem[] => {
          req.log.error({ err }, 'a desk to-do provider failed');
          partial = true;
          return [];
        }),
      ),
    );
    return { items: lists.flat(), partial };
  }

  // The console's navigation badges (issue 15 §4): the same providers as the desk, summed by the page each links
  // to; the console asks on navigation and once a minute, so it is a handful of COUNT queries per call.
  app.get('/api/desk/counts', { schema: { tags: ['工作台'], summary: '导航菜单角标：当前用户各页面的待办数与逾期数', response: { 200: DeskCountsSchema } } }, async (req) => {
    const user = await requireUser(req);
    const { items, partial } = await gather(req, user);
    return { pages: countsByPage(items), partial };
  });

  app.get('/api/desk', { schema: { tags: ['工作台'], summary: '工作台：当前用户的待办事项（逾期在前）', response: { 200: DeskSchema } } }, async (req) => {
    // Every role has a desk; what is on it is each provider's decision for the user's role and department.
    const user = await requireUser(req);
    const { items, partial } = await gather(req, user);
    return { items: sortTodos(items), partial };
  });
}
