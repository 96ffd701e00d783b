// COPY text lines written from a staged row's JSON bytes (issue 18): LineArena.addJsonLine must give exactly the
// line the string path gave (the masked JSON re-serialised, escaped with esc, then the tail), for any content.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { esc, LineArena, type JsonSplice } from './copytext.ts';

/** The string path: replace each member's value, escape the whole text, append the tail. */
function byStrings(values: Record<string, unknown>, masked: Record<string, string>, tail: string): string {
  return esc(JSON.stringify({ ...values, ...masked })) + tail;
}

/** The byte path, as completeStaged uses it: splices found in the staged JSON bytes. */
function byBytes(arena: LineArena, values: Record<string, unknown>, masked: Record<string, string>, tail: string): string {
  const json = arena.add(JSON.stringify(values));
  const splices: JsonSplice[] = Object.entries(masked).map(([f, text]) => {
    const member = `"${f}":`;
    const needle = member + JSON.stringify(values[f]);
    const at = json.indexOf(needle);
    assert.ok(at >= 0);
    return { start: at + Buffer.byteLength(member), end: at + Buffer.byteLength(needle), text: JSON.stringify(text) };
  });
  splices.sort((a, b) => a.start - b.start);
  return arena.addJsonLine(json, splices, tail).toString('utf8');
}

test('addJsonLine gives the line of the string path: backslashes doubled, members replaced in byte order, multi-byte text', () => {
  const arena = new LineArena();
  const cases: [Record<string, unknown>, Record<string, string>][] = [
    [{ a: '西宁市\\城东区', b: '110105194912310021', c: 'x"y', d: null, e: 12.5 }, { b: '110105********0021' }],
    [{ z: '\\', id: '11010519491231002X', name: '张三\n李四\t', birth: '1990-01-0\\2' }, { birth: '***', id: '1101**********002X' }],
    [{ only: '无需转义的内容' }, {}],
    [{ q: '"\\"\\\\' }, { q: '掩\\码' }],
    [{ long: '处罚内容'.repeat(2000) + '\\' }, {}],
  ];
  for (const [values, masked] of cases) {
    const tail = '\thash\t\\N\tf\t\\N\tt\t7';
    assert.equal(byBytes(arena, values, masked, tail), byStrings(values, masked, tail));
  }
});

test('lines larger than the arena buffer get a buffer of their own, and earlier lines stay intact', () => {
  const arena = new LineArena();
  const small = arena.addJsonLine(Buffer.from('{"a":"\\\\"}'), [], '\t1');
  const big = arena.addJsonLine(Buffer.from(JSON.stringify({ b: '字'.repeat(400_000) })), [], '\t2');
  assert.equal(small.toString('utf8'), '{"a":"\\\\\\\\"}\t1');
  assert.equal(big.toString('utf8'), `${JSON.stringify({ b: '字'.repeat(400_000) })}\t2`);
});
