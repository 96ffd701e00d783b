// `citycredit codes check` as whole processes against Debian's python3-stdnum over the same file of USCCs:
// start-up, reading, checking and writing all count, as they do for an operator. The runs alternate
// (ours, python, ours, …) so that a change in the machine's load falls on both; the best run of each counts.
// Run: `npm run bench -- codes-cli [--codes N] [--rounds N]`.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, openSync, closeSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { generateUscc, USCC_PAIRS } from '../src/domains/codes/index.ts';
import { lcg, makeInvalid } from './codes.ts';
import { arg, close, fmt, onInterrupt, removeFolders, write } from './lib.ts';

const root = join(import.meta.dirname, '..');
const PYTHON_SCRIPT = join(import.meta.dirname, 'codes-cli.py');

/** The first python that has python3-stdnum (pyenv's python3 may shadow Debian's, which has it), with its version. */
function findStdnumPython(): { python: string; version: string } | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(python, ['-c', 'import stdnum, stdnum.cn.uscc; print(stdnum.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { python, version: r.stdout.trim() };
  }
  return null;
}

/** Writes `n` codes, a fifth of them invalid the way people get them wrong, shuffled with a fixed seed. */
async function writeCodes(file: string, n: number): Promise<{ valid: number; invalid: number }> {
  const rng = lcg(20261207);
  const nInvalid = Math.floor(n / 5);
  const valid: string[] = [];
  for (let i = 0; i < n - nInvalid; i++) valid.push(generateUscc(rng));
  // Letter prefixes (A1, N3, Y1 …) must be in the set whatever the draw.
  for (const p of USCC_PAIRS) valid[Math.floor(rng() * valid.length)] = generateUscc(rng, { prefix: p });
  const all = valid.concat(makeInvalid(valid, nInvalid, rng));
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const out = createWriteStream(file);
  for (let i = 0; i < all.length; i += 10_000) await write(out, all.slice(i, i + 10_000).join('\n') + '\n');
  await close(out);
  return { valid: valid.length, invalid: nInvalid };
}

interface Timing {
  /** Wall time in seconds, start to exit. */
  wall: number;
  /** User + system CPU seconds of the process (the machine's other load does not inflate it). */
  cpu: number;
}

/**
 * Runs one process with stdin from `input` and stdout into `output`. It runs under `sh`, whose `times`
 * prints the CPU its children used: Node has no rusage for a child, and wall time alone moves with the load.
 */
