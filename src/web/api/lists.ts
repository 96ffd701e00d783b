// Calls of the lists domain (红黑名单): list types, the entry register and its lifecycle, the 告知书, statistics, and
// the public list pages. Answer types are the server's (lists.schemas.ts Static<> types, imported type-only).
import type * as S from '../../domains/lists/lists.schemas.ts';
import type { Static } from '@sinclair/typebox';
import { fetchFile, request } from './http';
import type { PageResult } from '../shared/usePaged';

const enc = (v: string | number): string => encodeURIComponent(String(v));

export type ListTypeView = S.ListTypeView;
export type ListTypeDefinition = S.ListTypeDefinition;
export type EntryRow = S.EntryRow;
export type EntryDetail = S.EntryDetail;
export type EntriesQuery = S.EntriesQuery;
export type ProposeBody = S.ProposeBody;
export type TransitionBody = S.TransitionBody;
export type TransitionAction = S.TransitionAction;
export type PublicEntry = S.PublicEntry;
export type ListStats = S.ListStats;
export type PublicList = Static<typeof S.PublicListResponse>;
export type PublicListType = Static<typeof S.PublicTypesResponse>['items'][number];

export const STATUS_LABELS: Record<EntryRow['status'], string> = {
  proposed: '拟列入',
  notified: '已告知',
  reviewed: '已审核',
  listed: '已列入',
  removed: '已移出',
  rejected: '不予列入',
};
export const ACTION_LABELS: Record<TransitionAction, string> = { notify: '告知', review: '审核通过', reject: '不予列入', list: '列入并公示', remove: '移出' };
export const EXIT_LABELS: Record<NonNullable<EntryRow['removedReason']>, string> = { expired: '有效期届满', repaired: '信用修复', revoked: '决定撤销', court: '法院裁判', other: '其他' };
export const SOURCE_LABELS: Record<ListTypeDefinition['source'], string> = { local: '本地', provincial: '省级', national: '国家' };
/** Labels of the facts a type may mark as 待确认 ([M]). */
export const FACT_LABELS: Record<string, string> = {
  authority: '认定机关',
  'criteria.docNo': '认定标准文号',
  'criteria.thresholds': '认定门槛',
  validityYears: '有效期',
  earlyExit: '可否提前移出',
  repairable: '可否修复',
  source: '来源层级',
};

/** Turns a page-numbered answer into the cursor shape usePaged expects (the cursor is the next page number). */
function paged<T>(page: number, size: number, r: { total: number; items: T[] }): PageResult<T> {
  return { items: r.items, nextCursor: page * size < r.total ? String(page + 1) : null };
}

export const listTypes = (): Promise<ListTypeView[]> => request<{ items: ListTypeView[] }>('GET', '/api/lists/types').then((r) => r.items);
export const amendListType = (code: string, body: S.AmendListTypeBody): Promise<ListTypeView> => request('PUT', `/api/lists/types/${enc(code)}`, { body });

export function listEntries(q: EntriesQuery, cursor: string | null, signal?: AbortSignal): Promise<PageResult<EntryRow>> {
  const page = cursor ? Number(cursor) : 1;
  const pageSize = 20;
  return request<{ total: number; items: EntryRow[] }>('GET', '/api/lists/entries', { query: { ...q, page, pageSize }, signal }).then((r) => paged(page, pageSize, r));
}
export const entryDetail = (id: string): Promise<EntryDetail> => request('GET', `/api/lists/entries/${enc(id)}`);
export const proposeEntry = (body: ProposeBody): Promise<{ id: string }> => request('POST', '/api/lists/entries', { body });
export const transitionEntry = (id: string, body: TransitionBody): Promise<{ status: string; lockVersion: number }> => request('POST', `/api/lists/entries/${enc(id)}/transitions`, { body });
export const downloadNotice = (id: string) => fetchFile('GET', `/api/lists/entries/${enc(id)}/notice.pdf`, `notice-${id}.pdf`);
export const listStats = (from: string, to: string): Promise<ListStats> => request('GET', '/api/lists/stats', { query: { from, to } });

export const publicListTypes = (signal?: AbortSignal): Promise<PublicListType[]> => request<{ items: PublicListType[] }>('GET', '/api/public/list-types', { signal }).then((r) => r.items);
export function publicList(code: string, tab: 'listed' | 'removed', cursor: string | null, signal?: AbortSignal): Promise<PageResult<PublicEntry> & { meta: PublicList['listType'] }> {
  const page = cursor ? Number(cursor) : 1;
  const pageSize = 20;
  return request<PublicList>('GET', `/api/public/list-types/${enc(code)}`, { query: { tab, page, pageSize }, signal }).then((r) => ({ ...paged(page, pageSize, r), meta: r.listType }));
}
export const subjectListEntries = (id: string, signal?: AbortSignal): Promise<PublicEntry[]> =>
  request<{ items: PublicEntry[] }>('GET', `/api/public/subjects/${enc(id)}/list-entries`, { signal }).then((r) => r.items);
