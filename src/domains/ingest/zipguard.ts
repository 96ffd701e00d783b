// Zip-bomb guard for .xlsx uploads (an .xlsx is a zip of XML parts). Runs on the whole upload
// before exceljs streams it:
//   1. reads the central directory: entry count, declared uncompressed total, per-entry ratio;
//   2. checks each local header against its directory entry and that no two entries overlap
//      (the "overlapping files" bomb reuses one compressed blob for many entries);
//   3. inflates every entry once, discarding the output, and stops as soon as an entry produces
//      more than it declared — a directory that lies about sizes is caught here, because exceljs'
//      zip reader (unzipper) would otherwise inflate whatever the data holds.
import { createInflateRaw } from 'node:zlib';
import { IngestError } from './errors.ts';

export interface ZipLimits {
  /** Sum of uncompressed sizes (default 500 MiB). */
  maxUncompressedBytes?: number;
  /** Uncompressed / compressed, per entry and overall (default 100). */
  maxRatio?: number;
  /** Ratio is only judged for entries (and totals) above this size (default 1 MiB). */
  ratioMinBytes?: number;
  /** Entries in the archive (default 10 000). */
  maxEntries?: number;
  /** Inflate every entry to verify the declared sizes (default true). */
  verifyInflate?: boolean;
}

export interface ZipEntryInfo {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  dataOffset: number;
}

export interface ZipSummary {
  entries: ZipEntryInfo[];
  totalUncompressed: number;
  totalCompressed: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CDH = 0x02014b50;
const SIG_LFH = 0x04034b50;
const MiB = 1024 * 1024;

const unreadable = (why: string) =>
  new IngestError('xlsx_unreadable', `文件已损坏或不是有效的 xlsx 文件（${why}）。请用 Excel 打开后重新保存为 .xlsx 再上传`);

const bomb = (why: string, details: Record<string, unknown>) =>
  new IngestError('zip_bomb', `文件解压后体积异常（${why}），为保护系统已拒绝处理。请检查文件或拆分后重新上传`, details);

/** Reads a 64-bit little-endian size as a JS number (exact up to 2^53). */
function u64(buf: Buffer, at: number): number {
  return Number(buf.readBigUInt64LE(at));
}

/** Parses the central directory; throws `xlsx_unreadable` when the zip structure is broken. */
export function readZipDirectory(buf: Buffer, maxEntries = 10_000): ZipSummary {
  // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw unreadable('找不到 zip 目录');
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== SIG_ZIP64_LOCATOR) throw unreadable('zip64 目录定位记录缺失');
    const z = u64(buf, loc + 8);
    if (z + 56 > buf.length || buf.readUInt32LE(z) !== SIG_ZIP64_EOCD) throw unreadable('zip64 目录记录缺失');
    count = u64(buf, z + 32);
    cdSize = u64(buf, z + 40);
    cdOffset = u64(buf, z + 48);
  }
  if (count > maxEntries) throw bomb(`包含 ${count} 个条目`, { entries: count });
  if (cdOffset + cdSize > buf.length) throw unreadable('zip 目录超出文件范围');

  const entries: ZipEntryInfo[] = [];
  let p = cdOffset;
  let totalUncompressed = 0;
  let totalCompressed = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== SIG_CDH) throw unreadable('zip 目录条目损坏');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    let compressedSize = buf.readUInt32LE(p + 20);
    let uncompressedSize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    let localHeaderOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    // zip64 extended information: the 64-bit values follow in this order, only for fields set to ~0.
    let e = p + 46 + nameLen;
    const eEnd = e + extraLen;
    while (e + 4 <= eEnd) {
      const id = buf.readUInt16LE(e);
      const len = buf.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressedSize === 0xffffffff) {
          uncompressedSize = u64(buf, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(buf, q);
          q += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(buf, q);
      }
      e += 4 + len;
    }
    if (flags & 0x1) throw unreadable('文件已加密');
    if (method !== 0 && method !== 8) throw unreadable(`不支持的压缩方式 ${method}`);
    entries.push({ name, method, compressedSize, uncompressedSize, localHeaderOffset, dataOffset: -1 });
    totalUncompressed += uncompressedSize;
    totalCompressed += compressedSize;
    p += 46 + nameLen + extraLen + commentLen;
  }
  // Data offsets come from the local headers (their extra field may differ from the directory's).
  for (const en of entries) {
    const o = en.localHeaderOffset;
    if (o + 30 > buf.length || buf.readUInt32LE(o) !== SIG_LFH) throw unreadable(`条目 ${en.name} 的本地头损坏`);
    const method = buf.readUInt16LE(o + 8);
    const nameLen = buf.readUInt16LE(o + 26);
    const extraLen = buf.readUInt16LE(o + 28);
    if (method !== en.method || buf.toString('utf8', o + 30, o + 30 + nameLen) !== en.name) {
      throw unreadable(`条目 ${en.name} 的本地头与目录不一致`);
    }
    en.dataOffset = o + 30 + nameLen + extraLen;
    if (en.dataOffset + en.compressedSize > buf.length) throw unreadable(`条目 ${en.name} 超出文件范围`);
  }
  return { entries, totalUncompressed, totalCompressed };
}

