// One job registry with its state in the database (STYLE.md practice 10; issue 12 §4). Domains declare their
// jobs beside their code (name, Chinese description, schedule or queue, retries, what it does); the shell lists
// them (src/shell/jobs.ts) and the platform runs them here. Three kinds:
//   periodic  runs on its interval while a server is up (and on demand: `citycredit jobs run <name>`);
//   queued    a one-off unit of work with a payload, e.g. a background import: a row in `jobs` claimed with
//             FOR UPDATE SKIP LOCKED and kept alive by a heartbeat; a row whose heartbeat stops (its process
//             died) is claimed again by the next runner while attempts remain, so a restart loses nothing, and
//             a run that lost its claim can tell (stillOwned) before it writes;
//   service   a long-running worker started with the server and stopped on close (the search indexer).
// Every run is a row (migration 20261207T0700_jobs), so `citycredit jobs list` shows the last result of each.
import { processAlive } from './process.ts';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../db/index.ts';
import { randomToken } from './crypto.ts';
import type { AppContext } from './http.ts';

interface JobBase {
  name: string;
  /** What it does, in Chinese (`citycredit jobs list`). */
  description: string;
}

/** A job run on an interval while the server is up (first run at start-up). */
export interface PeriodicJob extends JobBase {
  kind: 'periodic';
  /** Milliseconds between runs. */
  everyMs: number;
  /** Immediate re-runs after a failure before it waits for the next interval (default 0). */
  retries?: number;
  /** Runs once and returns a one-line Chinese summary. */
  run(ctx: AppContext, opts?: { all?: boolean }): Promise<string>;
}

/** A claimed queued job, as its run function sees it. */
export interface RunningJob<P = unknown> {
  id: string;
  payload: P;
  /** This attempt, from 1. */
  attempt: number;
  /** The progress stored by the previous attempt (an interrupted run), or null. */
  previousProgress: unknown;
  /** Stores progress in the job row: at most once a second unless forced (the last value is kept either way). */
  report(progress: object, opts?: { force?: boolean }): Promise<void>;
  /** Sets the job's ref (e.g. 'batch:42'), for look-ups by the owning domain. */
  setRef(ref: string): Promise<void>;
  /** False once another runner has taken the job over (this one was presumed dead): stop before writing. */
  stillOwned(): Promise<boolean>;
}

/** A one-off job with a payload, queued in the database and run by any runner. */
export interface QueuedJob<P = unknown> extends JobBase {
  kind: 'queued';
  /** Further attempts after one that was interrupted (its process died) or failed with a retryable error. */
  retries: number;
  run(ctx: AppContext, job: RunningJob<P>): Promise<string>;
  /**
   * Called once the job is finished for good (done, or failed with no attempt left, also when its last
   * attempt was interrupted): remove what the payload pointed to, mark what the job was about.
   */
  settle?(ctx: AppContext, job: { id: string; payload: P; progress: unknown; ref: string | null }, outcome: { ok: boolean; error: string | null }): Promise<void>;
}

/** What a running service offers the runner. */
export interface ServiceHandle {
  stop(): Promise<void>;
  /** Resolves when the service has no work in hand (tests). */
  idle?(): Promise<void>;
}

/** A long-running worker started with the server and stopped on close. */
export interface ServiceJob extends JobBase {
  kind: 'service';
  /** Starts the worker; `report` records a pass (result) or a problem (error) in its job row. */
  start(ctx: AppContext, report: (result: string | null, error?: string | null) => void): ServiceHandle;
  /** One pass on demand (`citycredit jobs run <name>`). */
  once?(ctx: AppContext): Promise<string>;
}

export type JobDefinition = PeriodicJob | QueuedJob<never> | ServiceJob;

/** A job failure that retrying will not cure: the job fails at once, whatever retries remain. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** How a submitted or run job ended. */
export interface JobOutcome {
  status: 'done' | 'failed' | 'requeued' | 'lost';
  result: string | null;
  error: unknown;
}

