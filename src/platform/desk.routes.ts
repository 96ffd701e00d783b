// The 工作台 desk (issue 17 §3): GET /api/desk asks every domain's TodoProvider (src/platform/todos.ts) for the
// signed-in user's to-dos. The platform imports no domain: buildApp hands it the shell's list (src/shell/todos.ts)
// as `app.todoProviders`, as it does the Authenticator. A provider that fails is logged and left out, so one broken
// domain does not take the whole desk away; the answer says so (`partial`).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireUser } from './http.ts';
import { sortTodos, type TodoItem } from './todos.ts';

export const TodoItemSchema = Type.Object({
  key: Type.String(),
  label: Type.String(),
  count: Type.Integer(),
  overdue: Type.Optional(Type.Integer()),
  link: Type.String(),
});

export const DeskSchema = Type.Object({ items: Type.Array(TodoItemSchema), partial: Type.Boolean() });

/** GET /api/desk: the signed-in user's to-dos, overdue first. */
export default async function deskRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/desk', { schema: { tags: ['工作台'], summary: '工作台：当前用户的待办事项（逾期在前）', response: { 200: DeskSchema } } }, async (req) => {
    // Every role has a desk; what is on it is each provider's decision for the user's role and department.
    const user = await requireUser(req);
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
    return { items: sortTodos(lists.flat()), partial };
  });
}
