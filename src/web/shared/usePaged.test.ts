// The paging composable's rules, driven by hand-resolved pages (no server, no timers): a newer query
// wins over a slower older one, and console tables keep their rows while a reload runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePaged, type PageResult, type PagedOptions } from './usePaged';

/** A fetchPage whose answers the test resolves itself, in any order. */
function manualPages<T>() {
  const calls: { cursor: string | null; signal: AbortSignal; resolve: (p: PageResult<T>) => void; reject: (e: unknown) => void }[] = [];
  const fetchPage = (cursor: string | null, signal: AbortSignal) =>
    new Promise<PageResult<T>>((resolve, reject) => calls.push({ cursor, signal, resolve, reject }));
  return { calls, fetchPage };
}

function setup(options?: PagedOptions) {
  const pages = manualPages<number>();
  return { pages, list: usePaged<number>(pages.fetchPage, options) };
}

test('a reload cancels the previous query, whose late answer never reaches the list', async () => {
  const { pages, list } = setup();
  const first = list.reload();
  const second = list.reload();
  assert.equal(pages.calls[0].signal.aborted, true);
  pages.calls[1].resolve({ items: [2], nextCursor: null });
  pages.calls[0].resolve({ items: [1], nextCursor: 'x' });
  await Promise.all([first, second]);
  assert.deepEqual(list.items.value, [2]);
  assert.equal(list.nextCursor.value, null);
  assert.equal(list.status.value, 'done');
});

test('by default a reload clears the rows at once (the portal shows a skeleton)', async () => {
  const { pages, list } = setup();
  const p = list.reload();
  pages.calls[0].resolve({ items: [1, 2], nextCursor: 'c' });
  await p;
  void list.reload();
  assert.deepEqual(list.items.value, []);
  assert.equal(list.status.value, 'loading');
});

test('keepItemsWhileLoading keeps the rows until the new page arrives, and blocks 加载更多 meanwhile', async () => {
  const { pages, list } = setup({ keepItemsWhileLoading: true });
  const p = list.reload();
  pages.calls[0].resolve({ items: [1, 2], nextCursor: 'c' });
  await p;
  const again = list.reload();
  assert.deepEqual(list.items.value, [1, 2]);
  assert.equal(list.status.value, 'loading');
  // The kept cursor belongs to the old query: no request for it.
  await list.loadMore();
  assert.equal(pages.calls.length, 2);
  pages.calls[1].resolve({ items: [3], nextCursor: 'd' });
  await again;
  assert.deepEqual(list.items.value, [3]);
  const more = list.loadMore();
  assert.equal(pages.calls[2].cursor, 'd');
  pages.calls[2].resolve({ items: [4], nextCursor: null });
  await more;
  assert.deepEqual(list.items.value, [3, 4]);
});

test('a failed reload empties the kept rows and reports the message; a failed 加载更多 keeps them', async () => {
  const { pages, list } = setup({ keepItemsWhileLoading: true });
  const p = list.reload();
  pages.calls[0].resolve({ items: [1], nextCursor: 'c' });
  await p;
  const more = list.loadMore();
  pages.calls[1].reject(new Error('boom'));
  await more;
  assert.deepEqual(list.items.value, [1]);
  assert.notEqual(list.moreError.value, '');
  const again = list.reload();
  pages.calls[2].reject(new Error('down'));
  await again;
  assert.deepEqual(list.items.value, []);
  assert.equal(list.status.value, 'error');
  assert.notEqual(list.error.value, '');
});
