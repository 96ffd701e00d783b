// The first start as `npm start` makes it (issue 17 §1: "loaded on first start in ≤ 20 s"): printed, never asserted.
// Run: `npm run bench -- firststart [--runs N]` (default 3).
//
// Makes sure the compiled build (node bin/build.mjs) and the built front end (dist/web) are in place first, so no
// run pays for compiling; then, N times, starts `node bin/citycredit.mjs serve` on a fresh temporary data folder
// (embedded PostgreSQL, DEMO_DATA on, DEMO_SUBJECTS as in the environment or the default) and a free port, and
// times from the spawn:
//   - the first HTTP answer (GET /, any status: on a first start the loading page);
//   - the platform answering normally (GET /api/public/site → 200: the demo city is in and the gate open);
//   - each step of the demo load, from the arrival of its "第 k/n 步" line to the next (the last to the line
//     "演示城市已载入"), as the server prints them.
// Each run prints its figures with the load average before and after it (the machine is shared: a busy
// machine shows in it); the medians follow. The server is stopped (SIGTERM, as a service manager does) and its
// folder removed after each run, on error and on Ctrl-C.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { postgresDataDir, readPostmasterPid } from '../src/db/embedded.ts';
import { arg, freePort, onInterrupt, removeFolders } from './lib.ts';

const ROOT = join(import.meta.dirname, '..');
/** A step line of serve's first start: "  第 k/n 步：name（s 秒）" (server.ts startServer). */
const STEP_LINE = /^\s*第 (\d+)\/(\d+) 步：(.+?)（[\d.]+ 秒）$/u;
/** The demo loader's last line (shell/demo/city.ts loadDemoOnFirstStart). */
const LOADED_LINE = /^演示城市已载入/u;

interface Run {
  firstAnswer: number;
  ready: number;
  /** Seconds per step, by step name, in order. */
  steps: Array<{ name: string; seconds: number }>;
  loadBefore: number;
  loadAfter: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sec = (x: number) => `${x.toFixed(1)} 秒`;
const load1 = () => loadavg()[0];

/** Builds what `npm start` would otherwise build on its first run, so that the runs time the start alone. */
function ensureBuilt(): void {
  const step = (what: string, args: string[]) => {
    const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status})`);
  };
  step('node bin/build.mjs', [join(ROOT, 'bin', 'build.mjs')]);
  if (!existsSync(join(ROOT, 'dist', 'web', 'index.html'))) {
    console.log('dist/web 不存在，先构建前端 / building the front end first (not timed)…');
    step('vite build', [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'src', 'web', 'vite.config.ts'), '--logLevel', 'warn']);
  }
}

/** GET until the server gives any HTTP answer (a refused connection is retried); returns the answer's status. */
async function firstAnswer(url: string, alive: () => boolean): Promise<number> {
  for (;;) {
    if (!alive()) throw new Error('the server exited before it answered');
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await r.arrayBuffer();
      return r.status;
    } catch {
      await sleep(50);
    }
  }
}

/** GET until the answer is 200. */
async function until200(url: string, alive: () => boolean): Promise<void> {
  for (;;) {
    if (!alive()) throw new Error('the server exited before the platform was ready');
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await r.arrayBuffer();
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
}

/** Stops the server as a service manager does (SIGTERM), then makes sure its PostgreSQL is gone too. */
async function stopServer(child: ChildProcess, dataDir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => false), sleep(30_000).then(() => true)]);
    if (killed) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  // A server killed hard leaves its postmaster: stop it (SIGINT: fast shutdown) before the folder goes.
  const pm = readPostmasterPid(postgresDataDir(dataDir));
  if (pm?.pid) {
    try {
      process.kill(pm.pid, 'SIGINT');
      for (let i = 0; i < 300; i++) {
        process.kill(pm.pid, 0);
        await sleep(100);
      }
    } catch {
      // gone
    }
  }
}

/** One first start on a fresh data folder. */
async function oneRun(dataDir: string, started: (child: ChildProcess) => void): Promise<Run> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, CITYCREDIT_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DEMO_DATA: 'true', LOG_LEVEL: 'warn' };
  // As `npm start` on a fresh machine: the embedded server and a new instance secret.
  for (const k of ['DATABASE_URL', 'APP_DATABASE_URL', 'CITYCREDIT_SECRET', 'PUBLIC_BASE_URL', 'TRUST_PROXY']) delete env[k];
  const loadBefore = load1();
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'citycredit.mjs'), 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started(child);
  const at = () => (performance.now() - t0) / 1000;
  const marks: Array<{ name: string; at: number }> = [];
  let loadedAt: number | null = null;
  const tail: string[] = [];
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    const m = STEP_LINE.exec(line);
    if (m) marks.push({ name: `${m[1]}/${m[2]} ${m[3]}`, at: at() });
    else if (LOADED_LINE.test(line)) loadedAt = at();
  };
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    lines.forEach(onLine);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => chunk.split('\n').filter(Boolean).forEach((l) => tail.push(`[stderr] ${l}`)));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const base = `http://127.0.0.1:${port}`;
  try {
    const status = await firstAnswer(`${base}/`, alive);
    const firstAt = at();
    if (status !== 503) console.log(`  （第一次应答为 HTTP ${status}，不是载入页：演示数据已载入或 DEMO_DATA 已关闭）`);
    await until200(`${base}/api/public/site`, alive);
    const readyAt = at();
    const ends = [...marks.slice(1).map((m) => m.at), loadedAt ?? readyAt];
    return { firstAnswer: firstAt, ready: readyAt, steps: marks.map((m, i) => ({ name: m.name, seconds: ends[i] - m.at })), loadBefore, loadAfter: load1() };
  } catch (e) {
    console.error(`服务输出的最后几行 / the server's last lines:\n${tail.join('\n')}`);
    throw e;
  }
}

