// Built-in catalogue items shipped as data. The DB layer seeds these as version rows; the
// credit office then versions and reviews them like any other item.
import type { CatalogItem } from '../catalog.schemas.ts';
import { GENERIC_OTHER_V1 } from './generic.ts';
import { LIST_BLACK_V1, LIST_RED_V1 } from './lists.ts';
import { SGS_CF_V2, SGS_XK_V2 } from './sgs.ts';
import { CREDIT_COMMITMENT_V1 } from './commitments.ts';

export { SGS_CF_V2, SGS_XK_V2 } from './sgs.ts';
export { LIST_BLACK_V1, LIST_RED_V1 } from './lists.ts';
export { GENERIC_OTHER_V1, makeGenericItem, type GenericItemOptions } from './generic.ts';
export * from './enums.ts';
export { CREDIT_COMMITMENT_V1, COMMITMENT_KIND_ENUM } from './commitments.ts';

/** Every built-in item; also the candidates for the wrong-catalogue-item heuristic. */
export const BUILTIN_ITEMS: readonly CatalogItem[] = [SGS_XK_V2, SGS_CF_V2, LIST_RED_V1, LIST_BLACK_V1, GENERIC_OTHER_V1, CREDIT_COMMITMENT_V1];

/** A built-in item by id, or undefined. */
export function builtinItem(id: string): CatalogItem | undefined {
  return BUILTIN_ITEMS.find((i) => i.id === id);
}
