// The ECharts options of the monitoring charts that both the console dashboard and the briefing (通报)
// draw: the composite-index trend with the rank, and the first-level indicators against the peer
// average. One builder for both, so the PDF shows what the dashboard shows (issue 17 §6).
//
// Shared with the browser: src/web imports this file's functions (the one value import the lint rule
// allows from a domain, `*.shared.ts`), so it stays pure — no imports of our code or of Node, data in,
// a plain option object out.

/** One month of the city's trend (compare.ts TrendPoint, or the trend API's score). */
export interface TrendChartPoint {
  month: string;
  composite: number;
  average: number;
  rank: number;
  of: number;
}

/** One indicator of the comparison (compare.ts IndicatorComparison). */
export interface IndicatorChartPoint {
  name: string;
  parent: string | null;
  score: number;
  average: number;
  max: number;
}

/** A plain ECharts option (each side types it with its own echarts import). */
export type ChartOptionData = Record<string, unknown>;

function monthText(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  return m ? `${m[1]}年${Number(m[2])}月` : month;
}

/** The composite index of the city and the peer average per month, with the rank on an inverted right axis. */
export function trendChartOption(city: string, points: readonly TrendChartPoint[]): ChartOptionData | null {
  if (!points.length) return null;
  const of = Math.max(...points.map((p) => p.of));
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: points.map((p) => monthText(p.month)), boundaryGap: false },
    yAxis: [
      { type: 'value', name: '综合指数', scale: true },
      // Rank 1 at the top; with an inverted axis its name goes at the start to stay on top.
      { type: 'value', name: '排名', nameLocation: 'start', inverse: true, min: 1, max: of, minInterval: 1, splitLine: { show: false } },
    ],
    series: [
      { name: `${city}综合指数`, type: 'line', data: points.map((p) => p.composite), symbolSize: 7 },
      { name: '监测城市平均', type: 'line', data: points.map((p) => p.average), lineStyle: { type: 'dashed' }, symbolSize: 5 },
      { name: '排名', type: 'line', yAxisIndex: 1, data: points.map((p) => p.rank), step: 'middle', symbolSize: 7 },
    ],
  };
}

/** The first-level indicators of the city against the average of the `of` cities, as a radar (≥ 3 axes). */
export function indicatorChartOption(city: string, of: number, indicators: readonly IndicatorChartPoint[]): ChartOptionData | null {
  const top = indicators.filter((i) => i.parent === null);
  if (top.length < 3) return null; // a radar needs at least three axes
  return {
    tooltip: { trigger: 'item' },
    legend: { top: 0 },
    radar: {
      center: ['50%', '56%'],
      radius: '62%',
      // The comparison's max is the published maximum or, when unknown, the highest score imported.
      indicator: top.map((i) => ({ name: i.name, max: i.max })),
    },
    series: [
      {
        type: 'radar',
        data: [
          { name: city, value: top.map((i) => i.score), areaStyle: { opacity: 0.15 } },
          { name: `${of} 个监测城市平均`, value: top.map((i) => i.average), lineStyle: { type: 'dashed' } },
        ],
      },
    ],
  };
}
