// Input normalisation shared by all checkers: trim, full-width → half-width, lower → upper case.
// Every change is reported, because the sender's data is wrong even when we can read it.
import { err, warn, type Reason } from './types.ts';

export interface Normalized {
  value: string;
  reasons: Reason[];
  /** Set when the input cannot be read at all (control characters); checkers stop there. */
  fatal: boolean;
}

/** Shows a character so that invisible ones are still identifiable in a message. */
export function showChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x21 || (cp >= 0x7f && cp <= 0xa0) || (cp >= 0x2000 && cp <= 0x200f) || cp === 0x3000 || cp === 0xfeff) {
    // Spaces set the code point apart from the Chinese text around it.
    return ' U+' + cp.toString(16).toUpperCase().padStart(4, '0') + ' ';
  }
  return `“${ch}”`;
}

/** True for C0/C1 control characters and DEL, which no code may contain. */
export function isControl(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/** Returns the 1-based position of the first control character, or 0 when there is none. */
export function findControl(s: string): number {
  for (let i = 0; i < s.length; i++) if (isControl(s.charCodeAt(i))) return i + 1;
  return 0;
}

/** Trims, folds full-width ASCII to half-width and upper-cases ASCII letters, reporting each change. */
export function normalize(input: string): Normalized {
  // Common case first: printable ASCII without lower case or edge spaces needs no work at all.
  let plain = input.length > 0 && input.charCodeAt(0) > 0x20 && input.charCodeAt(input.length - 1) > 0x20;
  for (let i = 0; plain && i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || (c >= 0x61 && c <= 0x7a)) plain = false;
  }
  if (plain) return { value: input, reasons: [], fatal: false };
  const reasons: Reason[] = [];
  const trimmed = input.trim();
  const ctl = findControl(trimmed);
  if (ctl) {
    const ch = trimmed[ctl - 1];
    reasons.push(err('control_char', `第 ${ctl} 个字符为控制字符 ${showChar(ch).trim()}，无法作为代码处理`));
    return { value: trimmed, reasons, fatal: true };
  }
  if (trimmed.length !== input.length) reasons.push(warn('normalized_whitespace', '已去除首尾空白字符'));
  if (trimmed === '') return { value: '', reasons: [...reasons, err('empty', '输入为空')], fatal: true };

  let out = trimmed;
  let fullwidth = false;
  let lower = false;
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed.charCodeAt(i);
    if ((c >= 0xff01 && c <= 0xff5e) || c === 0x3000) fullwidth = true;
    else if (c >= 0x61 && c <= 0x7a) lower = true;
  }
  if (fullwidth) {
    // Full-width forms U+FF01..U+FF5E map one-to-one onto ASCII 0x21..0x7E.
    out = out.replace(/[\uff01-\uff5e\u3000]/g, (ch) =>
      ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
    );
    reasons.push(warn('normalized_fullwidth', '已将全角字符转换为半角字符'));
    for (let i = 0; i < out.length; i++) {
      const c = out.charCodeAt(i);
      if (c >= 0x61 && c <= 0x7a) lower = true;
    }
  }
  if (lower) {
    // Only ASCII letters: toUpperCase() would also change other scripts (e.g. ß → SS).
    out = out.replace(/[a-z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 32));
    reasons.push(warn('normalized_case', '已将小写字母转换为大写'));
  }
  return { value: out, reasons, fatal: false };
}
