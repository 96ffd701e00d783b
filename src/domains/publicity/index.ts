// Public surface of the publicity domain (公示期规则引擎): the pure rule engine, plus the few
// database functions other domains use. Other domains import publicity only from here.
export * from './publicity.schemas.ts';
export { PublicityError, type PublicityErrorCode } from './errors.ts';
export { addMonths, dayOfAt, formatMonths, parseDay } from './dates.ts';
export { DEFAULT_RULE_SETS, ruleSetInForce, sortRuleSets, validateRuleSet, validateRuleSets } from './rules.ts';
export { DEFAULT_SETTINGS, resolveSettings, validateSettings, type PublicitySettingsPatch } from './settings.ts';
export {
  DEFAULT_SECTOR_TABLE,
  deriveSector,
  matchSeriousConduct,
  normaliseSector,
  sectorOfAuthority,
  type SectorMatch,
  type SectorRule,
  type SectorTable,
} from './sectors.ts';
export { classifySeverity, heavier, normaliseCategories, type CategorySeverity, type SeverityResult } from './severity.ts';
export { decidePublicity, nextChangeDate, sweep, type SweepItem, type SweepRecord } from './decide.ts';
export { birthDateOf, fitsSimpleProcedure, isMinorOn, listInputFromValues, penaltyInputFromValues, permitInputFromValues, PROCEDURE_FIELDS, simpleProcedureOf } from './input.ts';
export { LONG_TERM_ISO, parseSetValue } from './cell-values.ts';
export { fineUnitSuspect, fineUnitSuspectIn, yuanFigures } from './fine-unit.ts';
export { fineImplausible, type FineImplausibility } from './fine-plausibility.ts';
export { readSanction, type SanctionReading } from './sanctions.ts';
// Database-facing functions: the record-level decision (ingest) and the public read model (subjects, reports).
export { decideInput, recordInput, refreshPublicity, type RecordPublicity } from './publicity.service.ts';
export { loadPublicitySettings, savePublicitySettings, PUBLICITY_SETTINGS_KEY, type PublicitySettingsChange } from './settings.store.ts';
export { hasPublicRecord, publicRecordsOfSubject, toPublic, type PublicRecord } from './public.repository.ts';
export { publicityJobs } from './publicity.jobs.ts';
export { penaltiesSince, repairFactsOfRecords, repairFactsOfSubject, REPAIRABLE_TYPES, setRecordsRepaired, type RepairFacts } from './repair.ts';
export { page as publicRecordPage, publicRecords } from './public.repository.ts';
export { seriousPublicPenalties, type SeriousPenalty } from './serious.ts';
export { setListRecordsRemoved } from './list-removal.ts';
export { withListRemoval } from './publicity.service.ts';
export { seriousPublicPenaltiesJson } from './serious.ts';
export { publicityAuditTargets } from './audit.targets.ts';
