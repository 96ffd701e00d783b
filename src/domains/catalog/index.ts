// Public face of the catalog domain (目录: data items, their fields and versions). Other domains
// import the catalog only from here; catalog_versions is read through these functions.
export * from './catalog.schemas.ts';
export {
  type CatalogDefError,
  buildEnumTable,
  compileItem,
  conditionCodes,
  describeCondition,
  describeRequired,
  enumKey,
  enumLabel,
  headerKey,
  heaviestCode,
  lookupEnum,
  subjectCategoryOf,
  validateCatalogItem,
  type CatalogValidation,
  type CompiledItem,
  type CompiledLegacy,
  type EnumTable,
} from './catalog.model.ts';
export { definitionKey, findActiveItem, getVersion, itemDefinitions, itemVersionNames, latestItemName, listActiveItems, type CatalogVersionRow } from './catalog.repository.ts';
export { BUILTIN_ITEMS, SGS_CF_V2 } from './builtin/index.ts';
export { catalogAuditTargets } from './audit.targets.ts';
export { catalogItemNameSql } from './audit.targets.ts';
