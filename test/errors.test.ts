// One error table (issue 12 item 6): every code raised in src is listed in src/platform/errorCodes.ts
// with the status it is raised with, and the app's one error handler answers with the table's status.
// Typecheck already refuses an unlisted literal; the source scan below also catches one hidden by a cast.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { migrationVersion } from '../src/db/index.ts';
import { AppError, ERRORS, forbidden, isErrorCode, notFound, type ErrorCode } from '../src/platform/errors.ts';
import { FILE_ERROR_CODES, IngestError } from '../src/domains/ingest/index.ts';
import { MonitoringError, type MonitoringErrorCode } from '../src/domains/monitoring/index.ts';
import { PublicityError } from '../src/domains/publicity/index.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { testDataDir } from './helpers/dataDir.ts';
import { REPO_ROOT, serverSourceFiles } from './helpers/sources.ts';

const root = REPO_ROOT;

/** The top-level arguments of the call whose `(` is at `open`, as source text. */
function callArgs(src: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === "'" || c === '"' || c === '`') {
      // Skip the string; template literals may nest ${…} with their own strings, so track braces.
      if (c === '`') {
        let braces = 0;
        for (i++; i < src.length; i++) {
          if (src[i] === '\\') i++;
          else if (braces === 0 && src[i] === '`') break;
          else if (src[i] === '$' && src[i + 1] === '{') {
            braces++;
            i++;
          }
          else if (braces > 0 && src[i] === '}') braces--;
        }
      } else {
        for (i++; i < src.length && src[i] !== c; i++) if (src[i] === '\\') i++;
      }
    } else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      depth--;
      if (depth === 0) {
        args.push(src.slice(start, i).trim());
        return args.filter((a) => a !== '');
      }
    } else if (c === ',' && depth === 1) {
      args.push(src.slice(start, i).trim());
      start = i + 1;
    }
  }
  return args;
}

// Calls that raise a coded error, with the status they fix (undefined: given as an argument or the table's).
const RAISERS: Record<string, { status?: number; statusArg?: number }> = {
  'new AppError': { statusArg: 2 },
  'new ReportError': { statusArg: 2 },
  'new IngestError': {},
  'new MonitoringError': {},
  'new PublicityError': {},
  importError: {},
  unauthorized: { status: 401 },
  forbidden: { status: 403 },
  notFound: { status: 404 },
  conflict: { status: 409 },
  // auth's signed-request refusals (apikeys.service.ts reject → refuseSigned → unauthorized)
  reject: { status: 401 },
};

interface Raised {
  where: string;
  code: string;
  status?: number;
}

/** Every literal code raised in src, with the status fixed at the call site where there is one. */
function raisedCodes(): Raised[] {
  const found: Raised[] = [];
  const callRe = new RegExp(`(?<![\\w.])(${Object.keys(RAISERS).map((k) => k.replace(' ', '\\s+')).join('|')})\\s*\\(`, 'g');
  for (const file of serverSourceFiles()) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(callRe)) {
      const kind = RAISERS[m[1].replace(/\s+/, ' ')];
      const args = callArgs(src, m.index + m[0].length - 1);
      const code = /^'([a-z0-9_]+)'$/.exec(args[0] ?? '')?.[1];
      if (!code) continue; // a variable or a default: its type is ErrorCode (typecheck)
      const where = `${relative(root, file)}:${src.slice(0, m.index).split('\n').length}`;
      const statusText = kind.statusArg === undefined ? undefined : args[kind.statusArg];
      const status = kind.status ?? (statusText && /^\d{3}$/.test(statusText) ? Number(statusText) : undefined);
      found.push({ where, code, status });
    }
    // Tables of refusals typed [code: ErrorCode, message: string], e.g. http.ts SESSION_REFUSED.
    for (const table of src.matchAll(/\[code: ErrorCode, message: string\]>\s*=\s*\{([^}]*)\}/g)) {
      for (const m of table[1].matchAll(/\[\s*'([a-z0-9_]+)'\s*,/g)) {
        found.push({ where: `${relative(root, file)}:${src.slice(0, table.index).split('\n').length}`, code: m[1] });
      }
    }
  }
  return found;
}

/** True when `status` is the table's status for `code`, or one of its listed other statuses. */
function allowedStatus(code: ErrorCode, status: number): boolean {
  const spec: { status: number; also?: readonly number[] } = ERRORS[code];
  return spec.status === status || (spec.also ?? []).includes(status);
}

test('every code raised in src is in the error table, with a status the table allows', () => {
  const raised = raisedCodes();
  assert.ok(raised.length > 150, `the scan found only ${raised.length} raise sites`);
  const unlisted = raised.filter((r) => !isErrorCode(r.code)).map((r) => `${r.where} ${r.code}`);
  assert.deepEqual(unlisted, [], 'codes missing from src/platform/errorCodes.ts');
  const wrong = raised
    .filter((r) => r.status !== undefined && !allowedStatus(r.code as ErrorCode, r.status))
    .map((r) => `${r.where} ${r.code} ${r.status} (table: ${ERRORS[r.code as ErrorCode].status})`);
  assert.deepEqual(wrong, [], 'call sites whose status the table does not list');
});

