import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCodesCheck, type CheckStreamOptions } from './check-stream.ts';

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
