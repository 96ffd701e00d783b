// Uploaded attachments (材料, 证明材料): the three types the portal accepts, told by name and confirmed by their
// first bytes, so a renamed executable is never stored as a PDF. Used by repair and objections, which keep their
// own limits and messages.

export type MediaType = 'application/pdf' | 'image/jpeg' | 'image/png';

/** The type a file name claims by its extension, or undefined. */
export function mediaTypeOfName(fileName: string): MediaType | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName.trim())?.[1]?.toLowerCase() ?? '';
  return BY_EXTENSION[ext];
}

const BY_EXTENSION: Record<string, MediaType> = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' };

/** The short name users know each type by. */
export const MEDIA_TYPE_NAMES: Record<MediaType, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPG', 'image/png': 'PNG' };

/** The type a file's first bytes show, or null. */
export function sniffMediaType(b: Buffer): MediaType | null {
  if (b.length >= 5 && b.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  return null;
}
