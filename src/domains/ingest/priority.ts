// An import's CPU priority (issue 18): a big file must not take the cores from the searches and pages served at
// the same time. The parse worker thread and, when the platform owns the PostgreSQL server (embedded), the import's
// backend process run at a higher nice value (config.ingestImportNice); the HTTP thread keeps its priority.
// On Linux setpriority(PRIO_PROCESS, 0) names the calling thread, so a worker lowers only itself.
import { getPriority, setPriority } from 'node:os';
import type pg from 'pg';

/** Sets the calling thread's nice value (a worker thread on Linux: only that thread); a refusal leaves it as it is. */
export function setThreadNice(nice: number): void {
  try {
    if (getPriority(0) !== nice) setPriority(0, nice);
  } catch {
    // Raising a priority back needs CAP_SYS_NICE: without it the thread keeps the (lower) priority it has.
  }
}

/**
 * Lowers the priority of a connection's backend process to `nice` for an import. Returns the function that sets it
 * back when the import ends and says whether the connection may go back to the pool: when the priority cannot be
 * restored (raising it again needs CAP_SYS_NICE), the connection must be discarded, or a later query would run
 * slowly on it. Null when nothing was changed (nice 0, or the process could not be reniced). Only for a server on
 * this machine that the platform started (the embedded one): a pid of another host's server means nothing here.
 */
export async function lowerBackendPriority(client: pg.PoolClient, nice: number): Promise<(() => boolean) | null> {
  if (nice <= 0) return null;
  const { pid } = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0];
  let before: number;
  try {
    before = getPriority(pid);
    if (before >= nice) return null;
    setPriority(pid, nice);
  } catch {
    return null;
  }
  return () => {
    try {
      setPriority(pid, before);
      return true;
    } catch {
      return false;
    }
  };
}
