// Collected list entries visible at once (issue 14): ingest announces every committed batch on a PostgreSQL channel
// (NOTIFY inside its commit, so only committed batches are heard, from any process); this listener runs the same
// hand-over as the `lists.sync` job (sync.ts) as soon as a 黑名单/红名单 batch is heard. The job stays as the safety
// net for anything committed while no one listened. No import of lists by ingest: the channel is the contract.
import pg from 'pg';
import type { Db } from '../../db/index.ts';
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
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  let listening: Promise<void> = Promise.resolve();

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

  const reconnectLater = (c: pg.Client) => {
    c.removeAllListeners('notification');
    c.end().catch(() => undefined);
    if (client === c) client = null;
    if (!stopped && !retry) {
      retry = setTimeout(() => {
        retry = null;
        listening = listen();
      }, 5_000);
      retry.unref();
    }
  };

  const listen = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ ...(pool.options as pg.ClientConfig), connectionTimeoutMillis: 5_000 });
    c.on('error', (e) => {
      if (!stopped) log.warn?.(`名单即时登记的监听连接中断：${e.message}`);
      reconnectLater(c);
    });
    c.on('notification', onNotification);
    try {
      await c.connect();
      await c.query(`LISTEN ${BATCH_COMMITTED_CHANNEL}`);
      if (stopped) {
        await c.end();
        return;
      }
      client = c;
    } catch (e) {
      if (!stopped) log.warn?.(`名单即时登记无法监听数据库通知：${(e as Error).message}`);
      reconnectLater(c);
    }
  };

  listening = listen();
  return {
    ready: () => listening,
    idle: async () => {
      while (running) await running;
    },
    stop: async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      await listening;
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
      while (running) await running;
    },
  };
}
