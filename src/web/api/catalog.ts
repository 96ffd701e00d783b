// Calls of the catalogue editor (资源目录编辑): one version in full, saving and discarding a draft, and
// the template of any version. The list, creation and review calls are in ingest.ts.
import { request } from './http';
import type { CatalogDefinition, CatalogItem, CatalogVersionDetail } from './types';

const enc = (v: string | number): string => encodeURIComponent(String(v));

/** One version with its definition, drafter, reviewer and the four-eyes reason for the asking user. */
export function fetchCatalogVersion(itemId: string, version: number): Promise<CatalogVersionDetail> {
  return request<CatalogVersionDetail>('GET', `/api/catalog/${enc(itemId)}/versions/${enc(version)}`);
}

/** Re-save a draft (its drafter only, while it is a draft). */
export function saveCatalogDraft(itemId: string, version: number, definition: CatalogDefinition): Promise<CatalogItem> {
  return request<CatalogItem>('PUT', `/api/catalog/${enc(itemId)}/versions/${enc(version)}`, { body: definition });
}

/** Set a draft aside; its number stays taken. */
export function discardCatalogDraft(itemId: string, version: number): Promise<unknown> {
  return request<unknown>('POST', `/api/catalog/${enc(itemId)}/versions/${enc(version)}/discard`);
}

/** Download link of one version's template (drafts included), a plain `<a download>` target. */
export function versionTemplateUrl(itemId: string, version: number, kind: 'xlsx' | 'csv'): string {
  return `/api/catalog/${enc(itemId)}/versions/${enc(version)}/template.${kind}`;
}
