#!/usr/bin/env node
// Compiles the server and CLI into build/ (`tsc -p tsconfig.build.json`) when the build is missing or older
// than its sources, so that `citycredit` and `npm start` run plain JavaScript without tsx and a developer who
// edited a file never runs an old build. Plain JavaScript itself: it runs before anything is compiled.
//
//   node bin/build.mjs            build when missing or stale (npm's `prepare`, `npm run build`)
//   node bin/build.mjs --force    build even when fresh
//   node bin/build.mjs --check    exit 0 when fresh, 1 when a build is needed; builds nothing
//
// Freshness is a stamp (build/.stamp.json) holding the newest modification time and the list of the sources
// the build was made from: a changed, added or deleted source makes the build stale. Tests, benches and
// READMEs are not sources. The build goes to a temporary folder that replaces build/ only when it succeeded,
// under a lock, so concurrent starts neither build twice nor read a half-written build.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD_DIR = join(ROOT, 'build');
/** The compiled CLI entry point that bin/citycredit.mjs imports. */
export const CLI_ENTRY = join(BUILD_DIR, 'cli', 'index.js');
const SRC = join(ROOT, 'src');
const STAMP = join(BUILD_DIR, '.stamp.json');
const LOCK = join(ROOT, '.build.lock');
// What decides the output besides src/: the compiler settings and this recipe.
const RECIPE = ['tsconfig.json', 'tsconfig.build.json', 'bin/build.mjs'];

/** Files under src/ that are not part of the server build (tsconfig.build.json excludes the same). */
const notSource = (rel) =>
  rel.startsWith(`web${sep}`) ||
  /\.(test|test-data|bench)\.ts$/.test(rel) ||
  rel.endsWith('.md') ||
  rel === join('domains', 'codes', 'tables', 'build-regions.ts');

/** Every source file of the build, relative to src/, sorted. */
function sourceFiles() {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      const rel = relative(SRC, p);
      if (e.isDirectory()) {
        if (rel !== 'web') walk(p);
      } else if (!notSource(rel)) out.push(rel);
    }
  };
  walk(SRC);
  return out.sort();
}

/** The newest modification time and a digest of the file list: what the stamp compares. */
function fingerprint() {
  const files = sourceFiles();
  let newest = 0;
  for (const f of files) newest = Math.max(newest, statSync(join(SRC, f)).mtimeMs);
  for (const f of RECIPE) newest = Math.max(newest, statSync(join(ROOT, f)).mtimeMs);
  return { files, newest, list: createHash('sha256').update(files.join('\n')).digest('hex') };
}

/** Whether build/ was made from the sources as they are now. */
export function isFresh(fp = fingerprint()) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return false;
  }
  return stamp.list === fp.list && stamp.newest >= fp.newest;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Whether a process with this id is running (a lock left by a killed build is taken over). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Runs fn holding the build lock; waits while another live process builds. */
function withLock(fn) {
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(LOCK, 'utf8').trim() || 0);
      if (holder && alive(holder)) sleep(250);
      else rmSync(LOCK, { force: true });
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/** Compiles into a temporary folder, copies the data files the code reads beside itself, then swaps it in. */
function compile(fp, log) {
  const tmp = join(ROOT, `.build-tmp-${process.pid}`);
  const old = join(ROOT, `.build-old-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const started = Date.now();
  log('正在编译服务器和命令行（tsc → build/）……');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', tmp], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`编译失败（tsc 退出码 ${r.status ?? r.signal}），请先修正上面的类型错误（npm run typecheck）`);
  }
  // Migrations, defaults and tables are read through import.meta.url, so they must sit beside the compiled code.
  for (const f of fp.files) {
    if (f.endsWith('.ts')) continue;
    mkdirSync(dirname(join(tmp, f)), { recursive: true });
    copyFileSync(join(SRC, f), join(tmp, f));
  }
  writeFileSync(join(tmp, '.stamp.json'), JSON.stringify({ newest: fp.newest, list: fp.list, builtAt: new Date().toISOString() }) + '\n');
  rmSync(old, { recursive: true, force: true });
  try {
    renameSync(BUILD_DIR, old);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  renameSync(tmp, BUILD_DIR);
  rmSync(old, { recursive: true, force: true });
  log(`编译完成（${((Date.now() - started) / 1000).toFixed(1)} 秒）`);
}

/**
 * Builds when build/ is missing or stale (or always with force); returns whether it built. Without src/ (a
 * deployment that ships only build/) there is nothing to compare, and the build is used as it is.
 */
export function ensureBuild({ force = false, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  let fp;
  try {
    fp = fingerprint();
  } catch (e) {
    if (e.code === 'ENOENT' && !force) return false;
    throw e;
  }
  if (!force && isFresh(fp)) return false;
  return withLock(() => {
    // Another process may have built while this one waited for the lock.
    const now = fingerprint();
    if (!force && isFresh(now)) return false;
    compile(now, log);
    return true;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  try {
    if (args.includes('--check')) process.exit(isFresh() ? 0 : 1);
    if (!ensureBuild({ force: args.includes('--force') })) process.stderr.write('build/ 已是最新，无需编译\n');
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
