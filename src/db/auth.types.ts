// Tables of the auth domain added after the foundation (migration 20261209T0910a_api_key_generation); merged into
// DB in src/db/types.ts.
import type { ColumnType, Generated } from 'kysely';

/** The API keys' generation: bumped by every write that can change how a signed request is answered. */
export interface ApiKeysGenerationTable {
  id: Generated<boolean>;
  gen: ColumnType<string, never, never>;
}

export interface AuthTables {
  api_keys_generation: ApiKeysGenerationTable;
}
