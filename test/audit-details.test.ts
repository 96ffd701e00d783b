// Every detail an audit entry carries reads in Chinese (issue 17 §4: the credit office saw `code` and `added`):
// the TypeScript checker reads the type of each `detail` written with an audit event in src (audit(),
// auditOnClient(), auditInsertSql()), at any depth, and every key found must have a Chinese label in
// src/platform/auditActions.ts, and every code a key may hold (a string-literal type such as 'bad_password' or
// 'pending_review') a Chinese value. A detail part whose keys are not in its type (an index signature) must be
// listed in OPEN below with its keys or as data. A database-free scan of the source, like audit-actions.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describeAuditDetail, type AuditValueNames } from '../src/platform/auditActions.ts';
import { ROLES } from '../src/domains/auth/auth.service.ts';
import type { Role } from '../src/db/types.ts';
import { REPO_ROOT, serverSourceFiles } from './helpers/sources.ts';

const root = REPO_ROOT;

/** The keys a local `Record<string, unknown>` gets by `v.key = …` and `Object.assign(v, { key, … })` in one file. */
function assignedKeys(file: string, variable: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const keys = [...text.matchAll(new RegExp(`\\b${variable}\\.(\\w+)\\s*=[^=]`, 'g'))].map((m) => m[1]);
  for (const m of text.matchAll(new RegExp(`Object\\.assign\\(${variable},\\s*\\{([^}]*)\\}`, 'g'))) {
    keys.push(...m[1].split(',').map((p) => p.split(':')[0].trim()).filter(Boolean));
  }
  return keys;
}

/**
 * Detail parts whose type has an index signature: their keys (to be labelled like any other), or 'data' where the
 * keys are themselves data shown as written (a record id, an indicator code, a table name, a category).
 */
const OPEN: Record<string, readonly string[] | 'data'> = {
  'src/domains/lists/lifecycle.ts#...detail': assignedKeys('src/domains/lists/lifecycle.ts', 'detail'),
  'src/domains/auth/audit.service.ts#...filters': ['actor', 'departmentId', 'action', 'outcome', 'from', 'to'], // AuditQuery without paging
  'src/domains/objections/objections.service.ts#versions': 'data', // record id → its new version
  'src/domains/monitoring/index.service.ts#weights': 'data', // indicator code → weight
  'src/cli/index.ts#rowCounts': 'data', // table → rows in the backup
  'src/domains/repair/repair.settings.ts#before.deadlines': 'data', // regime → its deadlines
  'src/domains/repair/repair.settings.ts#after.deadlines': 'data',
  'src/domains/publicity/settings.store.ts#before.categorySeverity': 'data', // penalty category → severity
  'src/domains/publicity/settings.store.ts#after.categorySeverity': 'data',
  'src/domains/publicity/settings.store.ts#before.possiblySimpleProcedure': 'data',
  'src/domains/publicity/settings.store.ts#after.possiblySimpleProcedure': 'data',
  'src/domains/publicity/settings.store.ts#before.appliesToExisting': 'data', // regime → applies to earlier decisions
  'src/domains/publicity/settings.store.ts#after.appliesToExisting': 'data',
};

/** The key codes under an index signature are filed under (a key no label table knows). */
const ANY_KEY = '2023';

interface Written {
  /** key → where it is first written */
  keys: Map<string, string>;
  /** key → the string codes its type allows, with where */
  codes: Map<string, Map<string, string>>;
  /** `file#path` of parts with an index signature */
  open: Map<string, string>;
}

