// The crypto helpers live in src/db/crypto.ts because the database layer (backups, db verify) needs them and
// db sits below platform; this module keeps `platform/crypto.ts` as the name the domains import.
export * from '../db/crypto.ts';
