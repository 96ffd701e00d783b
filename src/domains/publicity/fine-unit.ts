// Fines entered in 元 instead of 万元 (issue 13): `CF_NR_FK = 5000` with 处罚内容 "罚款人民币5000元"
// would otherwise be a 5 000 万元 fine, 严重 for up to 3 years. Pure; also used by ingest for its receipt.

type Values = Readonly<Record<string, string | number | null | undefined>>;

/** Amounts in 元 written in a text ("5000元", "5,000.00 元", "人民币伍仟元" is not read); 万元 figures are skipped. */
export function yuanFigures(text: string | null | undefined): number[] {
  if (!text) return [];
  const out: number[] = [];
  for (const m of text.matchAll(/(\d[\d,，]*(?:\.\d+)?)\s*(万)?元/gu)) {
    if (m[2]) continue;
    const n = Number(m[1].replace(/[,，]/gu, ''));
    if (Number.isFinite(n)) out.push(n);
  }
  return out;
}

/**
 * True when a fine in 万元 looks entered in 元: the text names the same number in 元 and never the
 * amount × 10 000 元. False when there is no amount or the text confirms the 万元 figure.
 */
export function fineUnitSuspectIn(amountWan: number | null | undefined, text: string | null | undefined): boolean {
  if (typeof amountWan !== 'number' || !(amountWan > 0)) return false;
  const figures = yuanFigures(text);
  if (figures.length === 0) return false;
  const asYuan = Math.round(amountWan * 10_000 * 100) / 100;
  if (figures.some((f) => Math.abs(f - asYuan) < 0.005)) return false;
  return figures.some((f) => Math.abs(f - amountWan) < 0.005);
}

/** fineUnitSuspectIn for validated 行政处罚 values (CF_NR_FK in 万元, CF_NR 处罚内容). */
export function fineUnitSuspect(values: Values): boolean {
  const raw = values.CF_NR_FK;
  const amount = typeof raw === 'number' ? raw : raw === null || raw === undefined || raw === '' ? null : Number(raw);
  const text = values.CF_NR;
  return fineUnitSuspectIn(amount !== null && Number.isFinite(amount) ? amount : null, typeof text === 'string' ? text : null);
}