test('the scan sees through line breaks and catches an unlisted code hidden by a cast', () => {
  const src = "throw new AppError(\n  'no_such_code' as ErrorCode,\n  `第 ${n} 行，错误`,\n  418,\n);";
  const args = callArgs(src, src.indexOf('('));
  assert.deepEqual(args, ["'no_such_code' as ErrorCode", '`第 ${n} 行，错误`', '418']);
  assert.equal(isErrorCode('no_such_code'), false);
  assert.equal(isErrorCode('catalog_required'), true);
});

test('every entry has a Chinese message and an HTTP status', () => {
  for (const [code, spec] of Object.entries(ERRORS)) {
    assert.match(code, /^[a-z][a-z0-9_]*$/, code);
    assert.match(spec.message, /[\u4e00-\u9fff]/, `${code}: the message must be Chinese`);
    assert.ok(spec.status >= 400 && spec.status < 600, `${code}: ${spec.status}`);
  }
});

test('the domain error classes raise the table status for each of their codes', () => {
  for (const code of FILE_ERROR_CODES) assert.equal(new IngestError(code, 'x').status, ERRORS[code].status, code);
  const monitoring: MonitoringErrorCode[] = [
    'invalid_taxonomy', 'invalid_training_data', 'invalid_tree', 'tree_weights_mismatch', 'invalid_scores', 'invalid_events', 'unknown_city',
    'no_data', 'invalid_checklist', 'invalid_effect_rules', 'invalid_improvement', 'invalid_weights', 'unsupported_format', 'file_not_found',
  ];
  for (const code of monitoring) assert.equal(new MonitoringError(code, 'x').status, ERRORS[code].status, code);
  for (const code of ['invalid_rule_set', 'invalid_settings'] as const) assert.equal(new PublicityError(code, 'x').status, ERRORS[code].status, code);
  // Without a message or status, AppError takes both from the table.
  const e = new AppError('tree_not_found');
  assert.equal(e.status, 404);
  assert.equal(e.message, ERRORS.tree_not_found.message);
});

let t: TestDb;
let app: FastifyInstance;

before(async () => {
  t = await createTestDb();
  const config = loadConfig({ LOG_LEVEL: 'silent', CITYCREDIT_DATA_DIR: testDataDir() }, { databaseUrl: t.url });
  app = await buildApp({ config: { ...config, secret: 'test-secret-0123456789-abcdefghijklmnop' }, db: t.db, pool: t.pool, migrationVersion: () => migrationVersion(t.db) }, { logger: false, serveWeb: false });
  const raise: Record<string, () => Error> = {
    tree_not_found: () => new AppError('tree_not_found'),
    catalog_required: () => new AppError('catalog_required'),
    login_throttled: () => new AppError('login_throttled'),
    role_forbidden: () => forbidden('role_forbidden'),
    record_not_found: () => notFound('record_not_found'),
    zip_bomb: () => new IngestError('zip_bomb', '文件解压后体积异常'),
    file_too_large: () => new IngestError('file_too_large', '文件过大'),
    unknown_city: () => new MonitoringError('unknown_city', '没有这个城市'),
  };
  app.get<{ Params: { code: string } }>('/api/test/raise/:code', async (req) => {
    throw raise[req.params.code]();
  });
  await app.ready();
});
after(async () => {
  await app?.close();
  await t?.close();
});

test('the error handler answers with the table status and code', async () => {
  for (const code of ['tree_not_found', 'catalog_required', 'login_throttled', 'role_forbidden', 'record_not_found', 'zip_bomb', 'file_too_large', 'unknown_city'] as const) {
    const res = await app.inject({ method: 'GET', url: `/api/test/raise/${code}` });
    assert.equal(res.statusCode, ERRORS[code].status, code);
    assert.equal(res.json().error.code, code);
  }
  // A message left out comes from the table.
  assert.equal((await app.inject({ method: 'GET', url: '/api/test/raise/catalog_required' })).json().error.message, '请选择目录项');
  // Real routes: unauthenticated console access, and an unknown API path.
  const me = await app.inject({ method: 'GET', url: '/api/auth/me' });
  assert.equal(me.statusCode, ERRORS.unauthenticated.status);
  assert.equal(me.json().error.code, 'unauthenticated');
  const none = await app.inject({ method: 'GET', url: '/api/no-such-thing' });
  assert.equal(none.statusCode, ERRORS.not_found.status);
  assert.equal(none.json().error.code, 'not_found');
});
