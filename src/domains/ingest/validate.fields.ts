// Field-type checks of the row validator: one parser per catalogue field, built once per import,
// for text and codes (length, control characters, numeric code cells), dates (with 长期), integers
// and decimals (range, precision), enumerations and sets (with a bounded cache per field, since
// files repeat a few values). A parser writes the normalised value or reports the field's error.
import type { DataItem } from '../catalog/index.ts';
import { lookupEnum } from '../catalog/index.ts';
import { isoOfEpochDay } from '../../platform/workCalendar.ts';
import { LONG_TERM_ISO, parseSetValue } from '../publicity/index.ts';
import { bounded, codeNormalize, findControl, parseDateCell, parseNumber } from './validate.cells.ts';
import { isLongTermSpelling } from './validate.dates.ts';
import type { Scratch, ValidatorModel } from './validate.model.ts';

/** Reads one trimmed, non-empty cell into the row's values (or reports the field's error). */
export type FieldParser = (raw: string, numericCell: boolean, s: Scratch) => void;

/** Builds the parser of one field (its type, limits and enumeration resolved once). */
export function compileFieldParser(k: ValidatorModel, f: DataItem): FieldParser {
  const { c, err } = k;
  const code = f.code;
  const multiline = f.multiline === true;
  const maxLen = f.maxLength ?? Infinity;
  const checkControl = (raw: string, s: Scratch): boolean => {
    const at = findControl(raw, multiline);
    if (at < 0) return true;
    const cp = raw.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
    err(s, code, 'control_char', `第 ${at + 1} 个字符为控制字符 U+${cp}，请删除后重新填写`);
    return false;
  };
  switch (f.type) {
    case 'string':
      if (f.codeKind) {
        return (raw, numericCell, s) => {
          if (!checkControl(raw, s)) return;
          if (numericCell) {
            err(s, code, 'code_numeric_cell', '代码列为数字格式，18 位代码可能已损坏，请将该列设为文本后重新填写');
            return;
          }
          const v = codeNormalize(raw);
          if ((f.codeKind === 'tax' || f.codeKind === 'cert') && v.length > maxLen) {
            err(s, code, 'too_long', `超过最大长度 ${maxLen} 位（实际 ${v.length} 位）`);
            return;
          }
          s.values[code] = v; // identity checks run after all fields are parsed
        };
      }
      return (raw, _n, s) => {
        if (!checkControl(raw, s)) return;
        if (raw.length > maxLen) {
          err(s, code, 'too_long', `超过最大长度 ${maxLen} 字（实际 ${raw.length} 字）`);
          return;
        }
        s.values[code] = raw;
      };
    case 'date': {
      const longTerm = f.longTermAllowed === true;
      return (raw, numericCell, s) => {
        if (!checkControl(raw, s)) return;
        if (longTerm && isLongTermSpelling(raw)) {
          s.values[code] = LONG_TERM_ISO;
          return;
        }
        const day = parseDateCell(raw, numericCell);
        if (Number.isNaN(day)) {
          err(s, code, 'date_invalid', `“${raw}”不是有效日期，请按 YYYY-MM-DD 或 YYYY/MM/DD 填写`);
          return;
        }
        s.values[code] = isoOfEpochDay(day);
      };
    }
    case 'integer':
    case 'decimal': {
      const isInt = f.type === 'integer';
      const maxDec = isInt ? 0 : (f.decimals ?? 6);
      return (raw, numericCell, s) => {
        const p = parseNumber(raw, numericCell);
        if (!p) {
          err(s, code, isInt ? 'integer_invalid' : 'number_invalid', `“${raw}”不是有效数字${f.role === 'amount' || f.role === 'confiscation_amount' ? '（金额只填数字，单位为万元）' : ''}`);
          return;
        }
        if (f.min !== undefined && p.value < f.min) {
          if (f.min === 0) err(s, code, 'amount_negative', `不能为负数（${raw}）`);
          else err(s, code, 'out_of_range', `不能小于 ${f.min}（${raw}）`);
          return;
        }
        if (f.max !== undefined && p.value > f.max) {
          err(s, code, 'out_of_range', `不能大于 ${f.max}（${raw}）`);
          return;
        }
        if (p.decimals > maxDec) {
          if (isInt) err(s, code, 'integer_invalid', `应为整数（${raw}）`);
          else err(s, code, 'decimal_precision', `最多 ${maxDec} 位小数（${raw}）`);
          return;
        }
        s.values[code] = p.value;
      };
    }
    case 'enum': {
      const table = c.enums.get(code)!;
      const cache = new Map<string, string | null>();
      const allowed = table.values.map((v) => `${v.code} ${v.label}`).join('、');
      return (raw, _n, s) => {
        let hit = cache.get(raw);
        if (hit === undefined) hit = bounded(cache, raw, lookupEnum(table, raw) ?? null);
        if (hit === null) {
          err(s, code, 'enum_invalid', `“${raw}”不在可选值中（可填：${allowed}）`);
          return;
        }
        s.values[code] = hit;
      };
    }
    case 'set': {
      const table = c.enums.get(code)!;
      const cache = new Map<string, { codes: string[]; bad: string[] }>();
      return (raw, _n, s) => {
        if (raw.length > maxLen) {
          err(s, code, 'too_long', `超过最大长度 ${maxLen} 字（实际 ${raw.length} 字）`);
          return;
        }
        let r = cache.get(raw);
        if (r === undefined) r = bounded(cache, raw, parseSetValue(table, raw));
        if (r.bad.length) {
          err(s, code, 'enum_invalid', `${r.bad.map((b) => `“${b}”`).join('、')}不在可选值中（可填：${table.values.map((v) => v.label).join('、')}）`);
          return;
        }
        if (r.codes.length === 0) return;
        s.values[code] = r.codes.join(';');
        s.sets.set(code, r.codes);
      };
    }
  }
}
