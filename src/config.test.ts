// Configuration of the proxy and the public address: TRUST_PROXY takes hops or addresses (never "trust all"),
// PUBLIC_BASE_URL is validated and required off loopback, LOGIN_MAX_FAILURES_PER_IP; and the CLI stops with
// the message before it opens anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

test('TRUST_PROXY: off by default; a hop count; addresses and CIDRs', () => {
  assert.equal(loadConfig({}).trustProxy, false);
  assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false);
  assert.equal(loadConfig({ TRUST_PROXY: '0' }).trustProxy, false);
  const base = { PUBLIC_BASE_URL: 'https://credit.example.gov.cn' };
  assert.equal(loadConfig({ ...base, TRUST_PROXY: '1' }).trustProxy, 1);
  assert.equal(loadConfig({ ...base, TRUST_PROXY: '2' }).trustProxy, 2);
  assert.deepEqual(loadConfig({ ...base, TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback' }).trustProxy, [
    '127.0.0.1',
    '10.0.0.0/8',
    '::1',
    'fd00::/8',
    'loopback',
  ]);
});

test('TRUST_PROXY=true is refused with what to write instead; so are junk, /0 networks and too many hops', () => {
  const [p] = problemsOf({ TRUST_PROXY: 'true', PUBLIC_BASE_URL: 'https://credit.example.gov.cn' });
  assert.match(p, /^TRUST_PROXY="true"：不再支持信任所有代理/);
  assert.match(p, /X-Forwarded-For/);
  assert.match(p, /层数（如 1/);
  assert.match(p, /127\.0\.0\.1,10\.0\.0\.0\/8/);
  for (const bad of ['yes', 'nginx', '10.0.0.0/33', '0.0.0.0/0', '::/0', '10.0.0.1/8/1', '11', '1.2.3']) {
    const problems = problemsOf({ TRUST_PROXY: bad, PUBLIC_BASE_URL: 'https://credit.example.gov.cn' });
    assert.equal(problems.length, 1, `${bad}: ${problems.join(' | ')}`);
    assert.match(problems[0], /^TRUST_PROXY=/, bad);
  }
});

test('PUBLIC_BASE_URL: an http(s) URL without query, kept without its trailing slash', () => {
  assert.equal(loadConfig({ PUBLIC_BASE_URL: 'https://credit.example.gov.cn/' }).publicBaseUrl, 'https://credit.example.gov.cn');
  assert.equal(loadConfig({ PUBLIC_BASE_URL: 'https://example.gov.cn/credit/' }).publicBaseUrl, 'https://example.gov.cn/credit');
  for (const bad of ['credit.example.gov.cn', 'ftp://credit.example.gov.cn', 'https://credit.example.gov.cn/?a=1', 'https://credit.example.gov.cn/#x', 'https://u:p@credit.example.gov.cn']) {
    const problems = problemsOf({ PUBLIC_BASE_URL: bad });
    assert.equal(problems.length, 1, `${bad}: ${problems.join(' | ')}`);
    assert.match(problems[0], /^PUBLIC_BASE_URL=.*不带查询参数/, bad);
  }
});

test('PUBLIC_BASE_URL defaults to http://localhost:PORT on loopback and is required elsewhere or behind a proxy', () => {
  assert.equal(loadConfig({}).publicBaseUrl, 'http://localhost:3000');
  assert.equal(loadConfig({ HOST: 'localhost', PORT: '8080' }).publicBaseUrl, 'http://localhost:8080');
  assert.equal(loadConfig({ HOST: '::1' }).publicBaseUrl, 'http://localhost:3000');
  for (const env of [{ HOST: '0.0.0.0' }, { HOST: '10.1.2.3' }, { HOST: '::' }]) {
    const problems = problemsOf(env);
    assert.equal(problems.length, 1, JSON.stringify(env));
    assert.match(problems[0], new RegExp(`^PUBLIC_BASE_URL：服务监听 ${env.HOST.replace(/\./g, '\\.')}（非本机地址）时必须设置`));
  }
  assert.match(problemsOf({ TRUST_PROXY: '1' })[0], /^PUBLIC_BASE_URL：已设置 TRUST_PROXY（经反向代理对外服务）时必须设置/);
  assert.equal(loadConfig({ HOST: '0.0.0.0', PUBLIC_BASE_URL: 'https://credit.example.gov.cn' }).publicBaseUrl, 'https://credit.example.gov.cn');
});

test('LOGIN_MAX_FAILURES_PER_IP: 100 by default, validated', () => {
  assert.equal(loadConfig({}).loginMaxFailuresPerIp, 100);
  assert.equal(loadConfig({ LOGIN_MAX_FAILURES_PER_IP: '250' }).loginMaxFailuresPerIp, 250);
  assert.match(problemsOf({ LOGIN_MAX_FAILURES_PER_IP: '0' })[0], /^LOGIN_MAX_FAILURES_PER_IP=/);
});

test('INGEST_PARSE_THREAD: worker by default, or inline; INGEST_PARSE_WORKER_MB: 512 by default, validated', () => {
  assert.equal(loadConfig({}).ingestParseThread, 'worker');
  assert.equal(loadConfig({ INGEST_PARSE_THREAD: 'inline' }).ingestParseThread, 'inline');
  assert.match(problemsOf({ INGEST_PARSE_THREAD: 'both' })[0], /^INGEST_PARSE_THREAD="both"：应为 worker/);
  assert.equal(loadConfig({}).ingestParseWorkerMb, 512);
  assert.equal(loadConfig({ INGEST_PARSE_WORKER_MB: '1024' }).ingestParseWorkerMb, 1024);
  assert.match(problemsOf({ INGEST_PARSE_WORKER_MB: '8' })[0], /^INGEST_PARSE_WORKER_MB=/);
});

test('`citycredit serve` on 0.0.0.0 without PUBLIC_BASE_URL stops at start-up with the message (exit 78)', async () => {
  const root = join(import.meta.dirname, '..');
  // Should the check be missing, nothing is built and the closed database port ends the process at once.
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: '0.0.0.0', LOG_LEVEL: 'silent', BUILD_WEB_ON_START: 'false', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
  delete env.PUBLIC_BASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 78, out);
  assert.match(out, /配置错误/);
  assert.match(out, /PUBLIC_BASE_URL：服务监听 0\.0\.0\.0（非本机地址）时必须设置/);
});
