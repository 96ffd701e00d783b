// Filters and paging of the console's work queues (信用修复, 异议申诉; issue 15 §4), in the browser over the queue the
// server sent (already scoped: the credit office all, a department its own; overdue first). Typing filters here
// and asks the server nothing.

/** What a queue row offers the filters. */
export interface QueueRow {
  id: string;
  departmentId: number;
  overdue: boolean;
}

export interface QueueFilter {
  /** Only this row (a reminder's ?id= link). */
  id?: string;
  departmentId?: number | null;
  overdueOnly?: boolean;
  /** Matched, case-insensitively, against the row's texts (name, USCC, 受理编号, 文号 …). */
  search?: string;
}

/** The rows that pass every filter, in the server's order. */
export function filterQueue<T extends QueueRow>(rows: readonly T[], f: QueueFilter, texts: (row: T) => Array<string | null>): T[] {
  const q = (f.search ?? '').trim().toUpperCase();
  return rows.filter(
    (r) =>
      (!f.id || r.id === f.id) &&
      (f.departmentId === null || f.departmentId === undefined || r.departmentId === f.departmentId) &&
      (!f.overdueOnly || r.overdue) &&
      (!q || texts(r).some((t) => (t ?? '').toUpperCase().includes(q))),
  );
}

/** One page (from 1) of `size` rows. */
export function pageOf<T>(rows: readonly T[], page: number, size: number): T[] {
  return rows.slice((page - 1) * size, page * size);
}
