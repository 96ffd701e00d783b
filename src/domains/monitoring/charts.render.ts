// The briefing's charts drawn on the server: ECharts' server-side SVG renderer (no DOM, no canvas)
// over the options the dashboard uses (charts.shared.ts). The SVG goes into the PDF as vector
// graphics (pdfmake's svg node, text in Noto Sans SC) and into the HTML briefing inline.
import * as echarts from 'echarts';
import type { ChartOptionData } from './charts.shared.ts';

/** Chart size in points (A4 text width with 50 pt margins), the same for PDF and HTML. */
export const CHART_WIDTH = 495;
export const CHART_HEIGHT = 280;

/** One chart as a standalone SVG document (animation off: a still image of the final state). */
export function chartSvg(option: ChartOptionData, width = CHART_WIDTH, height = CHART_HEIGHT): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false, textStyle: { fontFamily: 'NotoSansSC, sans-serif' } });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
