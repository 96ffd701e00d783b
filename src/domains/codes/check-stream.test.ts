import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable, Writable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { checkCode } from './check.ts';
import { formatTsv, isQuietValidUscc, runCodesCheck, type CheckKindOption, type CheckStreamOptions } from './check-stream.ts';
import { generateIdNumber } from './idnumber.ts';
import { generateUscc, usccCheckChar, USCC_PAIRS } from './uscc.ts';

const today = new Date('2025-06-30T12:00:00+08:00');

/** Runs the stream checker over the given chunks and returns the output lines. */
async function run(chunks: Array<Buffer | string>, opts: CheckStreamOptions = {}) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString('utf8')));
  const summary = await runCodesCheck(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), out, {
    today,
    ...opts,
  });
  out.end();
  return { lines: text.split('\n').slice(0, -1), summary };
}

test('one TSV line per input line: input, verdict, kind, reason codes', async () => {
  const { lines, summary } = await run(['91350100M000100Y43\n91110000600037341N\nD2143569-X\n']);
  assert.deepEqual(lines, [
    '91350100M000100Y43\tvalid\tuscc\t',
    '91110000600037341N\tinvalid\tuscc\tcheck_char_mismatch',
    'D2143569-X\tvalid\torg\tlegacy_identifier',
  ]);
  assert.deepEqual(summary, { total: 3, valid: 2, warning: 0, invalid: 1 });
});

test('lines split across chunks, CRLF, a BOM and a last line without newline', async () => {
  const { lines } = await run(['\ufeff9135010', '0M000100Y43\r\n  d2143569-x\r', '\n110108000000016']);
  assert.deepEqual(lines, [
    '91350100M000100Y43\tvalid\tuscc\t',
    '  d2143569-x\tvalid\torg\tnormalized_whitespace,normalized_case,legacy_identifier',
    '110108000000016\tvalid\tregno\tlegacy_identifier',
  ]);
});

test('invalid UTF-8 and control characters are invalid lines, and checking goes on', async () => {
  const gbk = Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0x0a]); // "中文" in GBK
  const { lines } = await run([gbk, Buffer.from('91350100M000\u0007100Y43\n\nD2143569-X\n')]);
  assert.equal(lines.length, 4);
  assert.match(lines[0], /\tinvalid\tunknown\tinvalid_utf8$/);
  // The control character is escaped so that the output stays one clean line.
  assert.equal(lines[1], '91350100M000\\u0007100Y43\tinvalid\tunknown\tcontrol_char');
  assert.equal(lines[2], '\tinvalid\tunknown\tempty');
  assert.equal(lines[3], 'D2143569-X\tvalid\torg\tlegacy_identifier');
  // A tab inside a line cannot break the columns either.
  const tab = await run(['9135\t0100M000100Y43\n']);
  assert.equal(tab.lines[0], '9135\\t0100M000100Y43\tinvalid\tunknown\tcontrol_char');
});

test('--json writes one object per line with messages and parsed parts', async () => {
  const { lines } = await run(['91110000600037341N\n'], { json: true });
  const first = JSON.parse(lines[0]);
  assert.equal(first.verdict, 'invalid');
  assert.equal(first.reasons[0].message, '校验码应为 L，实际为 N');
  assert.equal(first.parsed.expectedCheckChar, 'L');
  const bad = await run([Buffer.from([0xff, 0x0a])], { json: true });
  assert.equal(JSON.parse(bad.lines[0]).reasons[0].code, 'invalid_utf8');
});

test('--kind forces the checker', async () => {
  const { lines } = await run(['12345\n'], { kind: 'uscc' });
  assert.equal(lines[0], '12345\tinvalid\tuscc\tlength_mismatch');
});

test('the commander wiring: `codes check --json` reads stdin', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const script = [
    "import { Command } from 'commander';",
    "import { registerCodesCommands } from './src/cli/codes.ts';",
    'const p = new Command();',
    'registerCodesCommands(p);',
    "await p.parseAsync(['node', 'citycredit', 'codes', 'check', '--kind', 'org', '--json']);",
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    input: 'D2143569-X\n',
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const obj = JSON.parse(r.stdout.trim());
  assert.equal(obj.kind, 'org');
  assert.equal(obj.verdict, 'valid');
});

/**
 * The reference the chunked reader must match: the file split on newline bytes, each line on its own (CR
 * dropped, the stream's byte-order mark dropped, decoded strictly, which drops one more mark), checked with
 * checkCode. This is how `codes check` read its input before it decoded whole chunks.
 */
const BAD_UTF8 = Symbol('invalid_utf8');
function lineByLine(bytes: Buffer, opts: CheckStreamOptions): Array<string | typeof BAD_UTF8> {
  const lines: Buffer[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, start)) {
    lines.push(bytes.subarray(start, nl));
    start = nl + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines.map((line, i) => {
    let b = line;
    if (b.at(-1) === 0x0d) b = b.subarray(0, -1);
    if (i === 0 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    let text;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      return BAD_UTF8;
    }
    const r = checkCode(text, opts.kind ?? 'auto', { today: opts.today });
    return opts.json ? JSON.stringify(r) : formatTsv(r);
  });
}

