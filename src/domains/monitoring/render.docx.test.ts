// Issue 17 §6: the .docx 通报 carries the index-trend and indicator charts as PNG pictures rasterised
// from the same SVG the PDF draws, with captions and alt text, Chinese text drawn in Noto Sans SC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import { defaultChecklist, summarizeChecklist } from './checklist.ts';
import { chartSvg, svgToPng, DOCX_CHART_WIDTH_PX, PRINT_SCALE } from './charts.render.ts';
import { cityTrend, compare } from './compare.ts';
import { eventStats } from './events.ts';
import { renderReport } from './render.ts';
import { buildReportModel, type ReportInput } from './report.ts';
import { parseScores } from './scores.ts';
import { docxText } from '../../../test/fixtures/monitoring/doc-text.ts';
import { SCORES_36, expectedComparison } from '../../../test/fixtures/monitoring/expectations.ts';
import { decodePng, inkPixels } from '../../../test/fixtures/monitoring/png.ts';

const table = await parseScores(readFileSync(SCORES_36), 'scores-36.csv');
const want = expectedComparison(SCORES_36, 'gen1.json', '西宁市');

function input(over: Partial<ReportInput> = {}): ReportInput {
  return {
    tree: table.tree,
    city: '西宁市',
    month: want.month,
    compare: compare(table, '西宁市'),
    trend: cityTrend(table, '西宁市'),
    events: { stats: eventStats([]) },
    checklist: summarizeChecklist(defaultChecklist()),
    date: '2018-01-10',
    ...over,
  };
}

const EMU_PER_PX = 9525; // docx: 914400 EMU to the inch, 96 px to the inch

/** The pictures of a .docx in document order: the PNG each references, its displayed size and its alt text. */
async function docxPictures(docx: Buffer) {
  const zip = await JSZip.loadAsync(docx);
  const xml = await zip.file('word/document.xml')!.async('string');
  const rels = await zip.file('word/_rels/document.xml.rels')!.async('string');
  const target = new Map([...rels.matchAll(/<Relationship [^>]*Id="([^"]+)"[^>]*Target="([^"]+)"/g)].map((m) => [m[1], m[2]]));
  const media = Object.keys(zip.files).filter((n) => n.startsWith('word/media/'));
  const pictures = [];
  for (const d of xml.matchAll(/<w:drawing>([\s\S]*?)<\/w:drawing>/g)) {
    const extent = /<wp:extent cx="(\d+)" cy="(\d+)"/.exec(d[1])!;
    const docPr = /<wp:docPr ([^>]*)>/.exec(d[1])![1];
    const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(docPr)?.[1] ?? '';
    const embed = /r:embed="([^"]+)"/.exec(d[1])![1];
    const path = `word/${target.get(embed)}`;
    pictures.push({ path, png: await zip.file(path)!.async('nodebuffer'), cx: Number(extent[1]), cy: Number(extent[2]), title: attr('title'), descr: attr('descr') });
  }
  return { pictures, media, xml };
}

test('the .docx holds both charts as PNGs in word/media, referenced from document.xml, 16 cm wide at print resolution, with captions and alt text', async () => {
  const model = buildReportModel(input());
  const charts = model.sections.flatMap((s) => (s.chart ? [s.chart] : []));
  assert.equal(charts.length, 2);
  const started = performance.now();
  const docx = await renderReport(model, 'docx');
  const ms = performance.now() - started;
  console.log(`docx with ${charts.length} charts: ${ms.toFixed(0)} ms, ${(docx.length / 1024).toFixed(0)} KiB`);

  const { pictures, media } = await docxPictures(docx);
  assert.equal(pictures.length, 2, 'two pictures in the text');
  assert.deepEqual(pictures.map((p) => p.path).sort(), media.filter((m) => m.endsWith('.png')).sort(), 'every PNG in word/media is referenced, and only PNGs');
  for (const [k, p] of pictures.entries()) {
    const img = decodePng(p.png);
    // Print resolution: twice the displayed 16 cm (≈ 192 dpi), in the chart's own proportions.
    assert.equal(img.width, DOCX_CHART_WIDTH_PX * PRINT_SCALE);
    assert.ok(Math.abs(img.height / img.width - 280 / 495) < 0.01, `aspect ${img.width}×${img.height}`);
    assert.equal(p.cx, DOCX_CHART_WIDTH_PX * EMU_PER_PX);
    assert.ok(Math.abs(p.cx / 360000 - 16) < 0.05, `displayed ${(p.cx / 360000).toFixed(2)} cm wide`);
    assert.ok(Math.abs(p.cy / p.cx - img.height / img.width) < 0.01, 'displayed in the PNG proportions');
    // Something is drawn, on a white background: neither blank nor solid.
    const ink = inkPixels(img) / (img.width * img.height);
    assert.ok(ink > 0.01 && ink < 0.6, `ink share ${ink.toFixed(3)}`);
    assert.equal(p.title, charts[k].title);
    assert.equal(p.descr, charts[k].description);
  }
  assert.match(charts[0].description, new RegExp(`^折线图：.*西宁市.*排名第 ${want.rank} 位（共 ${want.of} 个城市）。$`));
  assert.match(charts[1].description, new RegExp(`^雷达图：西宁市各一级指标得分与 ${want.of} 个监测城市平均比较，`));

  // The text still has the tables and now the captions, each after its picture.
  const text = docxText(docx);
  for (const h of model.sections[0].table!.head) assert.ok(text.includes(h), `table header ${h}`);
  for (const row of model.sections[0].table!.rows) assert.ok(text.includes(row.join('\n')), `table row ${row[0]}`);
  for (const c of charts) assert.ok(text.includes(`\n${c.title}\n`), `caption ${c.title}`);
});

test('chart text is drawn in the bundled Noto Sans SC, whatever fonts the machine has', async () => {
  // Text only: without a font that has these glyphs (system fonts are not loaded) resvg draws nothing.
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><text x="4" y="36" font-size="30" font-family="NotoSansSC, sans-serif">综合指数</text></svg>';
  const img = decodePng((await svgToPng(svg, 400)).png);
  assert.ok(inkPixels(img) > 2000, `ink ${inkPixels(img)}`);
  // The chart's own SVG names its axes in Chinese, which the PNG therefore draws.
  assert.match(chartSvg(buildReportModel(input()).sections[0].chart!.option), /综合指数/);
});

test('without score data the .docx leaves the charts out, without error', async () => {
  const model = buildReportModel(input({ month: '2018-01', compare: null, trend: [] }));
  assert.equal(model.hasData, false);
  const docx = await renderReport(model, 'docx');
  const { pictures, media, xml } = await docxPictures(docx);
  assert.equal(pictures.length, 0);
  assert.deepEqual(media, []);
  assert.doesNotMatch(xml, /<w:drawing>/);
  assert.match(docxText(docx), /没有西宁市的城市信用监测数据/);
});
