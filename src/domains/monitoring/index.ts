// Public API of the city credit monitoring domain (城市信用状况监测, docs/domain/05-monitoring.md §5 and §10).
// Database-independent: every function takes data in and returns data, so the DB layer, HTTP
// routes, dashboard and CLI can share it.
export { MonitoringError, type MonitoringErrorCode, type RowIssue } from './errors.ts';
export { POLARITY_LABELS, defaultTaxonomy, subdomainNames, subdomainToDomain, validateTaxonomy, type Polarity, type Taxonomy } from './taxonomy.ts';
export {
  DEFAULT_CLASSIFIER_OPTIONS,
  classifyTitle,
  defaultClassifier,
  evaluateClassifier,
  parseLabelledTsv,
  shippedLabelledTitles,
  splitHoldout,
  trainClassifier,
  type Classification,
  type ClassifierModel,
  type ClassifierOptions,
  type Evaluation,
  type Explanation,
  type LabelledTitle,
} from './classifier.ts';
export {
  classifyEvents,
  dominantBadSubdomains,
  eventStats,
  eventTrend,
  inPeriod,
  parseEventsCsv,
  type ClassifiedEvent,
  type CreditEvent,
  type DomainStats,
  type EventStats,
  type EventTrendPoint,
  type SubdomainStats,
} from './events.ts';
export {
  GENERAL_DOMAIN,
  STATUS_LABELS,
  checklistToXlsx,
  countsText,
  defaultChecklist,
  importChecklistXlsx,
  summarizeChecklist,
  validateChecklist,
  type ChecklistSummary,
  type InstitutionItem,
  type InstitutionStatus,
  type StatusCounts,
} from './checklist.ts';
export {
  TREE_IDS,
  childrenOf,
  depthFirst,
  gen1Tree,
  getTree,
  isMaxKnown,
  resolveIndicator,
  validateTree,
  withWeights,
  y2020Tree,
  type EvidenceKind,
  type IndicatorNode,
  type IndicatorTree,
} from './trees.ts';
export { detectTree, highestScore, parseScores, readScoreRows, scoreOf, scoresFromRows, type ParseScoresOptions, type RawScoreRow, type ScoreTable } from './scores.ts';
export {
  EQUAL_BAND,
  RELATION_LABELS,
  cityTrend,
  compare,
  compareJson,
  compositeOf,
  ranking,
  relationOf,
  unknownCity,
  type CompareOptions,
  type CompareResult,
  type IndicatorComparison,
  type Relation,
  type TrendPoint,
} from './compare.ts';
export { ESTIMATE_DEFS, estimatesByIndicator, type EstimateView, type LocalEstimates } from './estimates.ts';
export { defaultEffectRules, planWhatIf, validateEffectRules, type EffectRule, type Improvement, type SingleImprovement, type WhatIfPlan } from './whatif.ts';
export { buildReportModel, type ReportInput, type ReportModel, type ReportSection, type ReportTable } from './report.ts';
export { formatFromFilename, renderDocx, renderHtml, renderPdf, renderReport, type ReportFormat } from './render.ts';
export { neutraliseCell } from './xlsx.ts';
export { monitoringAuditTargets } from './audit.targets.ts';
