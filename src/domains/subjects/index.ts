// Public face of the subjects domain (主体库): what other domains may call (issue 12 §2).
export { countLegacyConversions, legacyConversions, type LegacyConversion } from './conversions.ts';
export { registryFigures } from './stats.ts';
