// Citations of the domain rules resolve inside the repository (issue 12 §1): every "DOMAIN §x" comment (old
// form, until scripts/domain-links.ts --rewrite runs on the merged tree) and every docs/domain/<file> §x link
// names a file and a § heading that exist under docs/domain; and the rewrite turns each old citation into a
// link that resolves. Citations in this file are built by concatenation so that the tree check does not see them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkCitations,
  citingFiles,
  domainHeadings,
  findCitations,
  neverRewritten,
  problemsIn,
  rewriteText,
  SECTION_FILES,
} from '../scripts/domain-links.ts';

const root = join(import.meta.dirname, '..');
const OLD = 'DOMAIN';
const NEW = 'docs/domain/';

test('every citation in src, test, bench and scripts names an existing docs/domain file and § heading', () => {
  const files = citingFiles(root);
  const cited = files.flatMap((f) => findCitations(readFileSync(join(root, f), 'utf8')));
  // The tree cites the rules a few hundred times; finding none would mean the pattern broke.
  assert.ok(cited.length > 200, `only ${cited.length} citations found`);
  assert.deepEqual(checkCitations(root, files), []);
});

test('every top-level section has its file, and that file has the section heading', () => {
  const headings = domainHeadings(root);
  for (const [n, file] of Object.entries(SECTION_FILES)) {
    assert.ok(headings.get(file)?.has(n), `${file} lacks § ${n}`);
  }
});

test('the rewrite gives in-repo links that resolve, one file name per run of sections in one file', () => {
  const headings = domainHeadings(root);
  const cases: Array<[string, string]> = [
    [`(${OLD} §3.1)`, `(${NEW}03-publicity.md §3.1)`],
    [`see ${OLD}.md §1.2–1.3, §2.2.`, `see ${NEW}01-sgs.md §1.2–§1.3, ${NEW}02-catalogue.md §2.2.`],
    [`(${OLD} §5.1、§10：报告)`, `(${NEW}05-monitoring.md §5.1、${NEW}10-city.md §10：报告)`],
    [`(${OLD} §1.4 rules 1–2, §1.5)`, `(${NEW}01-sgs.md §1.4 rules 1–2, §1.5)`],
    [`(${OLD} §3.5, §1.4 rule 7, §3.3 art. 3)`, `(${NEW}03-publicity.md §3.5, ${NEW}01-sgs.md §1.4 rule 7, ${NEW}03-publicity.md §3.3 art. 3)`],
    [`${OLD} §5.1/§10, weights`, `${NEW}05-monitoring.md §5.1/${NEW}10-city.md §10, weights`],
    [`(${OLD} §4.1a [V])`, `(${NEW}04-joint-measures.md §4.1a [V])`],
  ];
  for (const [before, after] of cases) {
    assert.equal(rewriteText(before), after);
    assert.deepEqual(problemsIn(after, 'case', headings), [], after);
    assert.deepEqual(findCitations(after).map((c) => c.targets), findCitations(before).map((c) => c.targets), after);
  }
  // Over the whole tree: nothing old is left where the rewrite runs, and everything resolves.
  for (const file of citingFiles(root)) {
    if (neverRewritten(file)) continue;
    const rewritten = rewriteText(readFileSync(join(root, file), 'utf8'));
    assert.deepEqual(problemsIn(rewritten, file, headings), []);
    assert.ok(findCitations(rewritten).every((c) => c.form === 'new'), file);
  }
});

test('the check fails on a citation of a missing file or heading, in either form', () => {
  const dir = mkdtempSync(join(tmpdir(), 'domain-links-'));
  try {
    cpSync(join(root, 'docs', 'domain'), join(dir, 'docs', 'domain'), { recursive: true });
    mkdirSync(join(dir, 'src'));
    writeFileSync(
      join(dir, 'src', 'bad.ts'),
      [
        `// fine (${OLD} §3.3), fine (${NEW}01-sgs.md §1.4 rule 7)`,
        `// no such heading (${OLD} §3.9)`,
        `// no such heading (${NEW}03-publicity.md §3.3、§3.8)`,
        `// no such file (${NEW}99-nothing.md §1.1)`,
        `// no such section file (${OLD}.md §11.2)`,
      ].join('\n'),
    );
    const problems = checkCitations(dir);
    assert.deepEqual(
      problems.map((p) => [p.file, p.line, p.reason]),
      [
        ['src/bad.ts', 2, `${NEW}03-publicity.md has no heading §3.9`],
        ['src/bad.ts', 3, `${NEW}03-publicity.md has no heading §3.8`],
        ['src/bad.ts', 4, `${NEW}99-nothing.md does not exist`],
        ['src/bad.ts', 5, '§11.2 has no file in docs/domain'],
      ],
    );
    // A heading removed from the docs breaks the citations of it.
    rmSync(join(dir, 'src', 'bad.ts'));
    writeFileSync(join(dir, 'src', 'ok.ts'), `// (${OLD} §4.1b)\n`);
    assert.deepEqual(checkCitations(dir), []);
    const file = join(dir, 'docs', 'domain', SECTION_FILES['4']);
    writeFileSync(file, readFileSync(file, 'utf8').replace('## §4.1b', '## 4.1b'));
    assert.equal(checkCitations(dir).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
