// A subject's name as the audit log's target words show it (platform/auditTargets.ts), as an SQL expression that
// other domains' namers embed (they may not read `subjects` themselves). An organisation reads as its registered
// name; a natural person only as the masked name the public pages use (刘*, codes/pii.ts maskPersonName),
// because the log is read and exported by the credit office and auditors without a personal-data audit entry;
// an ID number never appears (a name that is only a number becomes all '*').
import { sql, type RawBuilder } from 'kysely';

// maskPersonName keeps a Han first character (\p{Script=Han}); PostgreSQL's regex has no script classes, so the
// Han blocks are listed (CJK Unified Ideographs and Extension A, compatibility ideographs, Extensions B–H).
const HAN_FIRST = '^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]';

/** SQL for the audit-log name of the subject with id `subjectId` (NULL when there is none); natural persons masked. */
export function subjectAuditNameSql(subjectId: RawBuilder<unknown>): RawBuilder<string | null> {
  return sql<string | null>`(SELECT CASE
      WHEN s.kind <> 'natural_person' THEN s.name
      WHEN btrim(s.name) = '' THEN '*'
      WHEN btrim(s.name) ~ ${HAN_FIRST}::text THEN left(btrim(s.name), 1) || repeat('*', greatest(1, char_length(btrim(s.name)) - 1))
      ELSE repeat('*', greatest(2, char_length(btrim(s.name)))) END
    FROM subjects s WHERE s.id = (${subjectId})::bigint)`;
}
