// Table ownership (issue 12 item 2): each table has one owning domain, and another domain uses it only
// through the owner's exported functions. This test reads each domain's non-test source with the
// TypeScript parser, finds the tables it touches — Kysely calls (selectFrom, insertInto, updateTable,
// deleteFrom, mergeInto, joins) and SQL text in string and template literals (sql`…`, COPY, pool.query)
// — and fails when a domain touches a table it does not own, unless ALLOWED lists it with a reason.
// Migrations (*.sql) are the db layer's and are not scanned. src/domains/README.md documents the map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const domainsDir = join(root, 'src/domains');

// The owner of each table (the shared design of issue 12). A new table must be added here.
const OWNER: Record<string, string> = {
  departments: 'auth',
  department_authorities: 'auth',
  users: 'auth',
  sessions: 'auth',
  login_failures: 'auth',
  api_keys: 'auth',
  api_nonces: 'auth',
  audit_log: 'platform',
  settings: 'platform',
  calendar_overrides: 'platform',
  subjects: 'subjects',
  subject_identifiers: 'subjects',
  subject_names: 'subjects',
  catalog_versions: 'catalog',
  ingest_batches: 'ingest',
  ingest_rejects: 'ingest',
  ingest_review_rows: 'ingest',
  records: 'ingest',
  record_versions: 'ingest',
  record_history: 'ingest',
  credit_events: 'monitoring',
  event_labels: 'monitoring',
  event_classifier_builds: 'monitoring',
  checklist_items: 'monitoring',
  indicator_trees: 'monitoring',
  score_imports: 'monitoring',
  official_scores: 'monitoring',
  effect_rules: 'monitoring',
  credit_reports: 'reports',
  credit_report_counters: 'reports',
  list_types: 'lists',
  list_entries: 'lists',
  list_entry_history: 'lists',
  list_sync_batches: 'lists',
  list_sync_state: 'lists',
  notifications: 'platform',
  repair_applications: 'repair',
  repair_application_records: 'repair',
  repair_materials: 'repair',
  objections: 'objections',
  objection_records: 'objections',
  objection_files: 'objections',
  objection_steps: 'objections',
  commitments: 'commitments',
  commitment_fulfilments: 'commitments',
  sanction_measures: 'sanctions',
  sanction_checks: 'sanctions',
  sanction_check_hits: 'sanctions',
  sanction_feedback: 'sanctions',
  sanction_measures_generation: 'sanctions',
  api_keys_generation: 'auth',
};
/** Owner of a table; the platform's job tables (jobs, job_runs …) go by prefix. */
const ownerOf = (table: string): string | undefined => OWNER[table] ?? (/^jobs?(_|$)/.test(table) ? 'platform' : undefined);

type Mode = 'read' | 'write';
interface Allowed {
  domain: string;
  table: string;
  mode: Mode; // 'write' also covers reading
  reason: string;
}

// Uses of another domain's table that are allowed. Keep it small; each entry says why.
const ALLOWED: Allowed[] = [
  // The public read model: publicity decides and writes the publicity columns of records, and reads
  // records with their current version and subject to serve the public pages (documented in README).
  { domain: 'publicity', table: 'records', mode: 'write', reason: 'publicity columns of records; the public read model' },
  { domain: 'publicity', table: 'subjects', mode: 'read', reason: 'the public read model shows the subject kind and name (one join per row)' },
  // The console's records list shows the subject's name and filters a page by it in one query; a lookup
  // function could show the names but not filter the page.
  { domain: 'ingest', table: 'subjects', mode: 'read', reason: 'the console records list shows and filters by the subject name in one query (a lookup function cannot filter a page)' },
];

interface Use {
  domain: string;
  table: string;
  mode: Mode;
  where: string;
}

const KYSELY: Record<string, Mode> = {
  selectFrom: 'read',
  innerJoin: 'read',
  leftJoin: 'read',
  rightJoin: 'read',
  fullJoin: 'read',
  crossJoin: 'read',
  insertInto: 'write',
  replaceInto: 'write',
  updateTable: 'write',
  deleteFrom: 'write',
  mergeInto: 'write',
};
const SQL_READ = /\b(?:from|join)\s+(?:only\s+)?"?([a-z_][a-z0-9_]*)"?/gi;
const SQL_WRITE = /\b(?:insert\s+into|update|delete\s+from|copy|truncate(?:\s+table)?|merge\s+into)\s+(?:only\s+)?"?([a-z_][a-z0-9_]*)"?/gi;

/** Non-test TypeScript files of one domain. */
function domainFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return domainFiles(p);
    return p.endsWith('.ts') && !/\.(test|test-data|bench)\.ts$/.test(p) ? [p] : [];
  });
}

