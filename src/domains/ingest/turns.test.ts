// Turns for the event loop during an import (issue 18): large array parameters are written in slices, with the
// literal node-postgres itself would write, and the thread gets turns while they are written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { setImmediate as onNextTurn } from 'node:timers';
import { mapWithTurns, paramsWithTurns } from './turns.ts';

const pgUtils = createRequire(import.meta.url)('pg/lib/utils') as { prepareValue(value: unknown): unknown };
const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

// Each array parameter as the merge passes them; the written literal must be byte for byte pg's own.
const CASES: Array<{ name: string; value: unknown[] }> = [
  { name: 'record keys with the unit separator', value: many(1000, (i) => `11630100MB1234567X\u001f宁市监罚〔2026〕${i}号\u001f91630100MA7${i}`) },
  { name: 'JSON contents with quotes and backslashes', value: many(700, (i) => JSON.stringify({ a: `名称"${i}"`, b: 'C:\\路径\\', c: i % 3 ? null : '{x,y}' })) },
  { name: 'nulls among dates', value: many(600, (i) => (i % 4 ? `2026-01-${String((i % 28) + 1).padStart(2, '0')}` : null)) },
  { name: 'numbers (int[])', value: many(513, (i) => i * 7) },
  { name: 'booleans (bool[])', value: many(300, (i) => i % 2 === 0) },
  { name: 'bigint ids as strings', value: many(257, (i) => String(9_000_000_000 + i)) },
  { name: 'objects (jsonb[])', value: many(400, (i) => ({ audience: 'public', n: i, s: 'a"b\\c' })) },
  { name: 'nested arrays', value: many(300, (i) => [String(i), null, `"${i}"`]) },
  { name: 'empty strings and undefined', value: many(300, (i) => (i % 2 ? '' : undefined)) },
];

for (const c of CASES) {
  test(`paramsWithTurns writes pg's literal: ${c.name}`, async () => {
    const [out] = (await paramsWithTurns([c.value]))!;
    assert.equal(typeof out, 'string');
    assert.equal(out, pgUtils.prepareValue(c.value));
  });
}

test('paramsWithTurns leaves scalars and small arrays to pg, and keeps their order', async () => {
  const small = ['a', 'b'];
  const big = many(1000, (i) => `k${i}`);
  const out = (await paramsWithTurns([42, small, big, null, 'x']))!;
  assert.equal(out[0], 42);
  assert.equal(out[1], small);
  assert.equal(out[2], pgUtils.prepareValue(big));
  assert.equal(out[3], null);
  assert.equal(out[4], 'x');
  const none = [1, small];
  assert.equal(await paramsWithTurns(none), none, 'nothing to slice: the same array');
  assert.equal(await paramsWithTurns(undefined), undefined);
});

test('the event loop gets turns while a large parameter is written (pg would write it in one go)', async () => {
  // A chunk's 10,000 JSON contents of about 500 characters: many slices of work on any machine.
  const content = JSON.stringify({ text: '违反《中华人民共和国食品安全法》"第三十四条"\\'.repeat(20) });
  const big = many(10_000, () => content);
  let turns = 0;
  const tick = () => {
    turns++;
    if (pending) onNextTurn(tick);
  };
  let pending = true;
  onNextTurn(tick);
  const [out] = (await paramsWithTurns([big]))!;
  pending = false;
  assert.ok(turns > 1, `the loop turned ${turns} times while the literal was written`);
  assert.equal((out as string).length, (pgUtils.prepareValue(big) as string).length);
});

test('mapWithTurns maps in order and gives the loop turns on long work', async () => {
  const items = many(5000, (i) => i);
  assert.deepEqual(await mapWithTurns(items, (i) => i * 2), items.map((i) => i * 2));
  let turns = 0;
  let pending = true;
  const tick = () => {
    turns++;
    if (pending) onNextTurn(tick);
  };
  onNextTurn(tick);
  // Each item costs about 0.1 ms of work: 2,000 of them are many slices.
  await mapWithTurns(many(2000, (i) => i), (i) => {
    let s = '';
    for (let k = 0; k < 400; k++) s += String(i + k);
    return s.length;
  });
  pending = false;
  assert.ok(turns > 1, `the loop turned ${turns} times`);
});
