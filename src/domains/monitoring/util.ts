// Small shared helpers: month arithmetic, rounding, number formatting and HTML escaping.

const MONTH_RE = /^(\d{4})[-/.年](\d{1,2})月?$/;

/** Normalises "2017-7", "2017/07", "2017年7月" to "2017-07"; returns null when it is not a month. */
export function normaliseMonth(raw: string): string | null {
  const m = MONTH_RE.exec(raw.trim());
  if (!m) return null;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  return `${m[1]}-${String(month).padStart(2, '0')}`;
}

/** Every month from `from` to `to` inclusive (both "YYYY-MM"). */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

/** "2017-12" → "2017年12月" for Chinese text. */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-');
  return `${y}年${Number(m)}月`;
}

/** Rounds to `digits` decimals; used before comparisons so float noise (0.1+0.2) never flips a relation. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round((value + Number.EPSILON * Math.sign(value)) * f) / f;
}

/** Fixed two-decimal display of a score. */
export function fmt(value: number, digits = 2): string {
  return round(value, digits).toFixed(digits);
}

/** Percentage text such as "53%" (or "53.3%" with digits = 1). */
export function pct(share: number, digits = 0): string {
  return `${round(share * 100, digits).toFixed(digits)}%`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Terminal display width: CJK and full-width characters take two columns. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

/** Pads to a display width (CJK-aware) for readable console tables. */
export function padDisplay(text: string, width: number, alignRight = false): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return alignRight ? fill + text : text + fill;
}
