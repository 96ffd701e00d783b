// Public face of the subjects domain (信用主体: subjects, their identifiers and names, name search).
// Other domains import subjects only from here; the subject tables are written through these functions.
export { bigrams, bigramsTsvector, normalizeName, searchColumns } from './search.ts';
export { countLegacyConversions, legacyConversions, type LegacyConversion } from './conversions.ts';
export { getPublicSubject, searchSubjects } from './subjects.service.ts';
export { registryFigures } from './stats.ts';
