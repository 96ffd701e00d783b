// Calls of the public portal (no session needed).
import { request } from './http';
import type { SearchResponse, SiteInfo } from './types';

/** Site identity: city name, region code and the portal title (e.g. 信用西宁). */
export function fetchSite(): Promise<SiteInfo> {
  return request<SiteInfo>('GET', '/api/public/site');
}

/** Subject search by name or USCC; `cursor` continues a previous page. */
export function searchSubjects(q: string, cursor?: string, signal?: AbortSignal): Promise<SearchResponse> {
  return request<SearchResponse>('GET', '/api/public/search', { query: { q, cursor }, signal });
}
