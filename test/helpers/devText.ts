// The development-text guard's patterns (issue 17 §4): what a user must never read — file paths, DOMAIN and §
// citations, [M]/[V] markers, env or enum names, camelCase identifiers, raw ISO timestamps, undefined/null/NaN.
// e2e/console-words.e2e.ts reads every console page with it; API tests read the texts a server sends with it.

/**
 * What a clerk must never read on screen, each as precise as the legitimate text beside it allows: a USCC is capitals
 * and digits without an underscore, a 文号 has no `§`, a date is shown without its `T…Z` tail, and a camelCase
 * identifier stands alone (an API key's random prefix such as ck_a90z8gaCPJk37Ier is one token with digits and `_`).
 */
export const DEV_TEXT: ReadonlyArray<[string, RegExp]> = [
  ['file path', /docs\//g],
  ['DOMAIN citation', /DOMAIN/g],
  ['§ citation', /§\s*\d/g],
  // A confidence tag of the domain notes: [M], [V], [P], with a remark ([M 文号待核], [V/P]), or [公开文件].
  ['[M]/[V]/[P] marker', /\[(?:[MVP](?:[\s/][^\]\n]*)?|公开文件)\]/g],
  ['env or enum name', /(?<![A-Za-z0-9_])[A-Z][A-Z0-9]*_[A-Z0-9_]+/g],
  ['camelCase identifier', /(?<![A-Za-z0-9_-])[a-z]+[A-Z][a-zA-Z]+(?![A-Za-z0-9_-])/g],
  ['ISO timestamp', /\d{4}-\d\d-\d\dT\d\d:/g],
  ['undefined', /(?<![A-Za-z])undefined(?![A-Za-z])/g],
  ['null', /(?<![A-Za-z])null(?![A-Za-z])/g],
  ['NaN', /(?<![A-Za-z])NaN(?![A-Za-z])/g],
  ['[object Object]', /\[object Object\]/g],
];

/** The identifier patterns, which do not apply to what a page marks as a code the user works with. */
const IDENTIFIERS = new Set(['env or enum name', 'camelCase identifier']);

/**
 * Every hit of DEV_TEXT in `text`, each with a little of the text around it. `codes` are the texts of the page's
 * `<code>` elements: a data item's code in the catalogue editor (QT_MC) is data the credit office edits and departments
 * put in their files' headers, marked as such, so an identifier inside one is not a hit; every other pattern still is.
 */
export function devTextHits(text: string, codes: readonly string[] = []): string[] {
  const hits: string[] = [];
  for (const [what, re] of DEV_TEXT) {
    for (const m of text.matchAll(re)) {
      if (IDENTIFIERS.has(what) && codes.some((c) => c.includes(m[0]))) continue;
      const around = text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30).replace(/\s+/g, ' ');
      hits.push(`${what} “${m[0]}” in “…${around}…”`);
    }
  }
  return hits;
}

/** A standard's number as a person cites it (GB 32100-2015, GB/T 39442-2020, DB32/T 4040.5-2021): letters, yet no English. */
const STANDARD_NUMBER = /(?<![A-Za-z])(?:GB|DB\d{2})(?:\/T)?\s?\d/g;

/**
 * What is wrong with one text a user reads (a 认定依据, 出处说明, a checklist's 依据 …), each hit prefixed with `where`:
 * devTextHits, and any English word (two or more Latin letters; a standard's number such as GB/T 39442-2020 is how
 * a person cites the standard, so it is not one).
 */
export function userTextProblems(where: string, text: string | null | undefined): string[] {
  if (!text) return [];
  const english = [...text.replace(STANDARD_NUMBER, ' ').matchAll(/[A-Za-z]{2,}/g)].map((m) => `English “${m[0]}”`);
  return [...devTextHits(text), ...english].map((h) => `${where}: ${h}`);
}
