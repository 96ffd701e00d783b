// `npm test` / `npm run test:e2e`: start a real PostgreSQL (the embedded server in a temporary folder,
// or the server at DATABASE_URL), migrate one template database, then run Node's test runner.
// Each test file clones the template (CREATE DATABASE … TEMPLATE), so files are isolated. The template is
// migrated as the owner and grants a per-run app role its privileges (src/db/roles.ts); test files run the app
// as that role, as production does.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import pg from 'pg';
import { createDb, migrate } from '../src/db/index.ts';
import { startEmbedded, type EmbeddedServer } from '../src/db/embedded.ts';
import { createAppLoginRole, grantAppRole, urlAsRole } from '../src/db/roles.ts';
import { freePort } from '../test/helpers/net.ts';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const e2e = args.includes('--e2e');
const filters = args.filter((a) => !a.startsWith('--'));

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

const all = [...(await walk(join(root, 'src'))), ...(await walk(join(root, 'test')))].map((f) => relative(root, f));
let files = all.filter((f) => (e2e ? /\.e2e\.ts$/.test(f) : /\.test\.ts$/.test(f))).sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (!files.length) {
  console.error('没有找到测试文件 / no test files matched');
  process.exit(1);
}

let embedded: EmbeddedServer | null = null;
let tmp: string | null = null;
let serverUrl = process.env.DATABASE_URL ?? '';
if (!serverUrl) {
  tmp = await mkdtemp(join(tmpdir(), 'citycredit-test-'));
  embedded = await startEmbedded({ dataDir: tmp, port: await freePort(), database: 'postgres' });
  serverUrl = embedded.url('postgres');
}
const template = `cc_tmpl_${process.pid}`;
const appRole = `cc_app_${process.pid}`;
const appPassword = randomBytes(18).toString('base64url');
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
const serverVersion = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
console.log(`# PostgreSQL ${serverVersion} (${embedded ? 'embedded' : 'DATABASE_URL'}), ${files.length} test files`);
await admin.query(`DROP DATABASE IF EXISTS ${template}`);
await admin.query(`CREATE DATABASE ${template} ENCODING 'UTF8' TEMPLATE template0`);
const templateUrl = new URL(serverUrl);
templateUrl.pathname = `/${template}`;
{
  const { db } = createDb(templateUrl.toString(), 2);
  await migrate(db);
  await createAppLoginRole(db, appRole, appPassword);
  await grantAppRole(db, appRole);
  await db.destroy();
}

async function cleanup(): Promise<void> {
  // Drop the template and any database a crashed test file left behind.
  const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`, [
    `cc_t_${process.pid}_%`,
    template,
  ]);
  for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`).catch(() => undefined);
  // The run's app role, and the `<database>_app` roles that processes started on test databases created.
  const roles = await admin.query<{ rolname: string }>(`SELECT rolname FROM pg_roles WHERE rolname = $1 OR rolname LIKE $2`, [appRole, `cc_t_${process.pid}_%`]);
  for (const r of roles.rows) await admin.query(`DROP ROLE IF EXISTS "${r.rolname}"`).catch(() => undefined);
  await admin.end();
  await embedded?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
}

const code = await new Promise<number>((resolve) => {
  const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', `--test-concurrency=${e2e ? 1 : 2}`, '--test-reporter=spec', ...files],
      {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, CITYCREDIT_TEST_SERVER_URL: serverUrl, CITYCREDIT_TEST_TEMPLATE: template, CITYCREDIT_TEST_APP_SERVER_URL: urlAsRole(serverUrl, appRole, appPassword), CITYCREDIT_TEST_PREFIX: `cc_t_${process.pid}`, NODE_ENV: 'test' },
      },
    );
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
    child.on('error', () => resolve(1));
}).finally(cleanup);
process.exit(code);