export interface RunnerOptions {
  log?: (msg: string, err?: unknown) => void;
  /** How often this runner refreshes the heartbeat of the jobs it holds (default 5 s). */
  heartbeatMs?: number;
  /** A running job whose heartbeat is older than this belongs to a dead runner and is claimed again (default 30 s). */
  staleMs?: number;
  /** How often the queue is polled for queued and orphaned jobs (default 2 s). */
  pollMs?: number;
  /** Queued jobs this runner runs at once from the queue (default 2); submit() always runs at once. */
  concurrency?: number;
  /** Wait before a failed attempt is run again, times the attempts used (default 10 s). */
  retryDelayMs?: number;
}

const PROGRESS_EVERY_MS = 1000;
// Finished runs of periodic and service jobs are kept this long (the latest of each job always).
const KEEP_FINISHED_DAYS = 30;

type JobRow = {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  progress: unknown;
  ref: string | null;
};

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** What runPeriodic answers when another process is running the same periodic job. */
export const PERIODIC_SKIPPED = '其他进程正在运行此任务，本次跳过';

// The first key of the periodic jobs' advisory locks (the second is the job name's hash), apart from the other
// advisory locks of the code, which use namespaces of their own.
const PERIODIC_LOCK_NS = 0x6a6f6273; // 'jobs'

/** Takes the cross-process lock of a periodic job on a dedicated connection, or null when another holds it. */
async function takePeriodicLock(ctx: AppContext, name: string): Promise<{ release(): Promise<void> } | null> {
  const client = new pg.Client({ ...(ctx.pool.options as pg.ClientConfig), connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined); // a lost lock connection ends the lock; the run itself goes on
  await client.connect();
  try {
    const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [PERIODIC_LOCK_NS, name]);
    if (!r.rows[0].ok) {
      await client.end();
      return null;
    }
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  // Ending the session releases its advisory locks.
  return { release: () => client.end().catch(() => undefined) };
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * This app's job runner, started when the app is ready and stopped on close. Declared here rather than beside
     * app.ctx in http.ts, which jobs.ts imports (AppContext), so that http.ts need not import jobs.ts.
     */
    jobs: JobRunner;
  }
}

/** Runs the registered jobs of one process: schedules, services and the database queue. */
export class JobRunner {
  /** Who holds a claimed row: host, pid and a random part (two runners in one process are distinct). */
  readonly id = `${hostname()}:${process.pid}:${randomToken(6)}`;
  private readonly defs: Map<string, JobDefinition>;
  private readonly log: (msg: string, err?: unknown) => void;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly retryDelayMs: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly services: Array<{ handle: ServiceHandle; rowId: Promise<string> }> = [];
  /** Rows this runner holds (queued jobs and services), heartbeaten together. */
  private readonly held = new Set<string>();
  /** Queued jobs running here, by id. */
  private readonly active = new Map<string, Promise<JobOutcome>>();
  private readonly periodicRunning = new Set<string>();
  private polling = false;
  private stopped = false;

  constructor(
    private readonly ctx: AppContext,
    defs: readonly JobDefinition[],
    opts: RunnerOptions = {},
  ) {
    this.defs = new Map(defs.map((d) => [d.name, d]));
    this.log = opts.log ?? (() => undefined);
    this.heartbeatMs = opts.heartbeatMs ?? 5_000;
    this.staleMs = opts.staleMs ?? 30_000;
    this.pollMs = opts.pollMs ?? 2_000;
    this.concurrency = opts.concurrency ?? 2;
    this.retryDelayMs = opts.retryDelayMs ?? 10_000;
  }

  /** The registered definitions, in registration order. */
  get definitions(): JobDefinition[] {
    return [...this.defs.values()];
  }

