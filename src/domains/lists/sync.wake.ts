// Collected list entries visible at once (issue 14): ingest announces every committed batch on a PostgreSQL channel
// (NOTIFY inside its commit, so only committed batches are heard, from any process); this listener runs the same
// hand-over as the `lists.sync` job (sync.ts) as soon as a 黑名单/红名单 batch is heard. The job stays as the safety
// net for anything committed while no one listened. No import of lists by ingest: the channel is the contract.
import type pg from 'pg';
import type { Db } from '../../db/index.ts';
import { listenWithReconnect } from '../../platform/listen.ts';
import { BATCH_COMMITTED_CHANNEL } from '../ingest/index.ts';
import { syncCollectedEntries } from './sync.ts';

const LIST_RECORD_TYPES = new Set(['black_list', 'red_list']);

export interface SyncWake {
  stop(): Promise<void>;
  /** Resolves once the listener is connected (or has given up for now and will retry). */
  ready(): Promise<void>;
  /** Resolves when no hand-over is running (tests). */
  idle(): Promise<void>;
}

/**
 * Listens for committed list batches on a connection of its own (reconnecting after a failure) and reads them into
 * the register at once; passes never overlap, and a batch heard during a pass triggers one more.
 */
export function startSyncOnCommit(db: Db, pool: pg.Pool, log: { info?: (m: string) => void; warn?: (m: string) => void } = {}): SyncWake {
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;

  const pass = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const r = await syncCollectedEntries(db);
          if (r.entries || r.ended) log.info?.(`名单库：已登记 ${r.entries} 条、移出 ${r.ended} 条（批次入库后即时登记）`);
        } catch (e) {
          // The periodic lists.sync job picks up whatever this pass could not read.
          if (!stopped) log.warn?.(`名单即时登记失败，将由定时任务补登：${(e as Error).message}`);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  };

  const onNotification = (n: pg.Notification) => {
    try {
      if (LIST_RECORD_TYPES.has((JSON.parse(n.payload ?? '{}') as { recordType?: string }).recordType ?? '')) pass();
    } catch {
      pass(); // an unreadable payload: a pass is cheap and harmless
    }
  };

  const listener = listenWithReconnect(pool, BATCH_COMMITTED_CHANNEL, { onNotify: onNotification, label: '名单即时登记', log });
  return {
    ready: () => listener.ready(),
    idle: async () => {
      while (running) await running;
    },
    stop: async () => {
      stopped = true;
      await listener.stop();
      while (running) await running;
    },
  };
}
