// The first start's gate (issue 17 §1): `serve` listens before the demo city is loaded, so that
// http://localhost:3000 answers at once instead of refusing connections for the whole load. Until the gate opens,
// every request is answered here, before any route or database work: pages get a Chinese page that refreshes
// itself and says which step is running, /api/* a 503 in the error handler's shape with Retry-After, /health a
// 503 saying `loading`. Opening the gate lets the same app, on the same socket, serve the platform, and starts its
// jobs (app.ts), so no periodic job runs against a half-loaded city. One app behind a hook is simpler than a
// second server handed over on the socket, and there is no moment in between when a connection is refused.
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ERRORS, type ErrorCode } from '../platform/errorCodes.ts';

/** Where the start-up is: step `step` of `steps`, its Chinese name, and a finer position (the demo's DemoProgress). */
export interface StartupProgress {
  step: number;
  steps: number;
  name: string;
  detail?: string;
}

/** Seconds a client is asked to wait before trying again; the loading page refreshes itself at the same pace. */
export const STARTUP_RETRY_SECONDS = 3;

/** The heading of the loading page (tests and the bench recognise the page by it). */
export const STARTUP_PAGE_HEADING = '平台正在首次启动，正在载入演示数据……';

export interface StartupGate {
  /** True once the platform may serve normally. */
  readonly isOpen: boolean;
  /** Resolves when the gate opens (app.ts starts the jobs then); stays pending when the load fails. */
  readonly opened: Promise<void>;
  /** Records the step now running, shown on the page and in the 503s. */
  progress(p: StartupProgress): void;
  /** Lets every request through from now on. */
  open(): void;
  /** The onRequest hook app.ts registers first (after the security headers). */
  onRequest(req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void;
}

// Answers are serialised here: an object would go through the matched route's response schema (/health's drops `startup`).
const JSON_TYPE = 'application/json; charset=utf-8';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** "第 k/n 步：name（detail）", or an empty string before the first step. */
export function describeProgress(p: StartupProgress | null): string {
  if (!p) return '';
  return `第 ${p.step}/${p.steps} 步：${p.name}${p.detail ? `（${p.detail}）` : ''}`;
}

/** The loading page: static HTML with no script (the CSP allows inline styles only), refreshed by a meta tag. */
export function loadingPage(siteTitle: string, p: StartupProgress | null): string {
  const where = describeProgress(p);
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${STARTUP_RETRY_SECONDS}">
<title>平台正在首次启动 - ${escapeHtml(siteTitle)}</title>
<style>
body { margin: 0; font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans SC", sans-serif; color: #1f2329; background: #f5f7fa; }
main { max-width: 36rem; margin: 18vh auto 0; padding: 2rem; background: #fff; border-radius: 8px; box-shadow: 0 2px 12px rgba(0, 0, 0, 0.08); }
h1 { font-size: 1.35rem; margin: 0 0 1rem; color: #1d4f91; }
p { line-height: 1.7; margin: 0.5rem 0; }
.step { font-weight: 600; }
.note { color: #4e5969; font-size: 0.95rem; }
</style>
</head>
<body>
<main>
<h1>${STARTUP_PAGE_HEADING}</h1>
<p>${escapeHtml(siteTitle)}正在载入一座运行了一年的演示城市（双公示记录、红黑名单、信用事件、监测得分等），通常不超过一分钟。</p>
${where ? `<p class="step" role="status">${escapeHtml(where)}</p>\n` : ''}<p class="note">载入完成后本页会自动打开平台，无需任何操作（每 ${STARTUP_RETRY_SECONDS} 秒刷新一次）。</p>
</main>
</body>
</html>
`;
}

/** A closed gate; `migration` is the schema version /health reports while it is closed. */
export function createStartupGate(opts: { siteTitle: string; migration: string | null }): StartupGate {
  let open = false;
  let current: StartupProgress | null = null;
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return {
    get isOpen() {
      return open;
    },
    opened,
    progress(p) {
      current = { ...p };
    },
    open() {
      open = true;
      release();
    },
    onRequest(req, reply, done) {
      if (open) return done();
      const path = req.url.split('?')[0];
      // Nothing of the loading state may be cached: the same URLs serve the platform a moment later.
      void reply.header('retry-after', String(STARTUP_RETRY_SECONDS)).header('cache-control', 'no-store').code(ERRORS.starting_up.status);
      const startup = current ? { ...current } : null;
      if (path === '/health') {
        void reply.type(JSON_TYPE).send(JSON.stringify({ status: 'loading', database: { connected: true, migration: opts.migration }, startup }));
        return;
      }
      if (path.startsWith('/api/') || (req.method !== 'GET' && req.method !== 'HEAD')) {
        const where = describeProgress(current);
        const code: ErrorCode = 'starting_up';
        void reply.type(JSON_TYPE).send(JSON.stringify({ error: { code, message: `${ERRORS[code].message}${where ? `（${where}）` : ''}`, details: startup } }));
        return;
      }
      void reply.type('text/html; charset=utf-8').send(loadingPage(opts.siteTitle, current));
    },
  };
}
