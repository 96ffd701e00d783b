// The one place that reads process.env (STYLE.md practice 4).
// Every variable is documented where it is defined; loadConfig() fails with the full list of bad variables.
import { resolve } from 'node:path';

export type CookieSecure = 'auto' | 'always' | 'never';

export interface Config {
  /** HTTP port (PORT, default 3000). */
  port: number;
  /** Address to listen on (HOST, default 127.0.0.1; set 0.0.0.0 behind a reverse proxy). */
  host: string;
  /** External PostgreSQL (DATABASE_URL). When unset, the embedded server is used. */
  databaseUrl: string | null;
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
  /** Trust X-Forwarded-* headers from a reverse proxy (TRUST_PROXY=true|false, default false). */
  trustProxy: boolean;
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
   * Record key (DOMAIN §1.4 rule 7, [M]): catalogue item + authority USCC + document number, plus the
   * subject's code when true (INGEST_KEY_WITH_SUBJECT, default true), so that the parties of one joint
   * decision (共同违法, one 文号) stay separate records instead of overwriting each other as versions.
   */
  ingestKeyWithSubject: boolean;
  /** Public searches per client and minute (SEARCH_RATE_LIMIT_PER_MINUTE, default 60). */
  searchRateLimitPerMinute: number;
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

  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL="${logLevel}"：应为 fatal/error/warn/info/debug/trace/silent`);
  }

  const config: Config = {
    port: int('PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl,
    dataDir: resolve(env.CITYCREDIT_DATA_DIR?.trim() || 'data'),
    embeddedPgPort: int('EMBEDDED_PG_PORT', 54329, 1024, 65535),
    dbPoolSize: int('DB_POOL_SIZE', 10, 1, 200),
    cityName,
    cityRegionCode,
    siteTitle: env.SITE_TITLE?.trim() || `信用${shortCity}`,
    logLevel,
    sessionTtlMinutes: int('SESSION_TTL_MINUTES', 480, 5, 60 * 24 * 30),
    cookieSecure,
    trustProxy: bool('TRUST_PROXY', false),
    secret,
    demoData: bool('DEMO_DATA', true),
    demoPassword,
    demoSubjects: int('DEMO_SUBJECTS', 3000, 0, 10_000_000),
    loginMaxFailures: int('LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginWindowMinutes: int('LOGIN_WINDOW_MINUTES', 15, 1, 24 * 60),
    apiSignWindowSeconds: int('API_SIGN_WINDOW_SECONDS', 300, 10, 3600),
    buildWebOnStart: bool('BUILD_WEB_ON_START', true),
    uploadMaxBytes: int('UPLOAD_MAX_MB', 200, 1, 4096) * 1024 * 1024,
    apiSyncMaxRows: int('API_SYNC_MAX_ROWS', 1000, 1, 100_000),
    ingestKeyWithSubject: bool('INGEST_KEY_WITH_SUBJECT', true),
    searchRateLimitPerMinute: int('SEARCH_RATE_LIMIT_PER_MINUTE', 60, 1, 100_000),
    eventReviewThreshold: int('EVENT_REVIEW_THRESHOLD_PERCENT', 30, 0, 100) / 100,
  };
  if (problems.length) throw new ConfigError(problems);
  return { ...config, ...overrides };
}
