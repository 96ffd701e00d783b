// Which departments the dashboard's scorecard chart draws (issue 17 §4): with many departments a bar each made the
// page 3,874 px tall, so the chart keeps the top and bottom ten reporters and the table below lists everyone.

/** How many departments the chart keeps at each end of the ranking. */
export const CHART_EACH_END = 10;

/** The part of a scorecard row the selection reads. */
export interface RankedCard {
  status: string;
}

/** The rows to draw: every reporter when they fit, else the first and last `eachEnd` (the server sends them in rank order); 未报送 never. */
export function chartSelection<T extends RankedCard>(items: readonly T[], eachEnd = CHART_EACH_END): { shown: T[]; omitted: number } {
  const ranked = items.filter((i) => i.status === 'reported');
  if (ranked.length <= 2 * eachEnd) return { shown: ranked, omitted: 0 };
  return { shown: [...ranked.slice(0, eachEnd), ...ranked.slice(-eachEnd)], omitted: ranked.length - 2 * eachEnd };
}
