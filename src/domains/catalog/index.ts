// Public face of the catalog domain (资源目录): what other domains may call (issue 12 §2).
export { getVersion } from './catalog.repository.ts';
export type { CatalogItem } from './catalog.schemas.ts';
