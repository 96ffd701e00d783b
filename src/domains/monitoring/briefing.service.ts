// The monitoring briefing (监测分析通报) over the database: stored scores, the month's events, the
// checklist and the department scorecards (assessment domain) fed to the core's report model, then
// rendered to HTML, .docx or PDF.
import type { Config } from '../../config.ts';
import type { Db } from '../../db/index.ts';
import { scorecardsFor } from '../assessment/index.ts';
import { countLegacyConversions } from '../subjects/index.ts';
import { loadChecklist } from './checklist.service.ts';
import { publishedEventsOfMonth, toClassified } from './events.service.ts';
import { localEstimates, loadScoreTable, treeFor, type ScoreQuery } from './index.service.ts';
import { buildReportModel, cityTrend, compare, eventStats, renderReport, summarizeChecklist, type ReportFormat } from './index.ts';
import * as repo from './monitoring.repository.ts';
import { CHINA_OFFSET_MS, checkMonth, currentMonth, periodBounds } from './period.ts';
import { monthLabel } from './util.ts';

// ================================================================ briefing

const REPORT_TYPES: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
};

// The briefing's appendix lists at most this many bad events of the month.
const REPORT_SAMPLES = 30;

/**
 * The monitoring briefing from stored scores, the month's events, the checklist and department
 * scorecards. Without scores for the city and month the briefing says so instead of ranking.
 */
export async function reportFor(db: Db, config: Config, q: ScoreQuery & { format: ReportFormat }) {
  const city = q.city?.trim() || config.cityName;
  const treeId = (await treeFor(db, city, q.tree)) ?? '2020';
  const table = await loadScoreTable(db, treeId);
  const cityMonths = table.months.filter((m) => table.values.get(m)!.has(city));
  const month = q.month ? checkMonth(q.month) : (cityMonths[cityMonths.length - 1] ?? currentMonth());
  const hasRows = cityMonths.includes(month);
  const estimates = await localEstimates(db, month);

  const { from, before } = periodBounds(month, month);
  const events = toClassified(await repo.eventLabelsInPeriod(db, { from, before }));
  const samples = events.filter((e) => e.polarity === 'bad').slice(-REPORT_SAMPLES);
  const model = buildReportModel({
    tree: table.tree,
    city,
    month,
    compare: hasRows ? compare(table, city, { month, estimates }) : null,
    trend: hasRows ? cityTrend(table, city) : undefined,
    events: { stats: eventStats(events, { from: month, to: month }), samples, published: await publishedEventsOfMonth(db, month) },
    checklist: summarizeChecklist(await loadChecklist(db)),
    departments: (await scorecardsFor(db, month)).cards,
    codeConversions: await countLegacyConversions(db),
    date: new Date(Date.now() + CHINA_OFFSET_MS).toISOString().slice(0, 10),
  });
  return {
    body: await renderReport(model, q.format),
    contentType: REPORT_TYPES[q.format],
    filename: `${city}城市信用状况监测分析通报（${monthLabel(month)}）.${q.format}`,
    hasData: model.hasData,
  };
}