const lcg = (s: number) => () => ((s = (s * 48271) % 2147483647) / 2147483647);
const seed = fc.integer({ min: 1, max: 2147483646 });

/** Lines people send: valid and broken codes, odd spacing and case, BOMs, control characters, GBK bytes. */
const lineArb = fc.oneof(
  seed.map((n) => Buffer.from(generateUscc(lcg(n)))),
  fc.tuple(seed, fc.integer({ min: 0, max: 17 }), fc.constantFrom(...'0123456789ABCDEFGHJKLMNPQRTUWXYIOSZ')).map(([n, i, c]) => {
    const u = generateUscc(lcg(n));
    return Buffer.from(u.slice(0, i) + c + u.slice(i + 1));
  }),
  seed.map((n) => Buffer.from(generateIdNumber(lcg(n)))),
  seed.map((n) => Buffer.from(` ${generateUscc(lcg(n)).toLowerCase()}\t`)),
  seed.map((n) => Buffer.from('\ufeff' + generateUscc(lcg(n)))),
  fc.constantFrom('', 'D2143569-X', '110108000000016', '９１３５０１００Ｍ０００１００Ｙ４３', '91350100M000\u0007100Y43', '\\x', '\r').map((x) => Buffer.from(x)),
  fc.constant(Buffer.from([0xd6, 0xd0, 0xce, 0xc4])),
  fc.string({ maxLength: 20 }).map((x) => Buffer.from(x)),
);

test('chunked reading gives, line for line, what checking each line on its own gives', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(lineArb, fc.constantFrom('\n', '\r\n')), { minLength: 1, maxLength: 40 }),
      fc.boolean(),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.constantFrom<CheckKindOption>('auto', 'uscc', 'id'),
      fc.boolean(),
      async (lines, bom, trailing, cuts, kind, json) => {
        const parts = lines.flatMap(([l, end], i) => (i < lines.length - 1 || trailing ? [l, Buffer.from(end)] : [l]));
        const bytes = Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), ...parts]);
        // Cut the file into chunks anywhere, inside characters included.
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...at].map((from, i) => bytes.subarray(from, at[i] ?? bytes.length)).filter((c) => c.length > 0);
        const opts = { kind, json, today };
        const { lines: got } = await run(chunks, opts);
        const want = lineByLine(bytes, opts);
        assert.equal(got.length, want.length);
        for (let i = 0; i < want.length; i++) {
          const w = want[i];
          if (w === BAD_UTF8) assert.match(got[i], json ? /"code":"invalid_utf8"/ : /\tinvalid\tunknown\tinvalid_utf8$/);
          else assert.equal(got[i], w);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('the quiet-USCC short cut answers exactly as the explaining path', () => {
  // Valid codes with every pair (letters included) and with unknown pairs, current, historical and unknown
  // regions, and a wrong embedded org-code check character: the short cut must never say more than valid.
  let quiet = 0;
  fc.assert(
    fc.property(seed, fc.constantFrom(...USCC_PAIRS, '94', 'A5', '00'), fc.constantFrom(undefined, '630102', '110103', '632899', '999999'), fc.boolean(), (n, prefix, region, breakOrg) => {
      let u = generateUscc(lcg(n), { prefix, region });
      if (breakOrg) {
        const body = u.slice(0, 16) + (u[16] === '0' ? '1' : '0');
        u = body + usccCheckChar(body);
      }
      for (const kind of ['uscc', 'auto'] as const) {
        const full = formatTsv(checkCode(u, kind));
        if (isQuietValidUscc(u) && (kind === 'uscc' || /\D/.test(u.slice(0, 17)))) {
          quiet++;
          assert.equal(full, `${u}\tvalid\tuscc\t`);
        }
      }
    }),
    { numRuns: 2000 },
  );
  assert.ok(quiet > 300, `the short cut was taken ${quiet} times`);
});

test('output is written per chunk, not per line, and waits for a slow reader', async () => {
  const codes = Array.from({ length: 20_000 }, (_, i) => generateUscc(lcg(i + 1))).join('\n') + '\n';
  let writes = 0;
  let text = '';
  // A reader that takes its time and holds little: every write beyond its buffer must wait for drain.
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      writes++;
      text += chunk.toString('utf8');
      setImmediate(done);
    },
  });
  const summary = await runCodesCheck(Readable.from([Buffer.from(codes)]), slow, { kind: 'uscc' });
  await new Promise<void>((resolve) => slow.end(resolve));
  assert.equal(summary.total, 20_000);
  assert.equal(text.split('\n').length - 1, 20_000);
  assert.equal(text.split('\n')[19_999], `${codes.slice(-19, -1)}\tvalid\tuscc\t`);
  assert.ok(writes <= 2, `${writes} writes for one input chunk`);
});
