// Composition: every domain's 工作台 to-do providers (src/platform/todos.ts), in the order the desk shows items of
// equal urgency. A domain exports its providers from index.ts; adding one is one line here.
import type { TodoProvider } from '../platform/todos.ts';
import { ingestTodos } from '../domains/ingest/index.ts';
import { listsTodos } from '../domains/lists/index.ts';
import { repairTodos } from '../domains/repair/index.ts';
import { objectionsTodos } from '../domains/objections/index.ts';
import { sanctionsTodos } from '../domains/sanctions/index.ts';
import { overdueFeedbackForOffice } from '../domains/sanctions/index.ts';

/** The desk's providers, by domain. */
export const TODO_PROVIDERS: TodoProvider[] = [
  ...ingestTodos,
  ...listsTodos,
  ...repairTodos,
  ...objectionsTodos,
  ...sanctionsTodos,
  overdueFeedbackForOffice,
];
