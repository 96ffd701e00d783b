// List types as versioned data (名单类型, issue 14 §1; docs/domain/04-joint-measures.md §4.1a): the shipped types are
// installed on start (idempotent), the credit office amends a type by adding a version, and collected entries'
// 名单类型 text is mapped to a code through each type's aliases.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { AmendListTypeBody, ListTypeDefinition, ListTypeView } from './lists.schemas.ts';
import { BUILTIN_LIST_TYPES } from './types.data.ts';
import { INSTALLER_NOTE_PATTERN } from '../../platform/installerNotes.ts';

/**
 * Installs version 1 of every shipped list type that is missing; returns how many were added. A version whose
 * basis still carries an earlier install's development note gets the shipped basis in its place (the note
 * about where the type comes from, never a rule of the type), so users read plain Chinese (issue 14).
 */
export async function installBuiltinListTypes(db: DbOrTx): Promise<number> {
  // Two statements on every start, whatever the number of shipped types.
  const added = await db
    .insertInto('list_types')
    .values(BUILTIN_LIST_TYPES.map((t) => ({ code: t.code, version: 1, name: t.name, color: t.color, definition: JSON.stringify(t.definition) })))
    .onConflict((oc) => oc.doNothing())
    .returning('code')
    .execute();
  await sql`UPDATE list_types l SET definition = jsonb_set(l.definition, '{basis}', to_jsonb(s.basis))
    FROM unnest(${BUILTIN_LIST_TYPES.map((t) => t.code)}::text[], ${BUILTIN_LIST_TYPES.map((t) => t.definition.basis)}::text[]) AS s(code, basis)
    WHERE l.code = s.code AND l.definition->>'basis' ~ ${INSTALLER_NOTE_PATTERN}`.execute(db);
  return added.length;
}

type TypeRow = { code: string; version: number; name: string; color: 'black' | 'red'; active: boolean; definition: unknown; created_at: Date };
const view = (r: TypeRow): ListTypeView => ({
  code: r.code,
  version: r.version,
  name: r.name,
  color: r.color,
  active: r.active,
  definition: r.definition as ListTypeDefinition,
  createdAt: r.created_at.toISOString(),
});

/** The latest version of every list type (black first, then by code). */
export async function listTypes(db: DbOrTx): Promise<ListTypeView[]> {
  const rows = await db
    .selectFrom('list_types')
    .distinctOn('code')
    .select(['code', 'version', 'name', 'color', 'active', 'definition', 'created_at'])
    .orderBy('code')
    .orderBy('version', 'desc')
    .execute();
  return rows.map(view).sort((a, b) => (a.color === b.color ? a.code.localeCompare(b.code) : a.color === 'black' ? -1 : 1));
}

/** The latest version of one type, or undefined. */
export async function currentListType(db: DbOrTx, code: string): Promise<ListTypeView | undefined> {
  const r = await db
    .selectFrom('list_types')
    .select(['code', 'version', 'name', 'color', 'active', 'definition', 'created_at'])
    .where('code', '=', code)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? view(r) : undefined;
}

/** Every version of one type, newest first. */
export async function listTypeHistory(db: DbOrTx, code: string): Promise<ListTypeView[]> {
  const rows = await db
    .selectFrom('list_types')
    .select(['code', 'version', 'name', 'color', 'active', 'definition', 'created_at'])
    .where('code', '=', code)
    .orderBy('version', 'desc')
    .execute();
  if (rows.length === 0) throw notFound('list_type_not_found');
  return rows.map(view);
}

/**
 * Amends a type: a new version with the new name, definition and active flag (the colour never changes, so
 * entries keep their meaning). Concurrent amendments are serialised by the (code, version) key: the loser gets
 * a 409 and amends again on the new version.
 */
export async function amendListType(db: DbOrTx, code: string, body: AmendListTypeBody, userId: number, ctx: AuditContext): Promise<ListTypeView> {
  const cur = await currentListType(db, code);
  if (!cur) throw notFound('list_type_not_found');
  const row = await db
    .insertInto('list_types')
    .values({ code, version: cur.version + 1, name: body.name, color: cur.color, active: body.active, definition: JSON.stringify(body.definition), created_by: userId })
    .onConflict((oc) => oc.doNothing())
    .returning(['code', 'version', 'name', 'color', 'active', 'definition', 'created_at'])
    .executeTakeFirst();
  if (!row) throw new AppError('list_entry_conflict', '该名单类型刚被他人修订，请刷新后重试', 409);
  await audit(db, ctx, { action: 'list_type.amend', target: `list_type:${code}`, detail: { version: row.version, note: body.note } });
  return view(row);
}

/** Normalises a 名单类型 text for alias matching: full-width to half-width, no spaces or brackets' content kept. */
export function normaliseTypeText(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').replace(/名单$/, '').toUpperCase();
}

/** A resolver from 名单类型 text to a type code, built from the latest versions' names and aliases. */
export async function typeResolver(db: DbOrTx): Promise<(text: string | null | undefined, color: 'black' | 'red') => { code: string; unmapped: string | null }> {
  const types = await listTypes(db);
  const byText = new Map<string, { code: string; color: 'black' | 'red' }>();
  for (const t of types) {
    if (!t.active) continue;
    for (const a of [t.name, t.code, ...(t.definition.aliases ?? [])]) byText.set(normaliseTypeText(a), { code: t.code, color: t.color });
  }
  return (text, color) => {
    const raw = (text ?? '').trim();
    const hit = raw ? byText.get(normaliseTypeText(raw)) : undefined;
    // A hit of the other colour (a red type in the black-list item) is kept under the generic type and flagged.
    if (hit && hit.color === color) return { code: hit.code, unmapped: null };
    return { code: color === 'black' ? 'OTHER_BLACK' : 'OTHER_RED', unmapped: raw || '（未填写）' };
  };
}
