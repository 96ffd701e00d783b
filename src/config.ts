// The one place that reads process.env (STYLE.md practice 4).
// Every variable is documented where it is defined; loadConfig() fails with the full list of bad variables.
import { isIP } from 'node:net';
import { resolve } from 'node:path';

export type CookieSecure = 'auto' | 'always' | 'never';
/** Fastify's trustProxy as we allow it: nothing, a hop count, or the proxies' addresses/CIDRs. */
export type TrustProxy = false | number | string[];

/** Kinds of personal numbers the ingest screen looks for in public text fields (issue 11 §5). */
export const PII_SCREEN_KINDS = ['id', 'bank_card', 'mobile'] as const;
export type PiiScreenKind = (typeof PII_SCREEN_KINDS)[number];
export type PiiScreenAction = 'reject' | 'warn';
/** What the ingest screen does per kind, by default and per catalogue field code. */
export interface PiiScreenPolicy {
  defaults: Record<PiiScreenKind, PiiScreenAction>;
  fields: Record<string, Partial<Record<PiiScreenKind, PiiScreenAction>>>;
}
/** Reject ID numbers and bank cards in public text, warn about mobiles (they may be an organisation's). */
export const DEFAULT_PII_SCREEN: PiiScreenPolicy = { defaults: { id: 'reject', bank_card: 'reject', mobile: 'warn' }, fields: {} };

