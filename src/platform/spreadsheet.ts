// Spreadsheet output shared by every export (ARCHITECTURE.md "Files out").

/**
 * Prefixes a text cell that a spreadsheet could run as a formula (starts with = + - @, or a tab/CR)
 * with an apostrophe, so exported data from departments can never execute (formula injection).
 */
export function neutraliseCell(value: string): string {
  return FORMULA_START.has(value.charCodeAt(0)) ? `'${value}` : value;
}

// = + - @ tab CR: a first character test, not a regular expression (a 100,000-row screening neutralises 1.4
// million cells).
const FORMULA_START = new Set([0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d]);
