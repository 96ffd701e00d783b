// Public face of the subjects domain (主体库: subjects, their identifiers and names, name search).
// Other domains import subjects only from here; the registry's tables (subjects, subject_identifiers,
// subject_names) are written only through these functions.
export { bigrams, bigramsTsvector, normalizeName, searchColumns } from './search.ts';
export { countLegacyConversions, legacyConversions, type LegacyConversion } from './conversions.ts';
export { getPublicSubject, searchSubjects } from './subjects.service.ts';
export { registryFigures } from './stats.ts';
export {
  linkSubjects,
  subjectPreparer,
  subjectKindOf,
  type BulkQuery,
  type NewSubjectColumns,
  type Seal,
  type SubjectKind,
  type SubjectRef,
} from './subjects.bulk.ts';
export { subjectsJobs } from './subjects.jobs.ts';
export { subjectBasics, type SubjectBasics } from './subjects.repository.ts';
export { subjectBasicsByIds, subjectIdsMatching } from './subjects.lookup.ts';
export { findByUscc, type SearchRow } from './subjects.repository.ts';
export { subjectHasCode } from './codematch.ts';
export { subjectsByKeys, subjectsByNamePrefixes, type LookedUpSubject } from './lookup.ts';
export { subjectsByKeysSql } from './lookup.ts';
export { subjectAuditNameSql } from './audit.names.ts';
