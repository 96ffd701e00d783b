// One reconnecting LISTEN client for the domains that wake on a PostgreSQL channel (the subjects' search indexer,
// the lists' hand-over on ingest commits). A LISTEN needs a connection of its own, outside the pool: a pooled
// client would be handed to other queries and lose its subscription. When that connection fails (the server
// restarts, an administrator terminates the backend) the listener reconnects after a pause, and keeps trying, so
// a process never goes deaf for the rest of its life; what was committed while it was deaf is the caller's to
// catch up on (onAttempt, or a periodic job).
import pg from 'pg';

/** Where the listener reports a lost or refused connection; both are expected in operation, hence warnings. */
export interface ListenLog {
  warn?: (msg: string) => void;
}

export interface ListenOptions {
  /** Called for every notification on the channel. */
  onNotify: (n: pg.Notification) => void;
  /** Called after every connection attempt, whether or not it succeeded: the moment to catch up on what was missed. */
  onAttempt?: () => void;
  /** The subject of the Chinese log lines (e.g. 主体检索). */
  label: string;
  log?: ListenLog;
  /** The pause before reconnecting; 5 s unless a test needs it shorter. */
  retryMs?: number;
}

export interface Listener {
  /** Resolves once the current connection attempt is over (listening, or failed and due to retry). */
  ready(): Promise<void>;
  /** Stops listening for good: cancels a pending retry and closes the connection. */
  stop(): Promise<void>;
}

/** The reconnect pause in operation: long enough not to hammer a server that is restarting. */
export const LISTEN_RETRY_MS = 5_000;

/**
 * LISTENs on `channel` over a connection of its own, made with the pool's settings, and reconnects after
 * `retryMs` whenever the connection fails; the retry timer is unref'd so it never keeps a process alive.
 */
export function listenWithReconnect(pool: pg.Pool, channel: string, o: ListenOptions): Listener {
  // Identifiers cannot be bound as parameters; the channel names are our own constants, checked all the same.
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid LISTEN channel: ${channel}`);
  const retryMs = o.retryMs ?? LISTEN_RETRY_MS;
  let stopped = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  let listening: Promise<void> = Promise.resolve();

  const reconnectLater = (c: pg.Client) => {
    c.removeAllListeners('notification');
    c.end().catch(() => undefined);
    if (client === c) client = null;
    if (!stopped && !retry) {
      retry = setTimeout(() => {
        retry = null;
        listening = listen();
      }, retryMs);
      retry.unref();
    }
  };

  const listen = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ ...(pool.options as pg.ClientConfig), connectionTimeoutMillis: 5_000 });
    c.on('error', (e) => {
      if (!stopped) o.log?.warn?.(`${o.label}的监听连接中断：${e.message}`);
      reconnectLater(c);
    });
    c.on('notification', o.onNotify);
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      if (stopped) {
        await c.end();
        return;
      }
      client = c;
    } catch (e) {
      if (!stopped) o.log?.warn?.(`${o.label}无法监听数据库通知：${(e as Error).message}`);
      reconnectLater(c);
    }
    o.onAttempt?.();
  };

  listening = listen();
  return {
    ready: () => listening,
    stop: async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      await listening;
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
