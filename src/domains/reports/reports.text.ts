// Line breaking for the report PDF. pdfmake treats every Chinese character as a word and lays out, styles
// and draws each one separately, which made a 20-record report cost ~350 ms of CPU. The renderer instead
// gives pdfmake whole lines, broken here with the fonts' own advance widths: Chinese may break between any
// two characters, Latin words and numbers stay whole unless longer than a line, and closing punctuation
// never starts a line nor opening punctuation end one (避头尾).
/** The part of a fontkit font this module uses. */
export interface FontkitFont {
  unitsPerEm: number;
  glyphForCodePoint(cp: number): { advanceWidth: number };
}

/** Advance widths (in em) of the characters of one font, memoised per character. */
export class WidthTable {
  private readonly cache = new Map<number, number>();
  constructor(private readonly font: FontkitFont) {}

  /** Width of one character, in em. */
  char(cp: number): number {
    let w = this.cache.get(cp);
    if (w === undefined) {
      w = this.font.glyphForCodePoint(cp).advanceWidth / this.font.unitsPerEm;
      this.cache.set(cp, w);
    }
    return w;
  }

  /** Width of a string at a font size, in points. */
  width(s: string, size: number): number {
    let em = 0;
    for (const ch of s) em += this.char(ch.codePointAt(0)!);
    return em * size;
  }
}

// 避头尾: characters that may not begin a line, and characters that may not end one.
const NO_START = new Set([...'，。、；：？！…‥）〕］｝〉》」』】〗〙’”％‰·・—～,.;:?!)]}%>']);
const NO_END = new Set([...'（〔［｛〈《「『【〖〘‘“(<[{']);
// Characters kept together as one Latin "word": letters, digits and the signs inside numbers, codes and URLs.
const WORD_CHAR = /[0-9A-Za-z.\-_/:%@#&+=?~*]/;

/** Splits text into units that may not be broken (a Chinese character, a Latin word, a space). */
function units(line: string): string[] {
  const out: string[] = [];
  let word = '';
  for (const ch of line) {
    if (WORD_CHAR.test(ch)) {
      word += ch;
      continue;
    }
    if (word) {
      out.push(word);
      word = '';
    }
    out.push(ch);
  }
  if (word) out.push(word);
  // Glue: closing punctuation to the unit before it, opening punctuation to the unit after it.
  const glued: string[] = [];
  let carry = '';
  for (const u of out) {
    if (NO_START.has(u[0]) && glued.length && !carry) glued[glued.length - 1] += u;
    else if (NO_END.has(u[u.length - 1])) carry += u;
    else {
      glued.push(carry + u);
      carry = '';
    }
  }
  if (carry) glued.push(carry);
  return glued;
}

/**
 * Breaks text into lines no wider than `maxWidth` points at `size`: explicit newlines are kept, spaces at
 * the end of a line are dropped, a unit longer than a line is cut between characters.
 */
export function breakLines(text: string, maxWidth: number, size: number, widths: WidthTable): string[] {
  const lines: string[] = [];
  for (const para of text.replace(/\r\n?/g, '\n').split('\n')) {
    let line = '';
    let lineWidth = 0;
    const flush = () => {
      lines.push(line.replace(/\s+$/, ''));
      line = '';
      lineWidth = 0;
    };
    for (const u of units(para)) {
      const w = widths.width(u, size);
      if (lineWidth + w <= maxWidth) {
        line += u;
        lineWidth += w;
        continue;
      }
      if (line.trim()) flush();
      if (/^\s+$/.test(u)) continue;
      if (w <= maxWidth) {
        line = u;
        lineWidth = w;
        continue;
      }
      // Longer than a whole line (a long code or URL): cut it between characters.
      for (const ch of u) {
        const cw = widths.width(ch, size);
        if (lineWidth + cw > maxWidth && line) flush();
        line += ch;
        lineWidth += cw;
      }
    }
    if (line || !lines.length || para === '') flush();
  }
  return lines;
}
