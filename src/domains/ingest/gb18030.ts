// GB18030 encoder. Node ships a GB18030 *decoder* (TextDecoder, full ICU) but no encoder, and we
// do not depend on iconv-lite. The tables are derived from the decoder itself, so encode and
// decode agree by construction. Used for test fixtures, the import benchmark's GB18030 CSV and,
// later, GBK error-file exports for departments whose software expects it.

let two: Uint16Array | null = null; // BMP code point → 2-byte sequence (lead << 8 | trail), 0 = none
let four: Uint32Array | null = null; // BMP code point → 4-byte sequence, 0 = none

/** Builds the 2-byte table by decoding every 2-byte sequence once (~24k decodes). */
function twoByteTable(): Uint16Array {
  if (two) return two;
  const t = new Uint16Array(65536);
  const dec = new TextDecoder('gb18030');
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const s = dec.decode(pair);
      if (s.length !== 1) continue;
      const cp = s.charCodeAt(0);
      if (cp === 0xfffd || t[cp] !== 0) continue;
      t[cp] = (lead << 8) | trail;
    }
  }
  two = t;
  return t;
}

/** Builds the 4-byte BMP table on first need (characters outside GBK, ~50k decodes). */
function fourByteTable(): Uint32Array {
  if (four) return four;
  const t = new Uint32Array(65536);
  const dec = new TextDecoder('gb18030');
  const q = new Uint8Array(4);
  for (let b1 = 0x81; b1 <= 0x84; b1++) {
    for (let b2 = 0x30; b2 <= 0x39; b2++) {
      for (let b3 = 0x81; b3 <= 0xfe; b3++) {
        for (let b4 = 0x30; b4 <= 0x39; b4++) {
          q[0] = b1;
          q[1] = b2;
          q[2] = b3;
          q[3] = b4;
          const s = dec.decode(q);
          if (s.length !== 1) continue;
          const cp = s.charCodeAt(0);
          if (cp === 0xfffd || t[cp] !== 0) continue;
          t[cp] = ((b1 << 24) | (b2 << 16) | (b3 << 8) | b4) >>> 0;
        }
      }
    }
  }
  four = t;
  return t;
}

/** Encodes a string as GB18030 bytes. Throws on a lone surrogate. */
export function encodeGb18030(s: string): Buffer {
  const t2 = twoByteTable();
  const out = Buffer.allocUnsafe(s.length * 4);
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const lo = s.charCodeAt(i + 1);
      if (!(lo >= 0xdc00 && lo <= 0xdfff)) throw new RangeError(`无法编码的字符（孤立代理项）位于第 ${i + 1} 个字符`);
      // Supplementary planes are one linear range starting at 0x90308130.
      let idx = ((c - 0xd800) << 10) + (lo - 0xdc00);
      const b4 = 0x30 + (idx % 10);
      idx = Math.floor(idx / 10);
      const b3 = 0x81 + (idx % 126);
      idx = Math.floor(idx / 126);
      const b2 = 0x30 + (idx % 10);
      const b1 = 0x90 + Math.floor(idx / 10);
      out[o++] = b1;
      out[o++] = b2;
      out[o++] = b3;
      out[o++] = b4;
      i++;
      continue;
    }
    const p = t2[c];
    if (p !== 0) {
      out[o++] = p >> 8;
      out[o++] = p & 0xff;
      continue;
    }
    const q = fourByteTable()[c];
    if (q === 0) throw new RangeError(`无法用 GB18030 编码字符 U+${c.toString(16).toUpperCase()}`);
    out[o++] = q >>> 24;
    out[o++] = (q >>> 16) & 0xff;
    out[o++] = (q >>> 8) & 0xff;
    out[o++] = q & 0xff;
  }
  return out.subarray(0, o);
}
