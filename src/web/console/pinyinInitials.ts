// Initials of a Chinese name for suggested identifiers (catalogue editor). pinyin-pro is large, so it is
// loaded only when the editor first asks, in its own chunk.

/** 欠费等级 → "qfdj"; other characters (letters, digits) are kept as they are. */
export async function initialsOf(text: string): Promise<string> {
  const { pinyin } = await import('pinyin-pro');
  return pinyin(text, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' }).join('');
}
