// Whether a code someone types is the subject's own code: its USCC, or for a natural person the ID number,
// compared through the keyed hash the registry stores (the number itself is never read back). Used where the
// public proves it knows whose matter it follows (the objection 查询码 look-up, issue 15 §2).
import type { DbOrTx } from '../../db/index.ts';
import { hmacSha256, safeEqual } from '../../platform/crypto.ts';

/** True when `code` (trimmed, case-insensitive) is the subject's USCC or, for a person, its ID number. */
export async function subjectHasCode(db: DbOrTx, secret: string, subjectId: string, code: string): Promise<boolean> {
  const s = await db.selectFrom('subjects').select(['uscc', 'id_hash']).where('id', '=', subjectId).executeTakeFirst();
  const c = code.trim().toUpperCase();
  if (!s || !c) return false;
  if (s.uscc) return safeEqual(s.uscc.toUpperCase(), c);
  // The same keyed hash the import stores (ingest staging: hmac(secret, 'id:' + number)).
  return !!s.id_hash && safeEqual(s.id_hash, hmacSha256(secret, `id:${c}`));
}