/** Runs the bench (`npm run bench -- firststart [--runs N]`). */
export async function run(args: string[]): Promise<void> {
  const runs = arg(args, 'runs', 3);
  ensureBuilt();
  const cores = availableParallelism();
  console.log(`首次启动 / first start: ${runs} 次，node bin/citycredit.mjs serve，DEMO_SUBJECTS=${process.env.DEMO_SUBJECTS ?? '3000（默认）'}，${cores} 核`);
  let current: { child: ChildProcess | null; dir: string } | null = null;
  const finish = onInterrupt('stopping the server and removing its data folder', async () => {
    if (!current) return;
    if (current.child) await stopServer(current.child, current.dir);
    await removeFolders(current.dir);
  });
  const results: Run[] = [];
  try {
    for (let i = 1; i <= runs; i++) {
      const dir = await mkdtemp(join(tmpdir(), 'citycredit-bench-firststart-'));
      const cur: { child: ChildProcess | null; dir: string } = { child: null, dir };
      current = cur;
      const r = await oneRun(dir, (c) => (cur.child = c));
      await stopServer(cur.child!, dir);
      await removeFolders(dir);
      current = null;
      results.push(r);
      console.log(`第 ${i} 次：首次应答 ${sec(r.firstAnswer)}，平台可用（演示城市已载入）${sec(r.ready)}；负载 ${r.loadBefore.toFixed(2)} → ${r.loadAfter.toFixed(2)}`);
      for (const s of r.steps) console.log(`    ${s.name.padEnd(24, '　')} ${sec(s.seconds)}`);
    }
  } finally {
    await finish();
  }
  console.log(`中位数 / median of ${results.length}: 首次应答 ${sec(median(results.map((r) => r.firstAnswer)))}，平台可用 ${sec(median(results.map((r) => r.ready)))}`);
  const names = results[0]?.steps.map((s) => s.name) ?? [];
  for (const name of names) {
    const xs = results.map((r) => r.steps.find((s) => s.name === name)?.seconds).filter((x): x is number => x !== undefined);
    console.log(`    ${name.padEnd(24, '　')} ${sec(median(xs))}`);
  }
  console.log(`负载 / load average (1 min): ${results.map((r) => `${r.loadBefore.toFixed(2)}→${r.loadAfter.toFixed(2)}`).join(', ')}`);
}