function timed(cmd: string, args: string[], input: string, output: string): Promise<Timing> {
  const inFd = openSync(input, 'r');
  const outFd = openSync(output, 'w');
  const t0 = process.hrtime.bigint();
  const child = spawn('sh', ['-c', '"$@" 2>&3; s=$?; times >&2; exit $s', 'sh', cmd, ...args], { cwd: root, stdio: [inFd, outFd, 'pipe', 'pipe'] });
  let times = '';
  let err = '';
  child.stdio[2]?.on('data', (d) => (times += d));
  child.stdio[3]?.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      closeSync(inFd);
      closeSync(outFd);
      // `times`: the shell's user and system time, then its children's, as e.g. `0m1.230000s 0m0.080000s`.
      const sec = (t: string) => {
        const m = /^(\d+)m([\d.]+)s$/.exec(t);
        return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
      };
      const children = times.trim().split('\n').at(-1)?.trim().split(/\s+/) ?? [];
      const cpu = sec(children[0] ?? '') + sec(children[1] ?? '');
      if (code === 0) resolve({ wall, cpu });
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(0, 500)}`));
    });
  });
}

/** Verdicts by line: true for valid (ours: valid or warning, as the import accepts; python: valid). */
async function verdicts(file: string): Promise<boolean[]> {
  const out: boolean[] = [];
  for await (const line of createInterface({ input: createReadStream(file) })) {
    const v = line.split('\t')[1];
    out.push(v === 'valid' || v === 'warning');
  }
  return out;
}

const secs = (s: number) => `${s.toFixed(2)} s`;

/** Prints the time of each process, best of the rounds, and the ratio. */
export async function run(args: string[]): Promise<void> {
  const n = arg(args, 'codes', 1_000_000);
  const rounds = arg(args, 'rounds', 3);
  const dir = await mkdtemp(join(tmpdir(), 'citycredit-bench-codes-cli-'));
  const done = onInterrupt('removing the temporary folder', () => removeFolders(dir));
  try {
    // The compiled CLI is what an operator runs; build it now so that no run pays for compiling.
    const b = spawnSync(process.execPath, [join(root, 'bin', 'build.mjs')], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build failed (node bin/build.mjs)');

    const input = join(dir, 'codes.txt');
    const mix = await writeCodes(input, n);
    console.log(`codes-cli: ${fmt(n)} USCCs (${fmt(mix.valid)} valid, ${fmt(mix.invalid)} invalid), ${(statSync(input).size / 1e6).toFixed(1)} MB; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on this machine`);

    const py = findStdnumPython();
    if (!py) console.log('python3-stdnum not found: install it with `apt-get install python3-stdnum` to compare; our figure only.');
    const cli = [join(root, 'bin', 'citycredit.mjs'), 'codes', 'check'];
    const candidates: { label: string; cmd: string; args: string[]; out: string; runs: Timing[] }[] = [
      { label: 'citycredit codes check --kind uscc (compiled)', cmd: process.execPath, args: [...cli, '--kind', 'uscc'], out: join(dir, 'ours-uscc.tsv'), runs: [] },
      { label: 'citycredit codes check (--kind auto)', cmd: process.execPath, args: cli, out: join(dir, 'ours-auto.tsv'), runs: [] },
    ];
    if (py) candidates.push({ label: `python3-stdnum ${py.version} uscc.is_valid`, cmd: py.python, args: [PYTHON_SCRIPT], out: join(dir, 'python.tsv'), runs: [] });
    for (let r = 0; r < rounds; r++) {
      for (const c of candidates) c.runs.push(await timed(c.cmd, c.args, input, c.out));
    }
    const wall = (c: (typeof candidates)[number]) => Math.min(...c.runs.map((t) => t.wall));
    const cpu = (c: (typeof candidates)[number]) => Math.min(...c.runs.map((t) => t.cpu));
    console.log(`${'process'.padEnd(48)} ${'wall (best)'.padStart(12)} ${'CPU (best)'.padStart(11)}   codes/s (wall)   wall of each run`);
    for (const c of candidates) {
      console.log(`${c.label.padEnd(48)} ${secs(wall(c)).padStart(12)} ${secs(cpu(c)).padStart(11)}   ${fmt(n / wall(c)).padStart(14)}   ${c.runs.map((t) => secs(t.wall)).join(', ')}`);
    }

    const ours = candidates[0];
    const python = candidates[2];
    if (python) {
      const ratio = wall(python) / wall(ours);
      console.log(`ratio: citycredit codes check --kind uscc is ${ratio.toFixed(1)}× python3-stdnum as whole processes (wall; target ≥ 5×: ${ratio >= 5 ? 'met' : 'MISSED'}), ${(cpu(python) / cpu(ours)).toFixed(1)}× by CPU time`);
      // The same file, so the verdicts can be compared line by line (they differ where the rules differ).
      const [a, p] = await Promise.all([verdicts(ours.out), verdicts(python.out)]);
      let differ = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== p[i]) differ++;
      console.log(`accepted: ours ${fmt(a.filter(Boolean).length)}, python3-stdnum ${fmt(p.filter(Boolean).length)} of ${fmt(n)}; verdicts that differ: ${fmt(differ)} (npm run bench -- codes explains the causes)`);
    } else {
      console.log(`ours: ${secs(wall(ours))} wall, ${secs(cpu(ours))} CPU for ${fmt(n)} codes`);
    }
  } finally {
    await done();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv.slice(2));
