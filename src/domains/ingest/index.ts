// Public surface of the ingest core (归集): decoding, sniffing, reading, header matching, row
// validation, the upload pipeline and the test-data generator. Database-free.
export { IngestError, isIngestError, FILE_ERROR_CODES, type FileErrorCode } from './errors.ts';
export { detectAndDecode, decodeBuffer, detectBom, type DecodedText, type DecodeOptions, type TextEncodingName } from './decode.ts';
export { sniffFormat, assertFormat, detectKind, extensionOf, type SheetFormat, type SniffResult, type DetectedKind } from './sniff.ts';
export { assertSafeZip, readZipDirectory, type ZipLimits, type ZipSummary } from './zipguard.ts';
export {
  readRows,
  collect,
  rawRecordQuotesOk,
  type ReadOptions,
  type SheetEvent,
  type SheetHeader,
  type SheetRow,
  type SheetEnd,
  type RowIssue,
  type RowIssueCode,
  type RowSourceMeta,
  type ByteInput,
} from './rows.ts';
export { matchHeaders, type HeaderMapping, type HeaderIssue, type HeaderIssueCode, type ColumnMapping, type MatchOptions } from './headers.ts';
export {
  validateRow,
  compileRowValidator,
  parseDateCell,
  parseSetValue,
  looksFloatDamaged,
  findIdNumberInText,
  ROW_CODES,
  LONG_TERM_ISO,
  type RowResult,
  type RowIssueOut,
  type RowCode,
  type RowValidator,
  type SubjectInfo,
  type RecordKey,
  type ValidationContext,
} from './validate.ts';
export {
  validateSheet,
  validateUpload,
  type FileError,
  type SheetCheckEvent,
  type SheetCheckOptions,
  type UploadEvent,
  type UploadOptions,
  type UploadSummary,
} from './pipeline.ts';
export { encodeGb18030 } from './gb18030.ts';
export {
  generatePenaltyRows,
  penaltyCsvChunks,
  mulberry32,
  csvEscape,
  PENALTY_HEADERS,
  PENALTY_DEFECTS,
  type GeneratedPenaltyRow,
  type PenaltyDefect,
  type PenaltyGenOptions,
  type PenaltyCsvOptions,
} from './fixtures.ts';
export {
  batchFigures,
  committedBatchCounts,
  monthlyCollection,
  recordFigures,
  rejectingBatches,
  rejectionCorrections,
  recordsOfTypeIn,
  type RejectKeySpec,
} from './stats.ts';
export { importRows, importFile, type ImportRowsOptions } from './import.service.ts';
export { startBatch } from './ingest.service.ts';
export { ingestJobs } from './ingest.jobs.ts';
export { IMPORT_JOB, importJob, importProgress, startImport, type ImportPayload } from './import.job.ts';
export { maskedErrorWorkbook } from './errorfile.ts';
export { batchesOfItems, batchRecords, recordsByIds, type BatchRecord, type SourcedRecord } from './listfeed.ts';
export { appendRecordVersion, recordsForObjection, setObjectionMark, type RecordChange, type RecordForObjection } from './corrections.ts';
export { currentContents } from './corrections.ts';
export { ingestTodos } from './todos.ts';
export { BATCH_COMMITTED_CHANNEL } from './commit.ts';
export { recordCountsByField } from './field.stats.ts';
export { ingestAuditTargets } from './audit.targets.ts';
export { approveBatch, returnBatch } from './review.ts';
export { replayReviewedBatch } from './import.service.ts';