/** The tables a source text touches, with read or write. */
function tablesIn(code: string, fileName = 'probe.ts'): Array<{ table: string; mode: Mode; line: number }> {
  const sf = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true);
  const out: Array<{ table: string; mode: Mode; line: number }> = [];
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const fromSql = (text: string, n: ts.Node) => {
    for (const [re, mode] of [[SQL_READ, 'read'], [SQL_WRITE, 'write']] as const) {
      for (const m of text.matchAll(re)) out.push({ table: m[1].toLowerCase(), mode, line: line(n) });
    }
  };
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && KYSELY[n.expression.name.text]) {
      const mode = KYSELY[n.expression.name.text];
      const first = n.arguments[0];
      const names = first && ts.isArrayLiteralExpression(first) ? first.elements : first ? [first] : [];
      for (const a of names) {
        if (ts.isStringLiteralLike(a)) out.push({ table: a.text.split(/\s+as\s+/i)[0].trim(), mode, line: line(a) });
      }
    }
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) fromSql(n.text, n);
    if (ts.isTemplateExpression(n)) fromSql([n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join(' ? '), n);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Every use of a table owned by another domain, across src/domains. */
function foreignUses(): Use[] {
  const uses: Use[] = [];
  for (const domain of readdirSync(domainsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) {
    for (const file of domainFiles(join(domainsDir, domain))) {
      for (const u of tablesIn(readFileSync(file, 'utf8'), file)) {
        const owner = ownerOf(u.table);
        if (owner === undefined) {
          // Only names the database has count; SQL words in prose ("from now on") are not tables.
          if (!KNOWN_TABLES.has(u.table)) continue;
        }
        if (owner === domain) continue;
        uses.push({ domain, table: u.table, mode: u.mode, where: `${relative(root, file)}:${u.line}` });
      }
    }
  }
  return uses;
}

// The tables the migrations create (schema-qualified private tables are the db layer's).
const KNOWN_TABLES = new Set(
  readdirSync(join(root, 'src/db/migrations'))
    .filter((f) => f.endsWith('.sql'))
    .flatMap((f) => [...readFileSync(join(root, 'src/db/migrations', f), 'utf8').matchAll(/create\s+table\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_.]*)/gi)].map((m) => m[1].toLowerCase()))
    .filter((t) => !t.includes('.')),
);

const isAllowed = (u: Use) => ALLOWED.some((a) => a.domain === u.domain && a.table === u.table && (a.mode === 'write' || u.mode === 'read'));

test('every table the migrations create has an owning domain', () => {
  assert.ok(KNOWN_TABLES.has('records') && KNOWN_TABLES.size > 20, [...KNOWN_TABLES].join(' '));
  assert.deepEqual([...KNOWN_TABLES].filter((t) => !ownerOf(t)), []);
});

test('the scanner finds Kysely calls, joins and raw SQL, with read or write', () => {
  const found = tablesIn(
    [
      "await db.selectFrom('records as r').innerJoin('subjects as s', 's.id', 'r.subject_id').selectAll().execute();",
      "await trx.insertInto('subject_names').values(v).execute();",
      "await trx.updateTable('subjects').set(p).execute();",
      'await sql`DELETE FROM subject_identifiers WHERE id = ${id}`.execute(db);',
      "const copy = 'COPY records (id, values) FROM STDIN';",
      'await sql`SELECT count(*) FROM ingest_batches b JOIN users u ON u.id = b.created_by`.execute(db);',
    ].join('\n'),
  );
  const key = (f: { table: string; mode: Mode }) => `${f.mode} ${f.table}`;
  for (const want of ['read records', 'read subjects', 'write subject_names', 'write subjects', 'write subject_identifiers', 'write records', 'read ingest_batches', 'read users']) {
    assert.ok(found.map(key).includes(want), `${want} in ${found.map(key).join(', ')}`);
  }
});

test('no domain touches a table it does not own, except the listed uses', () => {
  const violations = foreignUses()
    .filter((u) => !isAllowed(u))
    .map((u) => `${u.where}: ${u.domain} ${u.mode}s ${u.table} (owner: ${ownerOf(u.table)})`);
  assert.deepEqual(violations, [], 'use the owning domain\'s exported functions (src/domains/<owner>/index.ts) instead');
});

test('every allowance is still needed, and no wider than needed', () => {
  const uses = foreignUses();
  const problems = ALLOWED.flatMap((a) => {
    const mine = uses.filter((u) => u.domain === a.domain && u.table === a.table);
    if (mine.length === 0) return [`${a.domain} ${a.table}: no longer used, remove the allowance`];
    if (a.mode === 'write' && !mine.some((u) => u.mode === 'write')) return [`${a.domain} ${a.table}: only read now, narrow the allowance to read`];
    return [];
  });
  assert.deepEqual(problems, []);
});
