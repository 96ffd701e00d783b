// USCC checking speed: isValidUscc (fast path) and checkUscc (explaining path) against
// stdnum-js on the same 1,000,000 valid codes (every check character, 0 included) plus invalid
// ones; then every verdict that differs from stdnum-js, grouped by cause.
// Run: `npm run bench -- codes [--valid N] [--invalid N] [--rounds N]`.
import { pathToFileURL } from 'node:url';
import { stdnum } from 'stdnum';
import { checkUscc, generateUscc, isValidUscc, usccCheckChar, USCC_ALPHABET, USCC_PAIRS } from '../src/domains/codes/index.ts';

/** Reads `--name value` from the arguments, with a default. */
function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : dflt;
}

/** A seeded LCG so that every run measures the same codes. */
export function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

/** Builds invalid codes the way people make them: typos, swaps, wrong length, look-alike letters. */
export function makeInvalid(valid: string[], n: number, rng: () => number): string[] {
  const out: string[] = [];
  const pick = (k: number) => Math.floor(rng() * k);
  while (out.length < n) {
    const c = valid[pick(valid.length)];
    const kind = out.length % 10;
    let m: string;
    if (kind < 6) {
      const i = pick(18);
      m = c.slice(0, i) + USCC_ALPHABET[pick(31)] + c.slice(i + 1);
    } else if (kind < 8) {
      const i = pick(17);
      m = c.slice(0, i) + c[i + 1] + c[i] + c.slice(i + 2);
    } else if (kind === 8) {
      m = rng() < 0.5 ? c.slice(0, 17) : c + '1';
    } else if (rng() < 0.5) {
      const i = pick(18);
      m = c.slice(0, i) + 'IOSVZ'[pick(5)] + c.slice(i + 1);
    } else {
      // A pair outside the GB 32100 table, with a correct check character.
      const first17 = ['10', '94', '99', '00'][pick(4)] + c.slice(2, 17);
      m = first17 + usccCheckChar(first17);
    }
    if (m !== c) out.push(m);
  }
  return out;
}

/** Best-of-rounds throughput of one counting loop, in checks per second. */
function time(codes: string[], loop: (codes: string[]) => number, rounds: number): { rate: number; accepted: number } {
  let best = Infinity;
  let accepted = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    accepted = loop(codes);
    best = Math.min(best, Number(process.hrtime.bigint() - t0));
  }
  return { rate: codes.length / (best / 1e9), accepted };
}

// One loop per candidate, so that each call site stays monomorphic and gets inlined, as it would
// in an import loop that calls one checker.
const loopFast = (codes: string[]) => {
  let ok = 0;
  for (let i = 0; i < codes.length; i++) if (isValidUscc(codes[i])) ok++;
  return ok;
};
const loopExplain = (codes: string[]) => {
  let ok = 0;
  for (let i = 0; i < codes.length; i++) if (checkUscc(codes[i]).verdict !== 'invalid') ok++;
  return ok;
};
const loopStdnum = (codes: string[]) => {
  const validate = stdnum.CN.uscc.validate;
  let ok = 0;
  for (let i = 0; i < codes.length; i++) if (validate(codes[i]).isValid) ok++;
  return ok;
};

const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);

/** Prints rates, ratios and the verdict differences from stdnum-js. */
export async function run(args: string[]): Promise<void> {
  const nValid = arg(args, 'valid', 1_000_000);
  const nInvalid = arg(args, 'invalid', 250_000);
  const rounds = arg(args, 'rounds', 3);
  const rng = lcg(20250630);

  const t0 = Date.now();
  const valid: string[] = [];
  for (let i = 0; i < nValid; i++) valid.push(generateUscc(rng));
  // Letter prefixes and the '0' check character must be in the set whatever the random draw.
  for (const p of USCC_PAIRS) valid[Math.floor(rng() * nValid)] = generateUscc(rng, { prefix: p });
  const checkChars = new Set(valid.map((c) => c[17]));
  const invalid = makeInvalid(valid, nInvalid, rng);
  const all = valid.concat(invalid);
  // Shuffle so that branch prediction does not learn the valid/invalid split.
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  console.log(
    `codes: ${fmt(nValid)} valid USCC (${checkChars.size}/31 check characters, '0' on ${valid.filter((c) => c[17] === '0').length}) + ${fmt(invalid.length)} invalid, generated in ${Date.now() - t0} ms`,
  );

  // Codes read from a file or a socket are flat strings; the generator's concatenations are ropes.
  for (let i = 0; i < all.length; i++) all[i] = Buffer.from(all[i], 'latin1').toString('latin1');
  const validate = stdnum.CN.uscc.validate;
  const fast = time(all, loopFast, rounds);
  const explain = time(all, loopExplain, rounds);
  const theirs = time(all, loopStdnum, rounds);
  console.log(`isValidUscc (fast path)   ${fmt(fast.rate).padStart(8)} checks/s  ${(fast.rate / theirs.rate).toFixed(1)}× stdnum-js`);
  console.log(`checkUscc (with reasons)  ${fmt(explain.rate).padStart(8)} checks/s  ${(explain.rate / theirs.rate).toFixed(1)}× stdnum-js`);
  console.log(`stdnum.CN.uscc.validate   ${fmt(theirs.rate).padStart(8)} checks/s`);
  console.log(`accepted: ours ${fast.accepted}, checkUscc ${explain.accepted}, stdnum-js ${theirs.accepted} of ${all.length}`);

  // Every disagreement, by cause.
  const causes = new Map<string, { n: number; example: string }>();
  const note = (cause: string, s: string) => {
    const c = causes.get(cause);
    if (c) c.n++;
    else causes.set(cause, { n: 1, example: s });
  };
  for (const s of all) {
    const ours = isValidUscc(s);
    if (ours === validate(s).isValid) continue;
    if (ours) {
      if (!/^\d{2}/.test(s)) note('stdnum-js rejects letter prefixes (A1, A9, N1–N3, N9, Y1): it requires digits in positions 1–8', s);
      else if (s[17] === '0' && usccCheckChar(s.slice(0, 17)) === '0') note("stdnum-js rejects check character '0' (alphabet[31 − 0] is undefined)", s);
      else note('ours valid, stdnum-js invalid: other', s);
    } else {
      const codes = checkUscc(s).reasons.map((r) => r.code);
      if (codes.includes('unknown_authority_category')) note('stdnum-js does not check the authority/category pair (GB 32100 table)', s);
      else note(`ours invalid, stdnum-js valid: ${codes.join(',')}`, s);
    }
  }
  const total = [...causes.values()].reduce((a, c) => a + c.n, 0);
  console.log(`verdicts that differ from stdnum-js: ${total} of ${all.length}`);
  for (const [cause, { n, example }] of causes) console.log(`  ${String(n).padStart(7)}  ${cause}  (e.g. ${example})`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv.slice(2));