/** Keys, codes and open parts of every audit detail written in src, from the checker's types. */
function writtenDetails(): Written {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  assert.ok(parsed);
  const program = ts.createProgram(serverSourceFiles(), parsed.options);
  const checker = program.getTypeChecker();
  const out: Written = { keys: new Map(), codes: new Map(), open: new Map() };

  const isAuditEvent = (obj: ts.ObjectLiteralExpression): boolean => {
    const prop = (n: string) => obj.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === n);
    const action = prop('action');
    if (!action || !prop('detail')) return false;
    // The action is a string (not a schema's Type.String()), and the object is typed as an audit event.
    const actionType = checker.getTypeAtLocation(ts.isPropertyAssignment(action) ? action.initializer : action.name!);
    if (!(actionType.flags & ts.TypeFlags.StringLike) && !(actionType.isUnion() && actionType.types.every((t) => t.flags & ts.TypeFlags.StringLike))) return false;
    const ctx = checker.getContextualType(obj);
    return !!ctx && checker.getPropertiesOfType(ctx).some((p) => p.name === 'outcome');
  };

  function addKey(key: string, where: string, file: string, path: string): void {
    if (!out.keys.has(key)) out.keys.set(key, `${where} (${path || key})`);
    void file;
  }

  function addCodes(key: string, type: ts.Type, where: string): void {
    const parts = type.isUnion() ? type.types : [type];
    for (const t of parts) {
      if (!t.isStringLiteral() || !/^[a-z][a-z0-9_]*$/.test(t.value)) continue;
      const codes = out.codes.get(key) ?? new Map<string, string>();
      if (!codes.has(t.value)) codes.set(t.value, where);
      out.codes.set(key, codes);
    }
  }

  function fromType(type: ts.Type, where: string, file: string, path: string, depth: number): void {
    if (depth > 4) return;
    if (type.isUnion() || type.isIntersection()) {
      for (const t of type.types) fromType(t, where, file, path, depth);
      return;
    }
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      for (const t of checker.getTypeArguments(type as ts.TypeReference)) fromType(t, where, file, path, depth);
      return;
    }
    if (!(type.flags & ts.TypeFlags.Object) || type.getCallSignatures().length) return;
    for (const info of checker.getIndexInfosOfType(type)) {
      out.open.set(`${file}#${path}`, where);
      // Codes held under data keys (a regime's year → 'if_lenient') are named whatever the key.
      addCodes(ANY_KEY, info.type, where);
      fromType(info.type, where, file, `${path}[]`, depth + 1);
    }
    for (const p of checker.getPropertiesOfType(type)) {
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      if (!decl) continue;
      const pt = checker.getTypeOfSymbolAtLocation(p, decl);
      const sub = path ? `${path}.${p.name}` : p.name;
      addKey(p.name, where, file, sub);
      addCodes(p.name, pt, where);
      fromType(pt, where, file, sub, depth + 1);
    }
  }

  function fromExpression(e: ts.Expression, where: string, file: string, path: string, depth: number): void {
    while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) e = e.expression;
    if (ts.isConditionalExpression(e)) {
      fromExpression(e.whenTrue, where, file, path, depth);
      fromExpression(e.whenFalse, where, file, path, depth);
      return;
    }
    if (!ts.isObjectLiteralExpression(e)) {
      fromType(checker.getTypeAtLocation(e), where, file, path, depth);
      return;
    }
    for (const p of e.properties) {
      if (ts.isSpreadAssignment(p)) {
        // A spread's own type: a spread of an index signature leaves no trace in the literal's type.
        const name = `${path ? `${path}.` : ''}...${p.expression.getText()}`;
        fromType(checker.getTypeAtLocation(p.expression), where, file, name, depth);
        continue;
      }
      if (!p.name || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) continue;
      const key = p.name.text;
      const sub = path ? `${path}.${key}` : key;
      addKey(key, where, file, sub);
      if (ts.isPropertyAssignment(p)) {
        addCodes(key, checker.getTypeAtLocation(p.initializer), where);
        fromExpression(p.initializer, where, file, sub, depth + 1);
      } else if (ts.isShorthandPropertyAssignment(p)) {
        const t = checker.getTypeAtLocation(p.name);
        addCodes(key, t, where);
        fromType(t, where, file, sub, depth + 1);
      }
    }
  }

  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || !sf.fileName.startsWith(join(root, 'src'))) continue;
    const file = relative(root, sf.fileName);
    const visit = (n: ts.Node): void => {
      if (ts.isObjectLiteralExpression(n) && isAuditEvent(n)) {
        const detail = n.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'detail');
        if (detail) fromExpression(detail.initializer, `${file}:${sf.getLineAndCharacterOfPosition(detail.getStart()).line + 1}`, file, '', 0);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

const HAN = /\p{Script=Han}/u;

test('every key and code written into an audit detail reads in Chinese', () => {
  const written = writtenDetails();
  assert.ok(written.keys.size > 100, `the scan finds the detail keys (${written.keys.size})`);
  for (const known of ['reason', 'code', 'added', 'sessionsEnded', 'recordUnpublished', 'seriousFineAbove', 'basisDocNo']) {
    assert.ok(written.keys.has(known) || Object.values(OPEN).some((k) => k !== 'data' && k.includes(known)), `the scan sees ${known}`);
  }
  assert.ok(written.codes.get('reason')?.has('bad_password'), 'the scan sees the codes a key may hold');

  const unlisted = [...written.open].filter(([part]) => !(part in OPEN)).map(([part, where]) => `${part} (${where})`);
  assert.deepEqual(unlisted, [], `detail parts without their keys in the type: list their keys (or data) in OPEN:\n${unlisted.join('\n')}`);

  const keys = new Map(written.keys);
  for (const [part, listed] of Object.entries(OPEN)) if (listed !== 'data') for (const k of listed) keys.set(k, part);
  const unlabelled = [...keys].filter(([k]) => !HAN.test(describeAuditDetail({ [k]: 1 })[0].label)).map(([k, where]) => `${k} (${where})`);
  assert.deepEqual(unlabelled, [], `give these detail keys a Chinese label in src/platform/auditActions.ts:\n${unlabelled.join('\n')}`);

  // Roles are named as the audit service names them (auth ROLES); every other code by auditActions.ts itself.
  const names: AuditValueNames = (key, value) => (key === 'role' ? ROLES[value as Role] : undefined);
  const raw = [...written.codes].flatMap(([k, codes]) => [...codes].filter(([c]) => !HAN.test(describeAuditDetail({ [k]: c }, names)[0].value)).map(([c, where]) => `${k}=${c} (${where})`));
  assert.deepEqual(raw, [], `give these codes a Chinese value in src/platform/auditActions.ts:\n${raw.join('\n')}`);
});