/** Parses INGEST_PII_SCREEN: comma-separated `kind=action` or `FIELD_CODE.kind=action` entries over the defaults. */
export function parsePiiScreen(raw: string | undefined): { policy: PiiScreenPolicy; problems: string[] } {
  const policy: PiiScreenPolicy = { defaults: { ...DEFAULT_PII_SCREEN.defaults }, fields: {} };
  const problems: string[] = [];
  for (const entry of (raw ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const m = /^(?:([A-Za-z0-9_]+)\.)?([a-z_]+)=(reject|warn)$/.exec(entry);
    if (!m || !(PII_SCREEN_KINDS as readonly string[]).includes(m[2])) {
      problems.push(`INGEST_PII_SCREEN 中的“${entry}”：应为 类型=动作 或 字段代码.类型=动作，类型为 id、bank_card、mobile，动作为 reject 或 warn`);
      continue;
    }
    const kind = m[2] as PiiScreenKind;
    const action = m[3] as PiiScreenAction;
    if (m[1]) (policy.fields[m[1]] ??= {})[kind] = action;
    else policy.defaults[kind] = action;
  }
  return { policy, problems };
}

export interface Config {
  /** HTTP port (PORT, default 3000). */
  port: number;
  /** Address to listen on (HOST, default 127.0.0.1; 0.0.0.0 when the reverse proxy is on another machine, with PUBLIC_BASE_URL). */
  host: string;
  /** External PostgreSQL (DATABASE_URL). When unset, the embedded server is used. */
  databaseUrl: string | null;
  /**
   * The role the app connects as (APP_DATABASE_URL, optional, only with DATABASE_URL): same server and database,
   * a role that owns no table. When unset, the platform creates `<database>_app` if the DATABASE_URL role may
   * create roles (docs/OPERATIONS.md "数据库角色").
   */
  appDatabaseUrl: string | null;
  /** Folder for the embedded server's data and the instance secrets (CITYCREDIT_DATA_DIR, default ./data). */
  dataDir: string;
  /** Port of the embedded PostgreSQL server (EMBEDDED_PG_PORT, default 54329). */
  embeddedPgPort: number;
  /** Connection pool size (DB_POOL_SIZE, default 10). */
  dbPoolSize: number;
  /** The city this instance serves (CITY_NAME, default 西宁市). */
  cityName: string;
  /** The city's GB/T 2260 region code (CITY_REGION_CODE, default 630100). */
  cityRegionCode: string;
  /** Portal title (SITE_TITLE, default 信用 + the city's short name, e.g. 信用西宁). */
  siteTitle: string;
  /** pino log level (LOG_LEVEL, default info; silent in tests). */
  logLevel: string;
  /** Session lifetime in minutes (SESSION_TTL_MINUTES, default 480). */
  sessionTtlMinutes: number;
  /** Secure flag on cookies (COOKIE_SECURE=auto|always|never; auto = when the request came over HTTPS). */
  cookieSecure: CookieSecure;
  /**
   * Which X-Forwarded-* hops to believe (TRUST_PROXY, default false): false = none; a number n = the n proxies
   * nearest to the server (1 = one nginx in front); or the proxies' addresses/CIDRs (127.0.0.1,10.0.0.0/8).
   * `true` (trust every hop) is refused: any client could then choose its own address.
   */
  trustProxy: TrustProxy;
  /**
   * Origin (and optional path) the public reaches the platform at, e.g. https://credit.xining.gov.cn
   * (PUBLIC_BASE_URL, no trailing slash). The only source of the verification URL in credit reports; required
   * unless HOST is loopback with no proxy in front, where it defaults to http://localhost:PORT.
   */
  publicBaseUrl: string;
  /** Instance secret for cookie signing and encryption (CITYCREDIT_SECRET, ≥32 chars). Generated into the data folder when unset. */
  secret: string | null;
  /** Load demo data on first start (DEMO_DATA=true|false, default true). */
  demoData: boolean;
  /** Password for all demo users (DEMO_PASSWORD). When unset, random passwords are printed once. */
  demoPassword: string | null;
  /** Number of demo subjects (DEMO_SUBJECTS, default 3000). */
  demoSubjects: number;
  /** Failed sign-ins per user name within the window before throttling (LOGIN_MAX_FAILURES, default 5). */
  loginMaxFailures: number;
  /** Failed sign-ins per client address within the window, over all user names (LOGIN_MAX_FAILURES_PER_IP, default 100): high, so one office behind one NAT is not locked out by one person. */
  loginMaxFailuresPerIp: number;
  /** Throttling window in minutes (LOGIN_WINDOW_MINUTES, default 15). */
  loginWindowMinutes: number;
  /** Allowed clock skew for signed API requests, in seconds (API_SIGN_WINDOW_SECONDS, default 300 = ±5 minutes). */
  apiSignWindowSeconds: number;
  /** Build the front end on start when dist/web is missing (BUILD_WEB_ON_START, default true). */
  buildWebOnStart: boolean;
  /** Largest accepted upload in bytes (UPLOAD_MAX_MB, default 200 MB); larger uploads are refused, never truncated. */
  uploadMaxBytes: number;
  /** Signed-API batches up to this many rows are answered with the receipt at once; larger ones run in the background (API_SYNC_MAX_ROWS, default 1000). */
  apiSyncMaxRows: number;
  /**
   * Record key (docs/domain/01-sgs.md §1.4 rule 7, [M]): catalogue item + authority USCC + document number, plus the
   * subject's code when true (INGEST_KEY_WITH_SUBJECT, default true), so that the parties of one joint
   * decision (共同违法, one 文号) stay separate records instead of overwriting each other as versions.
   */
  ingestKeyWithSubject: boolean;
  /**
   * Personal numbers in public text fields at ingest (INGEST_PII_SCREEN): comma-separated `kind=action` or
   * `FIELD_CODE.kind=action`, kinds id / bank_card / mobile, actions reject / warn. Default
   * `id=reject,bank_card=reject,mobile=warn`; e.g. `XK_XKBH.id=warn` for a licence-number field whose numbers
   * look like ID numbers.
   */
  ingestPiiScreen: PiiScreenPolicy;
  /**
   * 决定日期 before this date (YYYY-MM-DD) are accepted with the warning decision_date_early
   * (INGEST_DECISION_DATE_WARN_BEFORE, default 2000-01-01); before 1949-10-01 they are always refused.
   */
  ingestDecisionDateWarnBefore: string;
  /**
   * Nice value (0–19) an import's CPU-heavy work runs at (INGEST_IMPORT_NICE, default 10), so that searches and
   * pages keep the cores while a big file is imported: the parse worker thread always, and the import's PostgreSQL
   * backend when the server is the embedded one (the platform owns it; DATABASE_URL may be another machine's). 0 = off.
   */
  ingestImportNice: number;
  /**
   * Where an import's files are read, parsed and validated (INGEST_PARSE_THREAD, default worker): `worker`, a worker
   * thread beside the main thread's merge (issue 18), or `inline`, the main thread itself (one thread, less memory).
   */
  ingestParseThread: 'worker' | 'inline';
  /**
   * Heap limit of the parse worker in MiB (INGEST_PARSE_WORKER_MB, default 512): a file that would need more is
   * refused with parse_memory_exceeded (拆分后重新上传) instead of growing the server's memory past its budget.
   */
  ingestParseWorkerMb: number;
  /** Public searches per client and minute (SEARCH_RATE_LIMIT_PER_MINUTE, default 60). */
  searchRateLimitPerMinute: number;
  /**
   * Virus scan of each repair material (REPAIR_SCAN_COMMAND, default none): a program and its arguments, run
   * without a shell with the file's path appended; exit 0 = clean, 1 = infected, anything else refuses the
   * upload (e.g. `clamdscan --no-summary --fdpass`).
   */
  repairScanCommand: string | null;
  /**
   * How public pages show the name of the natural person a published record is about (PUBLIC_PERSON_NAME=
   * full|masked, default full: docs/domain/03-publicity.md §3.5 allows the penalised party's name; masked keeps the surname, 刘*).
   * Other natural persons' names, ID numbers, phones and addresses are never public, whatever this says.
   */
  publicPersonName: 'full' | 'masked';
  /**
   * Credit events the classifier is less sure of than this (the lower of sub-domain and good/bad confidence) wait in
   * the review queue instead of being counted (EVENT_REVIEW_THRESHOLD_PERCENT, default 30; 0 turns the queue off).
   * On the held-out split, 30 queues about a quarter of titles, right 58% of the time against 89% for the rest.
   */
  eventReviewThreshold: number;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`配置错误 / Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates the configuration; throws ConfigError listing every bad variable. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];

  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}="${raw}"：应为 ${min}–${max} 之间的整数 (must be an integer between ${min} and ${max})`);
      return def;
    }
    return n;
  };
  const bool = (name: string, def: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    problems.push(`${name}="${raw}"：应为 true 或 false (must be true or false)`);
    return def;
  };

  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl) {
    try {
      const u = new URL(databaseUrl);
      if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error('protocol');
    } catch {
      problems.push(`DATABASE_URL：应为 postgres://user:password@host:port/database 形式 (must be a postgres:// URL)`);
    }
  }

  const appDatabaseUrl = env.APP_DATABASE_URL?.trim() || null;
  if (appDatabaseUrl) {
    let user: string;
    try {
      const u = new URL(appDatabaseUrl);
      if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error('protocol');
      user = u.username;
    } catch {
      problems.push(`APP_DATABASE_URL：应为 postgres://user:password@host:port/database 形式 (must be a postgres:// URL)`);
      user = '-';
    }
    if (!user) problems.push('APP_DATABASE_URL：须写明应用角色的用户名 (must name the app role)');
    if (!databaseUrl) problems.push('APP_DATABASE_URL：只能与 DATABASE_URL 一起使用，内置数据库自动创建应用角色 (only together with DATABASE_URL)');
  }

  const cityName = env.CITY_NAME?.trim() || '西宁市';
  const cityRegionCode = env.CITY_REGION_CODE?.trim() || '630100';
  if (!/^\d{6}$/.test(cityRegionCode)) {
    problems.push(`CITY_REGION_CODE="${cityRegionCode}"：应为 6 位行政区划代码 (must be a 6-digit GB/T 2260 code)`);
  }
  const shortCity = cityName.replace(/(市|地区|自治州|盟)$/u, '');

  const cookieSecure = (env.COOKIE_SECURE?.trim() || 'auto') as CookieSecure;
  if (!['auto', 'always', 'never'].includes(cookieSecure)) {
    problems.push(`COOKIE_SECURE="${env.COOKIE_SECURE}"：应为 auto、always 或 never`);
  }

  const secret = env.CITYCREDIT_SECRET?.trim() || null;
  if (secret !== null && secret.length < 32) {
    problems.push('CITYCREDIT_SECRET：长度至少 32 个字符 (must be at least 32 characters)');
  }
  const demoPassword = env.DEMO_PASSWORD || null;
  if (demoPassword !== null && demoPassword.length < 10) {
    problems.push('DEMO_PASSWORD：长度至少 10 个字符 (must be at least 10 characters)');
  }

  const publicPersonName = (env.PUBLIC_PERSON_NAME?.trim() || 'full') as Config['publicPersonName'];
  if (!['full', 'masked'].includes(publicPersonName)) {
    problems.push(`PUBLIC_PERSON_NAME="${env.PUBLIC_PERSON_NAME}"：应为 full（公示被处罚自然人全名）或 masked（只显示姓氏，如 刘*）`);
  }
  const trustProxy = parseTrustProxy(env.TRUST_PROXY, problems);
  const host = env.HOST?.trim() || '127.0.0.1';
  const port = int('PORT', 3000, 0, 65535);
  const publicBaseUrl = parsePublicBaseUrl(env.PUBLIC_BASE_URL, problems);
  // Off loopback, or behind a proxy, the public reaches us under a name only the operator knows; the Host
  // header is the client's to choose, so it can never stand in for it.
  const needsBaseUrl = !isLoopbackHost(host) || trustProxy !== false;
  if (!env.PUBLIC_BASE_URL?.trim() && needsBaseUrl) {
    problems.push(
      `PUBLIC_BASE_URL：${!isLoopbackHost(host) ? `服务监听 ${host}（非本机地址）` : '已设置 TRUST_PROXY（经反向代理对外服务）'}时必须设置，` +
        '即公众访问本平台的地址，如 https://credit.example.gov.cn；信用报告二维码和核验网址只用它 (required when HOST is not loopback or TRUST_PROXY is set)',
    );
  }
  const parseThread = (env.INGEST_PARSE_THREAD?.trim() || 'worker') as Config['ingestParseThread'];
  if (!['worker', 'inline'].includes(parseThread)) {
    problems.push(`INGEST_PARSE_THREAD="${env.INGEST_PARSE_THREAD}"：应为 worker（在工作线程中解析校验导入文件）或 inline（在主线程中解析校验）`);
  }
  const piiScreen = parsePiiScreen(env.INGEST_PII_SCREEN);
  problems.push(...piiScreen.problems);

  const decisionWarnBefore = env.INGEST_DECISION_DATE_WARN_BEFORE?.trim() || '2000-01-01';
  if (!isPlainIsoDate(decisionWarnBefore) || decisionWarnBefore < '1949-10-01') {
    problems.push(
      `INGEST_DECISION_DATE_WARN_BEFORE="${env.INGEST_DECISION_DATE_WARN_BEFORE}"：应为 1949-10-01 以后的日期，格式 YYYY-MM-DD（早于该日期的决定日期给出提示）`,
    );
  }

  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL="${logLevel}"：应为 fatal/error/warn/info/debug/trace/silent`);
  }

  const config: Config = {
    port,
    host,
    databaseUrl,
    appDatabaseUrl,
    dataDir: resolve(env.CITYCREDIT_DATA_DIR?.trim() || 'data'),
    embeddedPgPort: int('EMBEDDED_PG_PORT', 54329, 1024, 65535),
    dbPoolSize: int('DB_POOL_SIZE', 10, 1, 200),
    cityName,
    cityRegionCode,
    siteTitle: env.SITE_TITLE?.trim() || `信用${shortCity}`,
    logLevel,
    sessionTtlMinutes: int('SESSION_TTL_MINUTES', 480, 5, 60 * 24 * 30),
    cookieSecure,
    trustProxy,
    publicBaseUrl: publicBaseUrl ?? `http://localhost:${port}`,
    secret,
    demoData: bool('DEMO_DATA', true),
    demoPassword,
    demoSubjects: int('DEMO_SUBJECTS', 3000, 0, 10_000_000),
    loginMaxFailures: int('LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginMaxFailuresPerIp: int('LOGIN_MAX_FAILURES_PER_IP', 100, 1, 1_000_000),
    loginWindowMinutes: int('LOGIN_WINDOW_MINUTES', 15, 1, 24 * 60),
    apiSignWindowSeconds: int('API_SIGN_WINDOW_SECONDS', 300, 10, 3600),
    buildWebOnStart: bool('BUILD_WEB_ON_START', true),
    uploadMaxBytes: int('UPLOAD_MAX_MB', 200, 1, 4096) * 1024 * 1024,
    apiSyncMaxRows: int('API_SYNC_MAX_ROWS', 1000, 1, 100_000),
    ingestKeyWithSubject: bool('INGEST_KEY_WITH_SUBJECT', true),
    ingestPiiScreen: piiScreen.policy,
    ingestDecisionDateWarnBefore: decisionWarnBefore,
    ingestImportNice: int('INGEST_IMPORT_NICE', 10, 0, 19),
    ingestParseThread: parseThread,
    ingestParseWorkerMb: int('INGEST_PARSE_WORKER_MB', 512, 64, 16384),
    searchRateLimitPerMinute: int('SEARCH_RATE_LIMIT_PER_MINUTE', 60, 1, 100_000),
    repairScanCommand: env.REPAIR_SCAN_COMMAND?.trim() || null,
    publicPersonName,
    eventReviewThreshold: int('EVENT_REVIEW_THRESHOLD_PERCENT', 30, 0, 100) / 100,
  };
  if (problems.length) throw new ConfigError(problems);
  return { ...config, ...overrides };
}

