// Public surface of the subjects domain (主体库): what other domains may call. The registry's tables
// (subjects, subject_identifiers, subject_names) are written only through these functions.
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
