// A streaming .xlsx writer for large result files (ARCHITECTURE.md "Files out"): batch screening writes 100,000
// rows of 15 cells (issue 14 "Performance"), and ExcelJS's stream writer spent most of its time and garbage on a
// Row and Cell object, a model and an XML tree per row. This one renders each row straight to text and deflates it
// (zlib, off the main thread) as it goes. A sheet's XML is byte for byte what ExcelJS's
// stream.xlsx.WorkbookWriter({ useStyles: false, useSharedStrings: false }) writes for the same rows (a string
// cell is t="str", a number a plain <v>, null no cell; xlsxwriter.test.ts pins it), inside a smaller package:
// the workbook, its relations, a default style sheet and the sheets, without ExcelJS's theme and docProps.
// Callers neutralise formula-like text first (spreadsheet.ts), as with any export.
import { createDeflateRaw, crc32, type DeflateRaw } from 'node:zlib';

/** A cell: text, a number, or null for no cell. */
export type XlsxCell = string | number | null;

// The characters ExcelJS's xmlEncode escapes, and the control characters XML 1.0 cannot hold, which it drops.
const NEEDS_ENCODING = /[<>&'"\x7F\x00-\x08\x0B-\x0C\x0E-\x1F]/;
const ENCODED: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' };

/** Text as XML character data: & < > " ' escaped, characters XML cannot hold dropped (as ExcelJS does). */
export function xmlText(s: string): string {
  return NEEDS_ENCODING.test(s) ? s.replace(/[<>&'"\x7F\x00-\x08\x0B-\x0C\x0E-\x1F]/g, (c) => ENCODED[c] ?? '') : s;
}

/** Column letters of 1-based column n (1 → A, 27 → AA). */
export function columnName(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

const SHEET_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"><sheetFormatPr defaultRowHeight="15" outlineLevelRow="0" outlineLevelCol="0" x14ac:dyDescent="55"/><sheetData>';
const SHEET_TAIL =
  '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><pageSetup orientation="portrait" horizontalDpi="4294967295" verticalDpi="4294967295" scale="100" fitToWidth="1" fitToHeight="1"/></worksheet>';
// Rows are encoded into blocks of this many bytes, handed to zlib whole: few writes, little held at once.
const BLOCK = 1 << 20;
// Bytes handed to zlib and not yet deflated that a writer lets pile up before it waits (some 25,000 rows).
const BACKLOG = 16 << 20;

/** One compressed part of the package: its name, CRC-32, sizes and deflated bytes. */
interface Part {
  name: string;
  crc: number;
  size: number;
  data: Buffer[];
  compressed: number;
}

/** Deflates one part as text is written to it; `end` resolves to the part once zlib has flushed. */
class PartWriter {
  private readonly z: DeflateRaw;
  private readonly out: Buffer[] = [];
  private readonly ended: Promise<void>;
  private crc = 0;
  private size = 0;

  constructor(
    private readonly name: string,
    level: number,
  ) {
    this.z = createDeflateRaw({ level });
    this.z.on('data', (b: Buffer) => this.out.push(b));
    this.ended = new Promise((resolve, reject) => {
      this.z.once('end', resolve);
      this.z.once('error', reject);
    });
  }

  /**
   * Writes bytes, all of them before the first await (so writes land in the order they were called). zlib
   * deflates on its own thread meanwhile; only a backlog over BACKLOG bytes is waited for (until zlib has taken it
   * all), so the caller goes on with its next rows instead of waiting for each batch on a busy machine, and
   * memory stays bounded.
   */
  async write(buffers: readonly Buffer[]): Promise<void> {
    for (const b of buffers) {
      this.crc = crc32(b, this.crc);
      this.size += b.length;
      this.z.write(b);
    }
    if (this.z.writableLength > BACKLOG) await new Promise<void>((resolve) => this.z.once('drain', resolve));
  }

  async end(): Promise<Part> {
    this.z.end();
    await this.ended;
    return { name: this.name, crc: this.crc, size: this.size, data: this.out, compressed: this.out.reduce((n, b) => n + b.length, 0) };
  }
}

/** A worksheet being written: rows in order, from row 1. */
export class XlsxSheetWriter {
  private rowNumber = 0;
  private readonly part: PartWriter;
  // Rows are encoded into blocks one by one as they are added: encoding a long string built of many short ones
  // (a row is some 45 pieces) cost twice as much as encoding each row.
  private block = Buffer.allocUnsafe(BLOCK);
  private used = 0;
  private sealed: Buffer[] = [];

  /** @internal made by XlsxWriter.addSheet */
  constructor(
    readonly name: string,
    path: string,
    level: number,
  ) {
    this.part = new PartWriter(path, level);
    this.append(SHEET_HEAD);
  }

  /** Adds the next row; text is written as typed (neutralise formula-like text before). */
  addRow(cells: readonly XlsxCell[]): void {
    const r = ++this.rowNumber;
    let min = 0;
    let max = 0;
    let xml = '';
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i];
      if (v === undefined) continue;
      // A null is no cell, but counts in the row's span (ExcelJS makes it an empty cell, which it never writes).
      if (!min) min = i + 1;
      max = i + 1;
      if (v === null) continue;
      const ref = `${i < 26 ? String.fromCharCode(65 + i) : columnName(i + 1)}${r}`;
      xml += typeof v === 'number' ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="str"><v>${xmlText(v)}</v></c>`;
    }
    // A row without a value is not written (ExcelJS leaves it out too), but it still takes its number.
    if (xml) this.append(`<row r="${r}" spans="${min}:${max}" x14ac:dyDescent="0.25">${xml}</row>`);
    // A long batch between two flush() calls: hand the full blocks over now, without waiting (zlib buffers them).
    if (this.sealed.length >= 4) void this.flush();
  }

  /** Hands the rows added so far to zlib; waits only while zlib is far behind (call between batches of rows). */
  async flush(): Promise<void> {
    this.seal();
    const b = this.sealed;
    this.sealed = [];
    await this.part.write(b);
  }

  /** @internal the sheet's closing text, then its finished part */
  async close(): Promise<Part> {
    this.append(SHEET_TAIL);
    await this.flush();
    return this.part.end();
  }

  private append(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    if (this.used + s.length * 3 > BLOCK) this.seal();
    if (s.length * 3 > BLOCK) this.sealed.push(Buffer.from(s, 'utf8'));
    else this.used += this.block.write(s, this.used, 'utf8');
  }

  private seal(): void {
    if (!this.used) return;
    this.sealed.push(this.block.subarray(0, this.used));
    this.block = Buffer.allocUnsafe(BLOCK);
    this.used = 0;
  }
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const STYLES = `${XML_HEAD}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/></styleSheet>`;

/**
 * A workbook written as it goes: add sheets, add their rows (awaiting flush() between batches), then finish()
 * for the .xlsx bytes. Sheets may be filled in any order; they appear in the order they were added.
 */
export class XlsxWriter {
  private readonly sheets: XlsxSheetWriter[] = [];

  /** level: zlib's deflate level (1, the fastest, is also what ExcelJS's writer used). */
  constructor(private readonly level = 1) {}

  addSheet(name: string): XlsxSheetWriter {
    const s = new XlsxSheetWriter(name, `xl/worksheets/sheet${this.sheets.length + 1}.xml`, this.level);
    this.sheets.push(s);
    return s;
  }

  /** Closes every sheet and returns the package. */
  async finish(): Promise<Buffer> {
    const sheetParts = await Promise.all(this.sheets.map((s) => s.close()));
    const n = this.sheets.length;
    const ids = this.sheets.map((_, i) => i + 1);
    const fixed: Array<[string, string]> = [
      [
        '[Content_Types].xml',
        `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${ids.map((i) => `<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
      ],
      [
        '_rels/.rels',
        `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ],
      [
        'xl/workbook.xml',
        `${XML_HEAD}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/><sheets>${this.sheets.map((s, i) => `<sheet name="${xmlText(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`,
      ],
      [
        'xl/_rels/workbook.xml.rels',
        `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${ids.map((i) => `<Relationship Id="rId${i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i}.xml"/>`).join('')}<Relationship Id="rId${n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
      ],
      ['xl/styles.xml', STYLES],
    ];
    const fixedParts = await Promise.all(
      fixed.map(async ([name, text]) => {
        const p = new PartWriter(name, this.level);
        await p.write([Buffer.from(text, 'utf8')]);
        return p.end();
      }),
    );
    return zip([...fixedParts, ...sheetParts]);
  }
}

/**
 * The fields a local header and a central directory entry share, from `at`: version needed (2.0, deflate), no
 * flags, method deflate, DOS time and date (1980-01-01 00:00, the format's epoch: the file says nothing about
 * when), CRC-32, compressed and uncompressed sizes, and the name's length.
 */
function sharedFields(b: Buffer, at: number, p: Part, nameLength: number): void {
  b.writeUInt16LE(20, at);
  b.writeUInt16LE(0, at + 2);
  b.writeUInt16LE(8, at + 4);
  b.writeUInt16LE(0, at + 6);
  b.writeUInt16LE((1 << 5) | 1, at + 8);
  b.writeUInt32LE(p.crc >>> 0, at + 10);
  b.writeUInt32LE(p.compressed, at + 14);
  b.writeUInt32LE(p.size, at + 18);
  b.writeUInt16LE(nameLength, at + 22);
}

// The zip container (PKWARE APPNOTE 4.3): a local header before each deflated part, then the central directory.
// No zip64: a part or the whole file over 4 GiB is refused (a 100,000-row screening is about 60 MB of XML).
function zip(parts: readonly Part[]): Buffer {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    if (p.size > 0xffffffff || p.compressed > 0xffffffff || offset > 0xffffffff) throw new Error('xlsx part too large for zip without zip64');
    const name = Buffer.from(p.name, 'utf8');
    // Local header: signature, the shared fields, no extra field.
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    sharedFields(local, 4, p, name.length);
    // Central directory entry: signature, version made by, the shared fields, then (all zero: no comment, disk 0,
    // no attributes) and where the local header starts.
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    sharedFields(entry, 6, p, name.length);
    entry.writeUInt32LE(offset, 42);
    out.push(local, name, ...p.data);
    central.push(entry, name);
    offset += local.length + name.length + p.compressed;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...out, ...central, end]);
}
