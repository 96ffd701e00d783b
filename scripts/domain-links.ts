// Citations of the domain rules (docs/domain/) in code, tests, benchmarks and scripts.
//   npx tsx scripts/domain-links.ts             check: every citation names a file and § heading that exist
//   npx tsx scripts/domain-links.ts --rewrite   turn old citations ("DOMAIN §n", "DOMAIN.md §n–m", "DOMAIN §n、§m")
//                                               into the in-repo form (docs/domain/<file> §n)
// The old form cited a reference outside the repository; the section numbers are the same, so the rewrite is
// mechanical. Both forms are accepted by the check until the rewrite has run on the merged tree.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Folders whose files may cite the domain rules. */
export const CITING_ROOTS = ['src', 'test', 'bench', 'scripts'];
/** File kinds that may hold a citation (comments, READMEs, data with a `source` note). */
const TEXT_FILE = /\.(ts|mts|js|mjs|vue|md|json|sql)$/;
/** Migrations are never edited once applied, so their old citations stay (and are still checked). */
const NEVER_REWRITE = /(^|\/)src\/db\/migrations\//;

/** The file of each top-level section; a section "§3.1" lives in the file of "3". */
export const SECTION_FILES: Record<string, string> = {
  '0': '00-anchor.md',
  '1': '01-sgs.md',
  '2': '02-catalogue.md',
  '3': '03-publicity.md',
  '4': '04-joint-measures.md',
  '5': '05-monitoring.md',
  '6': '06-evaluation.md',
  '7': '07-portal.md',
  '8': '08-features.md',
  '9': '09-open-items.md',
  '10': '10-city.md',
};

const SEC = String.raw`\d+(?:\.\d+)*[a-z]?`;
// After a section: an optional qualifier ("rule 7", "rules 1–2", "art. 3") before the next one in a list.
const QUAL = String.raw`(?:\s+(?:rules?|arts?\.)\s+\d+(?:\s*[–-]\s*\d+)?)?`;
// A further section of the same citation: "、§10", ", §1.5", "/§10", "–§3.3", or a range end without § ("–1.3").
const NEXT = String.raw`(?:\s*[、,，/]\s*§${SEC}|\s*[–-]\s*§?${SEC})`;
const OLD = new RegExp(String.raw`DOMAIN(?:\.md)? §(${SEC})${QUAL}((?:${NEXT}${QUAL})*)`, 'g');
const NEW = new RegExp(String.raw`docs/domain/([0-9A-Za-z_-]+\.md) §(${SEC})${QUAL}((?:\s*[、,，/]\s*(?:docs/domain/[0-9A-Za-z_-]+\.md )?§${SEC}${QUAL}|\s*[–-]\s*§?${SEC})*)`, 'g');
// The pieces of a citation's text: qualifiers (kept as they are) and sections, each with what led to it.
const PIECE = new RegExp(
  String.raw`(\s+(?:rules?|arts?\.)\s+\d+(?:\s*[–-]\s*\d+)?)|(^|\s*[、,，/]\s*|\s*[–-]\s*)(docs/domain/[0-9A-Za-z_-]+\.md )?§?(${SEC})`,
  'g',
);

interface Piece {
  raw: string;
  /** a qualifier such as " rule 7": not a section */
  qualifier: boolean;
  lead: string;
  /** the section ends a range ("–1.3") */
  rangeEnd: boolean;
  /** the file named before this section, new form only */
  file: string | null;
  section: string;
}

function piecesOf(citation: string): Piece[] {
  return [...citation.matchAll(PIECE)].map((m) => ({
    raw: m[0],
    qualifier: m[1] !== undefined,
    lead: m[2] ?? '',
    rangeEnd: /[–-]/.test(m[2] ?? ''),
    file: m[3] ? m[3].slice('docs/domain/'.length, -1) : null,
    section: m[4] ?? '',
  }));
}

/** One citation found in a text. */
export interface Citation {
  form: 'old' | 'new';
  line: number;
  text: string;
  /** Every section the citation names, with the file it must be in. */
  targets: Array<{ file: string | null; section: string }>;
}

/** One citation that does not resolve. */
export interface Problem {
  file: string;
  line: number;
  citation: string;
  reason: string;
}

/** The docs/domain file that holds a section, or null when its top-level number has none. */
export function fileOfSection(section: string): string | null {
  return SECTION_FILES[section.split('.')[0].replace(/[a-z]$/, '')] ?? null;
}

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Every citation of the domain rules in a text, old and new form. */
export function findCitations(text: string): Citation[] {
  const out: Citation[] = [];
  for (const m of text.matchAll(OLD)) {
    const sections = piecesOf(m[0].replace(/^DOMAIN(?:\.md)? /, '')).filter((p) => !p.qualifier);
    out.push({ form: 'old', line: lineAt(text, m.index), text: m[0], targets: sections.map((p) => ({ file: fileOfSection(p.section), section: p.section })) });
  }
  for (const m of text.matchAll(NEW)) {
    let file: string | null = null;
    const targets: Citation['targets'] = [];
    for (const p of piecesOf(m[0])) {
      if (p.qualifier) continue;
      if (p.file) file = p.file;
      targets.push({ file, section: p.section });
    }
    out.push({ form: 'new', line: lineAt(text, m.index), text: m[0], targets });
  }
  return out.sort((a, b) => a.line - b.line);
}