  /**
   * Starts the services, the queue worker and the heartbeat; with `schedules`, also every periodic job on its
   * interval (the server; test apps leave schedules off so that no sweep runs behind a test's back).
   */
  start(opts: { schedules?: boolean } = {}): void {
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.heartbeatMs, () => void this.heartbeat().catch((e) => this.log('[jobs] heartbeat failed', e)));
    every(this.pollMs, () => void this.poll());
    void this.releaseDeadLocalClaims()
      .catch((e) => this.log('[jobs] could not check for jobs of stopped processes', e))
      .then(() => this.poll());
    for (const def of this.defs.values()) {
      if (def.kind === 'service') this.startService(def);
      if (def.kind === 'periodic' && opts.schedules) {
        const tick = () => void this.runPeriodic(def.name).catch(() => undefined);
        tick();
        every(def.everyMs, tick);
      }
    }
  }

  /** Stops schedules and services and waits for the queued jobs running here (they finish; none is cut short). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    this.timers.length = 0;
    await Promise.allSettled(
      this.services.map(async (s) => {
        await s.handle.stop();
        const id = await s.rowId;
        this.held.delete(id);
        await this.ctx.db.updateTable('jobs').set({ status: 'done', finished_at: new Date() }).where('id', '=', id).where('locked_by', '=', this.id).execute();
      }),
    );
    this.services.length = 0;
    while (this.active.size) await Promise.allSettled([...this.active.values()]);
  }

  /** Waits until every service has no work in hand (tests). */
  async servicesIdle(): Promise<void> {
    for (const s of this.services) await s.handle.idle?.();
  }

  /** Queues a job for any runner (this one's next poll, or another process's). Returns the job id. */
  async enqueue(name: string, payload: unknown, opts: { ref?: string } = {}): Promise<string> {
    const def = this.queued(name);
    const r = await this.ctx.db
      .insertInto('jobs')
      .values({ name, kind: 'queued', status: 'queued', payload: JSON.stringify(payload), max_attempts: def.retries + 1, ref: opts.ref ?? null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  /**
   * Queues a job already claimed by this runner and runs it now: durable from the first moment (a crash
   * leaves a row the next runner picks up), and started without waiting for a poll.
   */
  async submit(name: string, payload: unknown, opts: { ref?: string } = {}): Promise<{ id: string; done: Promise<JobOutcome> }> {
    const def = this.queued(name);
    const row = await this.ctx.db
      .insertInto('jobs')
      .values({
        name,
        kind: 'queued',
        status: 'running',
        payload: JSON.stringify(payload),
        attempts: 1,
        max_attempts: def.retries + 1,
        ref: opts.ref ?? null,
        locked_by: this.id,
        heartbeat_at: new Date(),
        started_at: new Date(),
      })
      .returning(['id', 'name', 'payload', 'attempts', 'max_attempts', 'progress', 'ref'])
      .executeTakeFirstOrThrow();
    this.held.add(row.id);
    return { id: row.id, done: this.track(row.id, this.execute(def, { ...row, progress: null })) };
  }

  /** Claims and runs queued (or orphaned) jobs until none is left; `name` limits it to one job. Returns how many ran. */
  async drain(name?: string): Promise<number> {
    let n = 0;
    for (;;) {
      const outcome = await this.claimAndRun(name);
      if (!outcome) return n;
      n++;
    }
  }

  /** Runs a periodic job once now and records the run; a failure is recorded and rethrown. */
  async runPeriodic(name: string, opts: { all?: boolean } = {}): Promise<string> {
    const def = this.defs.get(name);
    if (!def || def.kind !== 'periodic') throw new Error(`not a periodic job: ${name}`);
    if (this.periodicRunning.has(name)) return '上一次运行尚未结束'; // never overlap a slow run with the next
    this.periodicRunning.add(name);
    // Across processes (two app servers on one database) a run holds a session advisory lock on the job's name,
    // on a connection of its own so that a long run never holds one of the pool's; a process that finds it taken
    // skips this turn. The lock goes with the connection, so a process that dies frees it.
    let lock: Awaited<ReturnType<typeof takePeriodicLock>>;
    try {
      lock = await takePeriodicLock(this.ctx, name);
    } catch (e) {
      // No connection for the lock: this turn fails, and the next one may run (the job is not left marked running).
      this.periodicRunning.delete(name);
      throw e;
    }
    if (!lock) {
      this.periodicRunning.delete(name);
      return PERIODIC_SKIPPED;
    }
    try {
      const row = await this.ctx.db
        .insertInto('jobs')
        .values({ name, kind: 'periodic', status: 'running', payload: JSON.stringify(opts), attempts: 1, locked_by: this.id, heartbeat_at: new Date(), started_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      let lastError: unknown;
      for (let attempt = 1; attempt <= (def.retries ?? 0) + 1; attempt++) {
        try {
          const result = await def.run(this.ctx, opts);
          await this.finishRow(row.id, { status: 'done', result, error: null, attempts: attempt });
          this.log(`[job ${name}] ${result}`);
          await this.prune(name);
          return result;
        } catch (e) {
          lastError = e;
        }
      }
      await this.finishRow(row.id, { status: 'failed', result: null, error: message(lastError), attempts: (def.retries ?? 0) + 1 });
      this.log(`[job ${name}] failed`, lastError);
      throw lastError;
    } finally {
      await lock.release();
      this.periodicRunning.delete(name);
    }
  }

  // ---- internals ----

  private queued(name: string): QueuedJob<unknown> {
    const def = this.defs.get(name);
    if (!def || def.kind !== 'queued') throw new Error(`not a queued job: ${name}`);
    return def as QueuedJob<unknown>;
  }

  private track(id: string, p: Promise<JobOutcome>): Promise<JobOutcome> {
    const tracked = p.finally(() => {
      this.active.delete(id);
      this.held.delete(id);
    });
    this.active.set(id, tracked);
    return tracked;
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      while (!this.stopped && this.active.size < this.concurrency) {
        const claimed = await this.claim();
        if (!claimed) break;
        void this.track(claimed.row.id, this.runClaimed(claimed));
      }
    } catch (e) {
      if (!this.stopped) this.log('[jobs] queue poll failed', e);
    } finally {
      this.polling = false;
    }
  }

  private async claimAndRun(name?: string): Promise<JobOutcome | null> {
    const claimed = await this.claim(name);
    if (!claimed) return null;
    return this.track(claimed.row.id, this.runClaimed(claimed));
  }

  /**
   * Claims the oldest queued job that is due, or a running one whose runner stopped beating, in one statement:
   * the row lock (SKIP LOCKED) means two runners never claim the same row, and the update moves it to us.
   */
  private async claim(name?: string): Promise<{ def: QueuedJob<unknown>; row: JobRow; orphaned: boolean } | null> {
    const names = [...this.defs.values()].filter((d) => d.kind === 'queued' && (!name || d.name === name)).map((d) => d.name);
    if (!names.length) return null;
    const r = await sql<JobRow & { orphaned: boolean }>`
      WITH next AS (
        SELECT id, status = 'running' AS orphaned FROM jobs
        WHERE kind = 'queued' AND name = ANY(${names}::text[])
          AND ((status = 'queued' AND run_after <= now())
            OR (status = 'running' AND heartbeat_at < now() - make_interval(secs => ${this.staleMs / 1000})))
        ORDER BY id
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, locked_by = ${this.id}, heartbeat_at = now(), started_at = now()
      FROM next WHERE j.id = next.id
      RETURNING j.id, j.name, j.payload, j.attempts, j.max_attempts, j.progress, j.ref, next.orphaned`.execute(this.ctx.db);
    const row = r.rows[0];
    if (!row) return null;
    this.held.add(row.id);
    return { def: this.queued(row.name), row, orphaned: row.orphaned };
  }

  private async runClaimed({ def, row, orphaned }: { def: QueuedJob<unknown>; row: JobRow; orphaned: boolean }): Promise<JobOutcome> {
    // An interrupted job whose attempts are used up is not run again: it fails and is settled.
    if (row.attempts > row.max_attempts) {
      const error = `任务中断（进程意外终止），已达最多尝试次数 ${row.max_attempts}`;
      this.log(`[job ${row.name} #${row.id}] ${error}`);
      if (await this.finishRow(row.id, { status: 'failed', result: null, error, attempts: row.max_attempts })) await this.settle(def, row, false, error);
      return { status: 'failed', result: null, error: new Error(error) };
    }
    if (orphaned) this.log(`[job ${row.name} #${row.id}] 任务中断后重新运行（第 ${row.attempts} 次）`);
    return this.execute(def, row);
  }

  private async execute(def: QueuedJob<unknown>, row: JobRow): Promise<JobOutcome> {
    const db = this.ctx.db;
    let lastWrite = 0;
    let latest: object | null = null;
    const owned = () => db.selectFrom('jobs').select('id').where('id', '=', row.id).where('locked_by', '=', this.id).where('status', '=', 'running');
    const job: RunningJob<unknown> = {
      id: row.id,
      payload: row.payload,
      attempt: row.attempts,
      previousProgress: row.progress,
      report: async (progress, opts) => {
        latest = progress;
        const now = Date.now();
        if (!opts?.force && now - lastWrite < PROGRESS_EVERY_MS) return;
        lastWrite = now;
        await db.updateTable('jobs').set({ progress: JSON.stringify(progress) }).where('id', '=', row.id).where('locked_by', '=', this.id).execute();
      },
      setRef: async (ref) => {
        row.ref = ref;
        await db.updateTable('jobs').set({ ref }).where('id', '=', row.id).where('locked_by', '=', this.id).execute();
      },
      stillOwned: async () => Boolean(await owned().executeTakeFirst()),
    };
    try {
      const result = await def.run(this.ctx, job);
      const kept = await this.finishRow(row.id, { status: 'done', result, error: null, progress: latest });
      if (!kept) return { status: 'lost', result, error: null };
      await this.settle(def, { ...row, progress: latest ?? row.progress }, true, null);
      this.log(`[job ${row.name} #${row.id}] ${result}`);
      return { status: 'done', result, error: null };
    } catch (e) {
      // A failure while this runner stops is retried like any other: the next runner takes the job up again.
      const retry = !(e instanceof PermanentJobError) && row.attempts < row.max_attempts;
      const error = message(e);
      const progress = latest ?? row.progress;
      const kept = retry
        ? await this.requeue(row.id, error, progress, row.attempts)
        : await this.finishRow(row.id, { status: 'failed', result: null, error, progress });
      if (!kept) return { status: 'lost', result: null, error: e };
      this.log(`[job ${row.name} #${row.id}] ${retry ? 'failed, queued again' : 'failed'}`, e);
      if (!retry) await this.settle(def, { ...row, progress }, false, error);
      return { status: retry ? 'requeued' : 'failed', result: null, error: e };
    }
  }

  private async settle(def: QueuedJob<unknown>, row: JobRow, ok: boolean, error: string | null): Promise<void> {
    try {
      await def.settle?.(this.ctx, { id: row.id, payload: row.payload, progress: row.progress, ref: row.ref }, { ok, error });
    } catch (e) {
      this.log(`[job ${row.name} #${row.id}] settle failed`, e);
    }
  }

  /** Final state of a row this runner holds; false when another runner took it over meanwhile. */
  private async finishRow(
    id: string,
    f: { status: 'done' | 'failed'; result: string | null; error: string | null; progress?: unknown; attempts?: number },
  ): Promise<boolean> {
    const r = await this.ctx.db
      .updateTable('jobs')
      .set({
        status: f.status,
        result: f.result,
        error: f.error,
        finished_at: new Date(),
        heartbeat_at: new Date(),
        ...(f.progress !== undefined && f.progress !== null ? { progress: JSON.stringify(f.progress) } : {}),
        ...(f.attempts !== undefined ? { attempts: f.attempts } : {}),
      })
      .where('id', '=', id)
      .where('locked_by', '=', this.id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /** Back in the queue after a retryable failure, later the more attempts it has used (10 s, 20 s, … by default). */
  private async requeue(id: string, error: string, progress: unknown, attempts: number): Promise<boolean> {
    const r = await this.ctx.db
      .updateTable('jobs')
      .set({
        status: 'queued',
        error,
        locked_by: null,
        ...(progress !== null && progress !== undefined ? { progress: JSON.stringify(progress) } : {}),
        run_after: sql<Date>`now() + make_interval(secs => ${(this.retryDelayMs / 1000) * attempts})`,
      })
      .where('id', '=', id)
      .where('locked_by', '=', this.id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /**
   * Jobs claimed by a process on this host that no longer exists (the server before a restart) are due at once
   * rather than after staleMs: their heartbeat is set back so the first poll claims them.
   */
  private async releaseDeadLocalClaims(): Promise<void> {
    const host = hostname();
    const rows = await this.ctx.db
      .selectFrom('jobs')
      .select(['id', 'locked_by'])
      .where('kind', '=', 'queued')
      .where('status', '=', 'running')
      .where('locked_by', 'like', `${host.replace(/[\\%_]/g, '\\$&')}:%`)
      .execute();
    const dead = rows
      .filter((r) => {
        const pid = Number(r.locked_by!.split(':').at(-2));
        // Another runner of this very process is alive by definition.
        return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid);
      })
      .map((r) => r.id);
    if (dead.length) await this.ctx.db.updateTable('jobs').set({ heartbeat_at: new Date(0) }).where('id', 'in', dead).where('status', '=', 'running').execute();
  }

  private async heartbeat(): Promise<void> {
    if (!this.held.size) return;
    await this.ctx.db.updateTable('jobs').set({ heartbeat_at: new Date() }).where('id', 'in', [...this.held]).where('locked_by', '=', this.id).execute();
  }

  private startService(def: ServiceJob): void {
    const db = this.ctx.db;
    // A service row left 'running' by a process that died is closed as interrupted before a new one opens.
    const rowId = (async () => {
      await db
        .updateTable('jobs')
        .set({ status: 'failed', error: '进程意外终止', finished_at: new Date() })
        .where('name', '=', def.name)
        .where('kind', '=', 'service')
        .where('status', '=', 'running')
        .where('heartbeat_at', '<', sql<Date>`now() - make_interval(secs => ${this.staleMs / 1000})`)
        .execute();
      const r = await db
        .insertInto('jobs')
        .values({ name: def.name, kind: 'service', status: 'running', attempts: 1, locked_by: this.id, heartbeat_at: new Date(), started_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      this.held.add(r.id);
      await this.prune(def.name);
      return r.id;
    })();
    rowId.catch((e) => this.log(`[job ${def.name}] could not record its start`, e));
    const report = (result: string | null, error?: string | null) => {
      if (error || result) this.log(`[job ${def.name}] ${error ?? result}`);
      void rowId
        .then((id) =>
          db
            .updateTable('jobs')
            .set({ ...(result !== null ? { result, progress: JSON.stringify({ lastPassAt: new Date().toISOString() }) } : {}), error: error ?? null, heartbeat_at: new Date() })
            .where('id', '=', id)
            .execute(),
        )
        .catch(() => undefined);
    };
    this.services.push({ handle: def.start(this.ctx, report), rowId });
  }

  /** Drops finished runs of a periodic or service job older than KEEP_FINISHED_DAYS, keeping its latest. */
  private async prune(name: string): Promise<void> {
    await this.ctx.db
      .deleteFrom('jobs')
      .where('name', '=', name)
      .where('kind', '!=', 'queued')
      .where('status', 'in', ['done', 'failed'])
      .where('finished_at', '<', sql<Date>`now() - make_interval(days => ${KEEP_FINISHED_DAYS})`)
      .execute();
  }
}

/** One line per job for `citycredit jobs list`: the latest run and, for queued jobs, what is waiting. */
export interface JobStatus {
  name: string;
  kind: JobDefinition['kind'];
  description: string;
  everyMs: number | null;
  last: { status: string; at: Date | null; result: string | null; error: string | null } | null;
  queued: number;
  running: number;
}

/** The state of every registered job, read from the jobs table. */
export async function jobStatuses(db: Db, defs: readonly JobDefinition[]): Promise<JobStatus[]> {
  const names = defs.map((d) => d.name);
  const latest = names.length
    ? await db
        .selectFrom('jobs')
        .distinctOn('name')
        .select(['name', 'status', 'result', 'error', 'started_at', 'finished_at'])
        .where('name', 'in', names)
        .orderBy('name')
        .orderBy('id', 'desc')
        .execute()
    : [];
  const counts = names.length
    ? await db
        .selectFrom('jobs')
        .select(['name', 'status', (eb) => eb.fn.countAll<string>().as('n')])
        .where('name', 'in', names)
        .where('status', 'in', ['queued', 'running'])
        .groupBy(['name', 'status'])
        .execute()
    : [];
  return defs.map((d) => {
    const l = latest.find((r) => r.name === d.name);
    const count = (s: string) => Number(counts.find((c) => c.name === d.name && c.status === s)?.n ?? 0);
    return {
      name: d.name,
      kind: d.kind,
      description: d.description,
      everyMs: d.kind === 'periodic' ? d.everyMs : null,
      last: l ? { status: l.status, at: l.finished_at ?? l.started_at, result: l.result, error: l.error } : null,
      queued: count('queued'),
      running: count('running'),
    };
  });
}

/** Unfinished (queued or running) jobs of one name, for the owning domain's sweeps. */
export async function unfinishedJobRefs(db: Db, name: string): Promise<Array<{ id: string; ref: string | null; payload: unknown }>> {
  return db.selectFrom('jobs').select(['id', 'ref', 'payload']).where('name', '=', name).where('status', 'in', ['queued', 'running']).execute();
}

/** The stored progress of the unfinished jobs of one name with these refs, by ref. */
export async function jobProgressByRef(db: Db, name: string, refs: readonly string[]): Promise<Map<string, unknown>> {
  if (!refs.length) return new Map();
  const rows = await db
    .selectFrom('jobs')
    .select(['ref', 'progress'])
    .where('name', '=', name)
    .where('ref', 'in', refs)
    .where('status', 'in', ['queued', 'running'])
    .execute();
  return new Map(rows.map((r) => [r.ref!, r.progress]));
}

const STATUS_NAMES: Record<string, string> = { queued: '排队', running: '运行中', done: '完成', failed: '失败' };

/** One line of `citycredit jobs list`: name, schedule, last run and what is waiting, description. */
export function formatJobStatus(s: JobStatus): string {
  const schedule = s.kind === 'periodic' ? `每 ${Math.round((s.everyMs ?? 0) / 60000)} 分钟` : s.kind === 'queued' ? '排队任务' : '随服务运行';
  const at = s.last?.at ? new Date(s.last.at).toISOString().replace('T', ' ').slice(0, 19) : '';
  const last = s.last ? `最近 ${STATUS_NAMES[s.last.status] ?? s.last.status} ${at}${s.last.error ? `：${s.last.error}` : s.last.result ? `：${s.last.result}` : ''}` : '尚未运行';
  const waiting = s.kind === 'queued' ? `（排队 ${s.queued}，运行中 ${s.running}）` : '';
  return `${s.name}\t${schedule}\t${last}${waiting}\t${s.description}`;
}

/** One queued job's state by id and name (for a domain's status route), or undefined. */
export async function queuedJobState(db: Db, name: string, id: string): Promise<{ status: string; payload: unknown; progress: unknown; result: string | null; error: string | null } | undefined> {
  if (!/^\d{1,19}$/.test(id)) return undefined;
  return db.selectFrom('jobs').select(['status', 'payload', 'progress', 'result', 'error']).where('id', '=', id).where('name', '=', name).executeTakeFirst();
}
