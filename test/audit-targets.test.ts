// Every object the code writes to the audit log is named in Chinese (issue 17 §4): the source scan finds the
// target of every audit entry — the `target` of audit()/auditOnClient()/auditInsertSql() events and the target
// argument of the guards that write one — reads its kind (`kind:${id}`, `'kind:' || …` in SQL, through a local
// constant or either arm of a conditional), and checks that the shell's AUDIT_TARGET_NAMERS has a namer for the
// kind and platform/auditTargets.ts a word for it. A target with no kind must be free text by design and listed
// below with the reason. A database-free test, like the scan of action names (audit-actions.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import ts from 'typescript';
import { AUDIT_TARGET_KINDS } from '../src/platform/auditTargets.ts';
import { AUDIT_TARGET_NAMERS } from '../src/shell/auditTargets.ts';
import { REPO_ROOT, serverSourceFiles } from './helpers/sources.ts';

const root = REPO_ROOT;

// The calls that write an audit entry from an event object with a `target`.
const WRITERS = new Set(['audit', 'auditOnClient', 'auditInsertSql']);
// The guards that write an audit entry for a target passed to them: the guard → the index of that argument.
const GUARDS: Record<string, number> = { assertGrant: 3, assertAdminsRemain: 5 };

// Targets that are not objects of the platform, so no namer can know them: `file: source text` → why.
const FREE_TEXT: Record<string, string> = {
  'src/platform/http.ts: req.url': 'a refused request names the address it asked for',
  'src/platform/calendar.service.ts: day': 'a removed holiday override is its date (YYYY-MM-DD), readable as it is',
  'src/domains/auth/apikeys.service.ts: url': 'a refused signed request names the address it asked for',
  'src/domains/auth/auth.service.ts: username': 'a sign-in names the user name typed, which may belong to no account',
  'src/domains/auth/auth.service.ts: user.username': 'a sign-in names the user name typed',
  'src/domains/auth/auth.service.ts: input.username': 'a refused account creation: the account does not exist',
  'src/domains/ingest/ingest.routes.ts: file.filename': 'a refused upload has no batch, only the file name',
  'src/cli/import.ts: what.file': 'a command-line import that could not start has no batch, only the file',
  'src/cli/index.ts: target': 'a backup names the archive file it wrote',
  'src/cli/index.ts: resolve(file)': 'a restore names the archive file it read',
};

interface Found {
  kinds: Set<string>;
  /** `file: text` of targets without a kind. */
  freeText: Map<string, string>;
}

/**
 * The kinds a target expression writes: a literal's `kind:` prefix, SQL text `'kind:' || …` in a sql`…` template,
 * either arm of a conditional or `??`, and a local constant's value; none for anything else (free text).
 */
function kindsOf(expr: ts.Expression, consts: Map<string, ts.Expression>, seen = new Set<string>()): string[] {
  const prefix = (text: string) => /^'?([a-z][a-z_]*):/.exec(text)?.[1];
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr) || ts.isTemplateExpression(expr)) {
    const k = prefix(ts.isTemplateExpression(expr) ? expr.head.text : expr.text);
    return k ? [k] : [];
  }
  if (ts.isTaggedTemplateExpression(expr)) return kindsOf(expr.template, consts, seen);
  if (ts.isConditionalExpression(expr)) return [...kindsOf(expr.whenTrue, consts, seen), ...kindsOf(expr.whenFalse, consts, seen)];
  if (ts.isBinaryExpression(expr) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(expr.operatorToken.kind)) {
    return [...kindsOf(expr.left, consts, seen), ...kindsOf(expr.right, consts, seen)];
  }
  if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr)) return kindsOf(expr.expression, consts, seen);
  if (ts.isIdentifier(expr) && consts.has(expr.text) && !seen.has(expr.text)) {
    seen.add(expr.text);
    return kindsOf(consts.get(expr.text)!, consts, seen);
  }
  return [];
}

/** The name of a called function: `audit(…)`, `x.audit(…)`. */
function calleeName(call: ts.CallExpression): string | null {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return null;
}

/** The enclosing function's name, for a target that is a parameter of a guard. */
function enclosingFunction(n: ts.Node): string | null {
  for (let p: ts.Node | undefined = n.parent; p; p = p.parent) {
    if (ts.isFunctionDeclaration(p) && p.name) return p.name.text;
  }
  return null;
}

