// Two readings of catalogue cells that the publicity engine decides on and ingest's row validator
// applies when it reads a file: the 长期 date convention and multi-valued 处罚类别 cells. They live
// here, beside the rules that depend on them, so that ingest imports publicity (through index.ts)
// and publicity imports nothing of ingest (no import circle between the two domains).
import { lookupEnum, type EnumTable } from '../catalog/index.ts';

/** 2099-12-31: the "长期" (no expiry) convention (docs/domain/01-sgs.md §1.3; sgs_headers_2019_permit.txt). */
export const LONG_TERM_ISO = '2099-12-31';

const SET_SEPARATORS = new Set([0x3001 /* 、 */, 0x3b, 0xff1b, 0x2c, 0xff0c, 0x7c, 0x0a, 0x0d]);

/**
 * Splits a multi-valued cell (处罚类别) into enum codes. Labels may themselves contain "、" (the
 * pre-2021 "没收违法所得、没收非法财物"), so adjacent pieces are re-joined greedily, longest first.
 */
export function parseSetValue(table: EnumTable, raw: string): { codes: string[]; bad: string[] } {
  const pieces: string[] = [];
  const seps: string[] = [];
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (SET_SEPARATORS.has(c)) {
      pieces.push(cur);
      seps.push(raw[i]);
      cur = '';
    } else {
      cur += raw[i];
    }
  }
  pieces.push(cur);
  const codes: string[] = [];
  const bad: string[] = [];
  let i = 0;
  while (i < pieces.length) {
    if (pieces[i].trim() === '') {
      i++;
      continue;
    }
    let hit: string | undefined;
    let j = Math.min(pieces.length - 1, i + 3);
    for (; j >= i; j--) {
      let joined = pieces[i];
      for (let k = i + 1; k <= j; k++) joined += seps[k - 1] + pieces[k];
      hit = lookupEnum(table, joined);
      if (hit !== undefined) break;
    }
    if (hit !== undefined) {
      if (!codes.includes(hit)) codes.push(hit);
      i = j + 1;
    } else {
      bad.push(pieces[i].trim());
      i++;
    }
  }
  return { codes, bad };
}
