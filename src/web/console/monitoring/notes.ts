// Notes the server ships with its data (a tree's or taxonomy's `source`) are written for developers:
// they cite docs/domain sections, issues and the [M]/[V] markers. The console shows them to the credit
// office (issue 17 §4: no "DOMAIN §5.2 … [V]" on screen), so the references are taken out.

const REFERENCES = [
  /docs\/domain\/[\w.-]+\.md\s*§\s*[\d.]+(\s*第\s*\d+\s*项)?/g,
  /\bDOMAIN\s*§\s*[\d.]+/g,
  /\bissue\s*\d+\s*§\s*[\d.]+/gi,
  /\s*\[(M|V|S)\]/g,
  /[（(]\s*maxKnown:[^）)]*[）)]/g,
];

/** A developer's note as plain Chinese: citations, markers and field names removed, punctuation tidied. */
export function plainNote(text: string | null | undefined): string {
  let s = text ?? '';
  for (const r of REFERENCES) s = s.replace(r, '');
  return s
    .replace(/[（(]\s*[）)]/g, '')
    .replace(/^[\s、，,：:；;]+/, '')
    .replace(/([；;，,])\s*[、，,：:；;]+/g, '$1')
    .replace(/\s{2,}/g, ' ')
    .trim();
}