/** The old citations of a text in the in-repo form; a list keeps one file name per run of sections in one file. */
export function rewriteText(text: string): string {
  return text.replace(OLD, (whole: string) => {
    let file: string | null = null;
    return piecesOf(whole.replace(/^DOMAIN(?:\.md)? /, ''))
      .map((p) => {
        if (p.qualifier) return p.raw;
        const target = fileOfSection(p.section) ?? 'MISSING.md';
        // A range ("§1.2–1.3") stays inside one file; its end gets its § back.
        if (p.rangeEnd || target === file) return `${p.lead}§${p.section}`;
        file = target;
        return `${p.lead}docs/domain/${target} §${p.section}`;
      })
      .join('');
  });
}

/** The § headings of each docs/domain file: "# §3 …", "## §3.1 …" give "3", "3.1". */
export function domainHeadings(root: string): Map<string, Set<string>> {
  const dir = join(root, 'docs', 'domain');
  const out = new Map<string, Set<string>>();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.md')) continue;
    const sections = new Set<string>();
    for (const m of readFileSync(join(dir, name), 'utf8').matchAll(new RegExp(String.raw`^#{1,4} §(${SEC})(?:\s|$)`, 'gm'))) sections.add(m[1]);
    out.set(name, sections);
  }
  return out;
}

/** Every text file under the given folders of root (node_modules and dot folders skipped), relative to root. */
export function citingFiles(root: string, roots: readonly string[] = CITING_ROOTS): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(join(root, dir));
    } catch {
      return;
    }
    for (const name of entries) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const rel = dir ? `${dir}/${name}` : name;
      if (statSync(join(root, rel)).isDirectory()) walk(rel);
      else if (TEXT_FILE.test(name)) out.push(rel);
    }
  };
  for (const r of roots) walk(r);
  return out.sort();
}

/** Citations in one text (of `file`) whose file or § heading is not among `headings` (domainHeadings). */
export function problemsIn(text: string, file: string, headings: Map<string, Set<string>>): Problem[] {
  const problems: Problem[] = [];
  for (const c of findCitations(text)) {
    for (const t of c.targets) {
      const sections = t.file ? headings.get(t.file) : undefined;
      let reason: string | null = null;
      if (!t.file) reason = `§${t.section} has no file in docs/domain`;
      else if (!sections) reason = `docs/domain/${t.file} does not exist`;
      else if (!sections.has(t.section)) reason = `docs/domain/${t.file} has no heading §${t.section}`;
      if (reason) problems.push({ file, line: c.line, citation: c.text, reason });
    }
  }
  return problems;
}

/** Citations in the files (relative to root) whose file or § heading does not exist under root/docs/domain. */
export function checkCitations(root: string, files: readonly string[] = citingFiles(root)): Problem[] {
  const headings = domainHeadings(root);
  return files.flatMap((file) => problemsIn(readFileSync(join(root, file), 'utf8'), file, headings));
}

/** Whether the rewrite leaves a file alone (applied migrations are never edited). */
export const neverRewritten = (file: string): boolean => NEVER_REWRITE.test(file);

/** Rewrites the old citations in the files (relative to root), migrations excepted; returns the files changed. */
export function rewriteFiles(root: string, files: readonly string[] = citingFiles(root)): string[] {
  const changed: string[] = [];
  for (const file of files) {
    if (NEVER_REWRITE.test(file)) continue;
    const path = join(root, file);
    const before = readFileSync(path, 'utf8');
    const after = rewriteText(before);
    if (after !== before) {
      writeFileSync(path, after);
      changed.push(file);
    }
  }
  return changed;
}

if (process.argv[1] && relative(process.argv[1], import.meta.filename) === '') {
  const root = join(import.meta.dirname, '..');
  if (process.argv.includes('--rewrite')) {
    const changed = rewriteFiles(root);
    console.log(`改写了 ${changed.length} 个文件 / rewrote ${changed.length} files`);
    for (const f of changed) console.log(`  ${f}`);
  }
  const problems = checkCitations(root);
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.citation} — ${p.reason}`);
  if (problems.length) {
    console.error(`${problems.length} 处引用无法解析 / ${problems.length} citations do not resolve`);
    process.exit(1);
  }
  console.log('领域规则引用均可解析 / every domain-rule citation resolves');
}
