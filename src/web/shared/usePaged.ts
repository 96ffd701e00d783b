// A cursor-paged list ("加载更多") for portal and console pages: the first page on reload(), the next on
// loadMore(). A reload cancels whatever the previous query still had in flight, so a slow answer to an old
// filter never overwrites the list of the new one.
import { getCurrentInstance, onBeforeUnmount, ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { errorMessage, isAbort } from '../api/http';

export type PagedStatus = 'idle' | 'loading' | 'done' | 'error';

export interface PageResult<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Paged<T> {
  status: Ref<PagedStatus>;
  items: ShallowRef<T[]>;
  nextCursor: Ref<string | null>;
  /** Message of a failed first page. */
  error: Ref<string>;
  /** The thrown value of a failed first page (to tell a 404 from other failures). */
  failure: ShallowRef<unknown>;
  /** Message of a failed "加载更多" (the list already shown stays). */
  moreError: Ref<string>;
  loadingMore: Ref<boolean>;
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  /** Cancel the request in flight and show nothing. */
  reset(): void;
}

export interface PagedOptions {
  /**
   * Keep the rows on screen while a reload runs (console tables show a loading overlay over them);
   * the portal clears them and shows a skeleton instead.
   */
  keepItemsWhileLoading?: boolean;
}

/** State and actions of one cursor-paged list; requests are cancelled when the component unmounts. */
export function usePaged<T>(
  fetchPage: (cursor: string | null, signal: AbortSignal) => Promise<PageResult<T>>,
  options: PagedOptions = {},
): Paged<T> {
  const status = ref<PagedStatus>('idle');
  const items = shallowRef<T[]>([]);
  const nextCursor = ref<string | null>(null);
  const error = ref('');
  const failure = shallowRef<unknown>(null);
  const moreError = ref('');
  const loadingMore = ref(false);
  let controller: AbortController | null = null;

  function reset(keepItems = false): void {
    controller?.abort();
    controller = null;
    if (!keepItems) {
      items.value = [];
      nextCursor.value = null;
    }
    error.value = '';
    failure.value = null;
    moreError.value = '';
    loadingMore.value = false;
    status.value = 'idle';
  }

  async function reload(): Promise<void> {
    reset(options.keepItemsWhileLoading === true);
    const ac = new AbortController();
    controller = ac;
    status.value = 'loading';
    try {
      const res = await fetchPage(null, ac.signal);
      if (ac.signal.aborted) return;
      items.value = res.items ?? [];
      nextCursor.value = res.nextCursor ?? null;
      status.value = 'done';
    } catch (e) {
      if (ac.signal.aborted || isAbort(e)) return;
      items.value = [];
      nextCursor.value = null;
      failure.value = e;
      error.value = errorMessage(e);
      status.value = 'error';
    }
  }

  async function loadMore(): Promise<void> {
    const ac = controller;
    const cursor = nextCursor.value;
    // Not while a reload runs: the kept rows' cursor belongs to the previous query.
    if (!ac || !cursor || loadingMore.value || status.value === 'loading') return;
    loadingMore.value = true;
    moreError.value = '';
    try {
      const res = await fetchPage(cursor, ac.signal);
      if (ac.signal.aborted) return;
      items.value = items.value.concat(res.items ?? []);
      nextCursor.value = res.nextCursor ?? null;
    } catch (e) {
      if (!ac.signal.aborted && !isAbort(e)) moreError.value = errorMessage(e);
    } finally {
      if (!ac.signal.aborted) loadingMore.value = false;
    }
  }

  // Outside a component (its unit test) there is nothing to unmount.
  if (getCurrentInstance()) onBeforeUnmount(() => controller?.abort());

  return { status, items, nextCursor, error, failure, moreError, loadingMore, reload, loadMore, reset: () => reset() };
}
