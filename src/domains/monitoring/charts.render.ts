// The briefing's charts drawn on the server: ECharts' server-side SVG renderer (no DOM, no canvas)
// over the options the dashboard uses (charts.shared.ts). The SVG goes into the PDF as vector
// graphics (pdfmake's svg node, text in Noto Sans SC) and into the HTML briefing inline; Word cannot
// be relied on to draw SVG (Word 2013 and WPS show nothing), so the .docx gets the same SVG
// rasterised to PNG by resvg.
import { createRequire } from 'node:module';
import { renderAsync } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { ChartOptionData } from './charts.shared.ts';

/** Chart size in points (A4 text width with 50 pt margins), the same for PDF and HTML. */
export const CHART_WIDTH = 495;
export const CHART_HEIGHT = 280;

/** The Noto Sans SC files (installed @expo-google-fonts/noto-sans-sc) the PDF embeds and the PNG charts draw with. */
export const NOTO_SANS_SC_FILES = {
  normal: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
};

/** The family name inside those files, which resvg matches against the SVG's font-family. */
const NOTO_FAMILY = 'Noto Sans SC';

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

/** A chart's display width in a Word document: 16 cm in docx's pixels (96 to the inch). */
export const DOCX_CHART_WIDTH_PX = Math.round((16 / 2.54) * 96);

/** Pixels per display pixel of the PNG: 2 × 96 ≈ 192 dpi, sharp on paper and on high-density screens. */
export const PRINT_SCALE = 2;

export interface RasterImage {
  png: Buffer;
  /** PNG size in pixels */
  width: number;
  height: number;
}

const require = createRequire(import.meta.url);
// Only the regular weight: the charts draw no bold text, and each file is 10 MB to parse per render.
let fontFiles: string[] | undefined;

/**
 * An SVG rasterised to a PNG `width` pixels wide on white (a transparent chart would vanish on a
 * dark-mode page), with Noto Sans SC as the only font: no system fonts are loaded, so the output
 * is the same on every server, and a machine without CJK fonts still draws the Chinese text.
 * Rasterising takes a few hundred milliseconds, so it runs on libuv's thread pool (renderAsync),
 * not on the event loop the other requests share.
 */
export async function svgToPng(svg: string, width: number): Promise<RasterImage> {
  fontFiles ??= [require.resolve(NOTO_SANS_SC_FILES.normal)];
  const image = await renderAsync(svg, {
    fitTo: { mode: 'width', value: width },
    background: 'white',
    font: { fontFiles, loadSystemFonts: false, defaultFontFamily: NOTO_FAMILY, sansSerifFamily: NOTO_FAMILY },
    logLevel: 'off',
  });
  return { png: image.asPng(), width: image.width, height: image.height };
}

/** One chart as a print-resolution PNG for the .docx, from the same SVG the PDF draws. */
export function chartPng(option: ChartOptionData): Promise<RasterImage> {
  return svgToPng(chartSvg(option), DOCX_CHART_WIDTH_PX * PRINT_SCALE);
}