/** The kinds and free-text targets of the given sources (path relative to the repository, text). */
function scanSources(sources: { rel: string; code: string }[]): Found {
  const found: Found = { kinds: new Set(), freeText: new Map() };
  for (const { rel, code } of sources) {
    if (!/\baudit|assertGrant|assertAdminsRemain/.test(code)) continue;
    const sf = ts.createSourceFile(rel, code, ts.ScriptTarget.Latest, true);
    // Local constants (`const target = \`batch:${id}\``), by name; shadowing is rare enough in this code to ignore.
    const consts = new Map<string, ts.Expression>();
    const collect = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) consts.set(n.name.text, n.initializer);
      ts.forEachChild(n, collect);
    };
    collect(sf);
    const judge = (expr: ts.Expression) => {
      const kinds = kindsOf(expr, consts);
      if (kinds.length) {
        for (const k of kinds) found.kinds.add(k);
        return;
      }
      // A guard's own `target` parameter: its callers' arguments are judged at the call (GUARDS).
      if (ts.isIdentifier(expr) && expr.text === 'target' && GUARDS[enclosingFunction(expr) ?? ''] !== undefined) return;
      const line = sf.getLineAndCharacterOfPosition(expr.getStart(sf)).line + 1;
      found.freeText.set(`${rel}: ${expr.getText(sf)}`, `${rel}:${line}`);
    };
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n)) {
        const name = calleeName(n);
        if (name && WRITERS.has(name)) {
          for (const arg of n.arguments) {
            if (!ts.isObjectLiteralExpression(arg)) continue;
            for (const p of arg.properties) {
              if (!p.name || !ts.isIdentifier(p.name) || p.name.text !== 'target') continue;
              if (ts.isPropertyAssignment(p)) judge(p.initializer);
              else if (ts.isShorthandPropertyAssignment(p)) judge(p.name);
            }
          }
        }
        if (name && GUARDS[name] !== undefined && n.arguments[GUARDS[name]]) judge(n.arguments[GUARDS[name]]);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return found;
}

/** The scan of src (web excluded). */
const scan = (): Found => scanSources(serverSourceFiles().map((f) => ({ rel: relative(root, f), code: readFileSync(f, 'utf8') })));

test('the scan reads kinds from templates, SQL, constants and conditionals', () => {
  const found = scan();
  // One of each way a kind is written: a template, SQL text (sanctions' check), a local constant (ingest's
  // error file), a conditional (commitments), a guard's argument (users), a setting key.
  for (const kind of ['user', 'batch', 'sanction_check', 'record', 'commitment', 'department', 'setting', 'report', 'list_entry']) {
    assert.ok(found.kinds.has(kind), `the scan sees ${kind} (found ${[...found.kinds].sort().join(' ')})`);
  }
  assert.ok(found.kinds.size >= 20, `${found.kinds.size} kinds`);
});

test('every target kind written to the audit log has a namer and a word', () => {
  const found = scan();
  const named = new Set(AUDIT_TARGET_NAMERS.map((n) => n.kind));
  const missing = [...found.kinds].filter((k) => !named.has(k)).sort();
  assert.deepEqual(missing, [], 'add a namer to the owning domain’s audit.targets.ts and list it in src/shell/auditTargets.ts');
  const unworded = [...found.kinds].filter((k) => !AUDIT_TARGET_KINDS[k]).sort();
  assert.deepEqual(unworded, [], 'add the kind’s word to AUDIT_TARGET_KINDS in src/platform/auditTargets.ts');
  for (const [kind, word] of Object.entries(AUDIT_TARGET_KINDS)) assert.match(word, /\p{Script=Han}/u, kind);
});

test('a target without a kind is free text by design, and the list of them is current', () => {
  const found = scan();
  const unlisted = [...found.freeText].filter(([key]) => !FREE_TEXT[key]).map(([key, where]) => `${key} (${where})`);
  assert.deepEqual(unlisted, [], 'write the target as `kind:id` (and name the kind), or list it in FREE_TEXT with the reason');
  const stale = Object.keys(FREE_TEXT).filter((key) => !found.freeText.has(key));
  assert.deepEqual(stale, [], 'FREE_TEXT names targets the code no longer writes');
});

test('the scanner judges a probe: kinds in every form, and a bare key as free text', () => {
  const code = [
    "await audit(db, ctx, { action: 'a.b', target: `thing:${id}` });",
    "await audit(db, ctx, { action: 'a.b', target: 'setting:x' });",
    'const target = cond ? `left:${a}` : `right:${b}`;',
    "await auditOnClient(client, ctx, { action: 'a.b', target });",
    "sql`${auditInsertSql(ctx, { ...ev, target: sql`'in_sql:' || c.id` }, sql`c`)}`;",
    "await assertGrant(db, actor, 'create', `guarded:${id}`, [], ctx);",
    "await audit(db, ctx, { action: 'a.b', target: SOME_KEY });",
    "await audit(db, ctx, { action: 'a.b' });",
  ].join('\n');
  const found = scanSources([{ rel: 'probe.ts', code }]);
  assert.deepEqual([...found.kinds].sort(), ['guarded', 'in_sql', 'left', 'right', 'setting', 'thing']);
  assert.deepEqual([...found.freeText.keys()], ['probe.ts: SOME_KEY']);
});
