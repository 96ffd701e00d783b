// The statistics pages' period (统计期间): from 1 January to today, as dates in China time (UTC+8), whatever the
// browser's own zone, so that the default period is the same year the server counts in.

/** A date as YYYY-MM-DD in China time. */
export function chinaDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The default period of a statistics page: [1 January of this year, today], in China time. */
export function defaultStatsRange(now: Date = new Date()): [string, string] {
  const today = chinaDay(now);
  return [`${today.slice(0, 4)}-01-01`, today];
}
