// Spreadsheet output shared by every export (ARCHITECTURE.md "Files out").

/**
 * Prefixes a text cell that a spreadsheet could run as a formula (starts with = + - @, or a tab/CR)
 * with an apostrophe, so exported data from departments can never execute (formula injection).
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
