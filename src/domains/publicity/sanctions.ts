// Reading a sanction out of 处罚内容 when the 处罚类别 code cannot say it (the pre-2021 combined
// code L4 "暂扣或者吊销许可证"): "暂扣食品经营许可证，不予吊销" names 吊销 but does not impose it
// (issue 13). A mention counts only when no negation stands before it in the same clause.

/** Words that, placed shortly before a sanction in the same clause, deny it. Longest first. */
export const NEGATIONS = ['撤销原', '不予', '免予', '免于', '未予', '无需', '暂不', '未', '不'] as const;

/** How far before the sanction word a negation is looked for (characters, same clause only). */
const LOOKBACK = 6;

export interface SanctionReading {
  /** True when at least one mention imposes the sanction. */
  affirmed: boolean;
  /** The words that decided it: the affirming clause, or the negated mentions (e.g. "不予吊销"). */
  words: string;
}

/** Whether `text` imposes `word` (e.g. 吊销); null when the word does not occur at all. */
export function readSanction(text: string | null | undefined, word: string): SanctionReading | null {
  if (!text || !text.includes(word)) return null;
  const negated: string[] = [];
  for (const clause of text.split(/[，。；,;、\s]+/u)) {
    let at = clause.indexOf(word);
    while (at >= 0) {
      const before = clause.slice(Math.max(0, at - LOOKBACK), at);
      const neg = NEGATIONS.find((n) => before.includes(n));
      if (!neg) return { affirmed: true, words: clause };
      negated.push(before.slice(before.indexOf(neg)) + word);
      at = clause.indexOf(word, at + word.length);
    }
  }
  return { affirmed: false, words: [...new Set(negated)].join('、') };
}