/** Inflates one entry, discarding output; resolves to the produced size, stopping past `limit`. */
function inflatedSize(data: Buffer, limit: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const inf = createInflateRaw({ chunkSize: 64 * 1024 });
    let total = 0;
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      fn();
    };
    inf.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        finish(() => resolve(total));
        inf.destroy();
      }
    });
    inf.on('end', () => finish(() => resolve(total)));
    inf.on('error', (err) => finish(() => reject(err)));
    inf.end(data);
  });
}

/**
 * Throws `zip_bomb` when the archive would inflate beyond the limits, `xlsx_unreadable` when it is
 * not a readable zip. Resolves with the directory summary otherwise.
 */
export async function assertSafeZip(buf: Buffer, limits: ZipLimits = {}): Promise<ZipSummary> {
  const maxTotal = limits.maxUncompressedBytes ?? 500 * MiB;
  const maxRatio = limits.maxRatio ?? 100;
  const ratioMin = limits.ratioMinBytes ?? MiB;
  const summary = readZipDirectory(buf, limits.maxEntries ?? 10_000);
  const mb = (n: number) => (n / MiB).toFixed(1);

  if (summary.totalUncompressed > maxTotal) {
    throw bomb(`解压后共 ${mb(summary.totalUncompressed)} MB，超过上限 ${mb(maxTotal)} MB`, {
      totalUncompressed: summary.totalUncompressed,
      limit: maxTotal,
    });
  }
  for (const en of summary.entries) {
    const ratio = en.uncompressedSize / Math.max(en.compressedSize, 1);
    if (en.uncompressedSize > ratioMin && ratio > maxRatio) {
      throw bomb(`条目 ${en.name} 压缩比 ${Math.round(ratio)}:1，超过上限 ${maxRatio}:1`, { entry: en.name, ratio });
    }
  }
  const overall = summary.totalUncompressed / Math.max(summary.totalCompressed, 1);
  if (summary.totalUncompressed > ratioMin && overall > maxRatio) {
    throw bomb(`整体压缩比 ${Math.round(overall)}:1，超过上限 ${maxRatio}:1`, { ratio: overall });
  }
  // Overlapping entries: sort by data offset; each must end before the next local header.
  const sorted = [...summary.entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (prev.dataOffset + prev.compressedSize > sorted[i].localHeaderOffset) {
      throw bomb(`条目 ${prev.name} 与 ${sorted[i].name} 的数据重叠`, { entries: [prev.name, sorted[i].name] });
    }
  }
  if (limits.verifyInflate !== false) {
    let produced = 0;
    for (const en of summary.entries) {
      const data = buf.subarray(en.dataOffset, en.dataOffset + en.compressedSize);
      let size: number;
      if (en.method === 0) {
        size = en.compressedSize;
      } else {
        try {
          size = await inflatedSize(data, Math.min(en.uncompressedSize, maxTotal - produced));
        } catch {
          throw unreadable(`条目 ${en.name} 无法解压`);
        }
      }
      if (size > en.uncompressedSize) {
        throw bomb(`条目 ${en.name} 实际解压大小超过其声明的 ${en.uncompressedSize} 字节`, { entry: en.name });
      }
      produced += size;
    }
  }
  return summary;
}