/** HOST values that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

// proxy-addr's named ranges, which Fastify accepts beside addresses and CIDRs.
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** TRUST_PROXY: false | a hop count | a comma-separated list of addresses, CIDRs or named ranges. */
function parseTrustProxy(raw: string | undefined, problems: string[]): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || /^(false|0|no|off)$/i.test(value)) return false;
  const hint = '请写反向代理的层数（如 1 表示前面有一层 nginx），或代理的地址/网段（如 127.0.0.1,10.0.0.0/8）';
  if (/^(true|yes|on)$/i.test(value)) {
    problems.push(
      `TRUST_PROXY="${value}"：不再支持信任所有代理（任何客户端都能用 X-Forwarded-For 伪造来源地址、绕过登录限制并写入审计日志）。${hint} ` +
        '(true is no longer accepted: give a hop count or the proxy addresses)',
    );
    return false;
  }
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n > 10) {
      problems.push(`TRUST_PROXY="${value}"：代理层数应为 1–10 (hop count must be 1–10)`);
      return false;
    }
    return n;
  }
  const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
  const bad = entries.filter((e) => !validProxyEntry(e));
  if (bad.length || !entries.length) {
    problems.push(`TRUST_PROXY="${value}"：无法识别 ${bad.map((b) => `“${b}”`).join('、') || '空列表'}。${hint}；不接受 0.0.0.0/0 这类信任全部地址的网段`);
    return false;
  }
  return entries;
}

function validProxyEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [addr, bits, ...rest] = entry.split('/');
  const family = isIP(addr);
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  // A /0 network is "every address": the hole that TRUST_PROXY=true was.
  return n >= 1 && n <= (family === 4 ? 32 : 128);
}

/** PUBLIC_BASE_URL: an http(s) URL without query, fragment or credentials; returned without a trailing slash. */
function parsePublicBaseUrl(raw: string | undefined, problems: string[]): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  let u: URL | null = null;
  try {
    u = new URL(value);
  } catch {
    // reported below
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || value.includes('?') || value.includes('#') || u.username || u.password) {
    problems.push(`PUBLIC_BASE_URL="${value}"：应为 http:// 或 https:// 开头、不带查询参数的网址，如 https://credit.example.gov.cn (must be an http(s) URL without query)`);
    return undefined;
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** True for a real calendar date written YYYY-MM-DD. */
function isPlainIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
