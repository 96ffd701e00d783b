// Repair materials (修复材料): what each regime asks for (docs/domain/03-publicity.md §3.1–§3.3), and the checks on
// an uploaded file: declared type against its first bytes, size and count limits, and an optional virus-scan
// command run on each file before anything is stored.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../platform/errors.ts';
import { MEDIA_TYPE_NAMES, mediaTypeOfName, sniffMediaType, type MediaType } from '../../platform/attachments.ts';

/** A kind of material and its Chinese name. */
export const MATERIAL_KINDS = {
  power_of_attorney: '授权委托书',
  legal_rep_proof: '法定代表人身份证明书',
  commitment: '信用修复承诺书',
  licence: '营业执照',
  performance_proof: '履行行政处罚决定的证明（如罚款缴纳凭证、整改材料）',
  repair_form: '信用修复申请表',
  training_certificate: '信用修复培训证明',
  credit_report: '信用报告',
  agent_id: '经办人身份证明',
  court_ruling: '人民法院批准重整计划或和解协议的裁定书',
  other: '其他材料',
} as const;
export type MaterialKind = keyof typeof MATERIAL_KINDS;

/**
 * The materials a regime requires for a record of this class. 2019: docs/domain/03-publicity.md §3.1 (serious cases
 * add the repair form, a training certificate and a credit report); 2023: §3.2; 2026: §3.3 (proof of
 * performance plus the commitment; the regulator fetches the rest itself). The 承诺书 is generated and
 * confirmed online, so it is listed but never uploaded.
 */
export function requiredMaterials(regime: string | null, severity: string | null, channel: 'standard' | 'restructuring' = 'standard'): MaterialKind[] {
  // docs/domain/03-publicity.md §3.3: restructuring rests on the court's ruling.
  if (channel === 'restructuring') return ['commitment', 'court_ruling'];
  switch (regime) {
    case '2019':
      // docs/domain/03-publicity.md §3.1
      return severity === '严重'
        ? ['commitment', 'licence', 'performance_proof', 'repair_form', 'training_certificate', 'credit_report']
        : ['commitment', 'licence', 'performance_proof'];
    case '2023':
      // docs/domain/03-publicity.md §3.2
      return ['repair_form', 'commitment', 'licence', 'agent_id', 'performance_proof'];
    default:
      // docs/domain/03-publicity.md §3.3
      return ['commitment', 'performance_proof'];
  }
}

export type { MediaType };

/**
 * The media type of an upload: the extension says what it claims to be, and its first bytes must agree
 * (a file named .pdf that is not a PDF is refused, so a renamed executable is never stored as a 材料).
 */
export function checkedMediaType(fileName: string, content: Buffer): MediaType {
  const claimed = mediaTypeOfName(fileName);
  if (!claimed) throw new AppError('repair_material_type', `材料「${fileName}」的类型不受支持：只接受 PDF、JPG、PNG 文件`);
  const actual = sniffMediaType(content);
  if (actual !== claimed) {
    throw new AppError('repair_material_fake', `材料「${fileName}」的内容不是 ${MEDIA_TYPE_NAMES[claimed]} 文件（文件头不符），请上传原始文件`);
  }
  return claimed;
}

/** Result of scanning one file. */
export type ScanResult = { clean: true } | { clean: false; reason: string };

/** Scans a file before it is stored; `null` = no scanner configured. */
export type MaterialScanner = ((fileName: string, content: Buffer) => Promise<ScanResult>) | null;

/**
 * A scanner that runs `command` (REPAIR_SCAN_COMMAND: the program and its arguments, split on spaces) with the
 * file's temporary path appended, without a shell. Exit 0 = clean, 1 = infected (its output is the reason), any
 * other outcome fails closed: the upload is refused rather than stored unscanned (ClamAV's clamscan follows
 * the same 0/1/2 convention).
 */
export function commandScanner(command: string | null, timeoutMs = 60_000): MaterialScanner {
  if (!command?.trim()) return null;
  const [program, ...args] = command.trim().split(/\s+/);
  return async (_fileName, content) => {
    const dir = await mkdtemp(join(tmpdir(), 'cc-repair-scan-'));
    const path = join(dir, 'material');
    try {
      await writeFile(path, content, { mode: 0o600 });
      return await new Promise<ScanResult>((resolve, reject) => {
        execFile(program, [...args, path], { timeout: timeoutMs, maxBuffer: 64 * 1024 }, (err, stdout) => {
          if (!err) return resolve({ clean: true });
          const code = (err as { code?: unknown }).code;
          if (code === 1) return resolve({ clean: false, reason: String(stdout).trim().slice(0, 200) });
          reject(new AppError('repair_scan_failed'));
        });
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
