// TypeBox schemas for the 归集 routes. Response schemas are also the filter that keeps internal columns out.
import { Type } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** 更正原因: the credit office corrects other departments' records with a reason (issue 11 §1); role admin only. */
const CorrectionReason = Type.Optional(Type.String({ maxLength: 500, description: '更正原因（仅信用办管理员；填写后可更正其他部门报送的记录，记入审计日志）' }));

export const UploadQuery = Type.Object({
  catalog: Type.String({ minLength: 1, maxLength: 64 }),
  departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
  correctionReason: CorrectionReason,
});

export const ProgressSchema = Type.Union([
  Type.Object({ rows: Type.Integer(), bytesRead: Type.Integer(), totalBytes: Type.Integer() }),
  Type.Null(),
]);

export const BatchSchema = Type.Object({
  batchId: Type.String(),
  status: Type.Union([
    Type.Literal('processing'), Type.Literal('committed'), Type.Literal('rejected'), Type.Literal('failed'),
    // The review step (issue 17 §3): held for the department's 审核员, or returned with a note.
    Type.Literal('pending_review'), Type.Literal('returned'),
  ]),
  item: Type.Object({ id: Type.String(), name: Type.String(), version: Type.Integer() }),
  department: Type.Object({ id: Type.Integer(), name: Type.String() }),
  channel: Type.Union([Type.Literal('file'), Type.Literal('api'), Type.Literal('form'), Type.Literal('cli')]),
  fileName: Nullable(Type.String()),
  format: Nullable(Type.String()),
  encoding: Nullable(Type.String()),
  total: Type.Integer(),
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  new: Type.Integer(),
  updated: Type.Integer(),
  duplicates: Type.Integer(),
  withdrawn: Type.Integer(),
  late: Type.Integer(),
  errors: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
  /** Rows accepted with a personal-data warning (public-field screen), per code, with an example message. */
  warnings: Type.Array(Type.Object({ code: Type.String(), message: Type.String(), rows: Type.Integer(), rowNumbers: Type.Array(Type.Integer()) })),
  sameAsBatch: Nullable(Type.String()),
  /** 更正原因 of a credit-office correction batch (issue 11 §1). */
  correctionReason: Type.Optional(Nullable(Type.String())),
  /** The console user who uploaded the batch: only they may download its error file unmasked. */
  createdBy: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  createdAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  progress: Type.Optional(ProgressSchema),
  /** The review step: who approved or returned the batch (user id), when, and the return note. */
  reviewedBy: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  reviewedAt: Type.Optional(Nullable(Type.String())),
  reviewNote: Type.Optional(Nullable(Type.String())),
});

/** POST /api/ingest/batches/:id/return: the reviewer's note to the reporter. */
export const ReturnBody = Type.Object({ note: Type.String({ minLength: 2, maxLength: 1000 }) }, { additionalProperties: false });

/** A page of a held batch's rows (masked) for the reviewer. */
export const HeldRowsSchema = Type.Object({
  header: Type.Array(Type.String()),
  /** The header as the reviewer reads it: each data item's name where a cell names one (review.ts columnNames). */
  columns: Type.Array(Type.String()),
  items: Type.Array(Type.Object({ rowNumber: Type.Integer(), accepted: Type.Boolean(), cells: Type.Array(Type.String()) })),
  nextCursor: Nullable(Type.String()),
});

export const RowIssueSchema = Type.Object({ field: Type.String(), header: Type.String(), code: Type.String(), message: Type.String() });

export const RejectSchema = Type.Object({ rowNumber: Type.Integer(), errors: Type.Array(RowIssueSchema) });

export const RecordSchema = Type.Object({
  id: Type.String(),
  itemId: Type.String(),
  itemName: Type.String(),
  docNo: Type.String(),
  authorityUscc: Type.String(),
  authorityName: Type.String(),
  subjectName: Nullable(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('withdrawn')]),
  version: Type.Integer(),
  decisionDate: Nullable(Type.String()),
  late: Type.Boolean(),
  updatedAt: Type.String(),
  departmentId: Type.Integer(),
  /** The publicity decision the engine stored on the record (issue 17 §2): label for the list, explanation for the page. */
  publicity: Type.Object({
    audience: Type.Union([Type.Literal('public'), Type.Literal('government'), Type.Literal('none')]),
    publicFrom: Nullable(Type.String()),
    publicUntil: Nullable(Type.String()),
    label: Type.String(),
    explanation: Nullable(Type.String()),
    reasons: Type.Array(Type.String()),
  }),
});

const CellValue = Type.Union([Type.String(), Type.Number(), Type.Null()]);

/** The records a batch wrote, each with the publicity decision it now has (the receipt, issue 17 §2). */
export const BatchRecordsSchema = Type.Object({
  items: Type.Array(Type.Object({ rowNumber: Type.Union([Type.Integer(), Type.Null()]), batchVersion: Type.Integer(), record: RecordSchema })),
  nextCursor: Nullable(Type.String()),
});

export const RecordDetailSchema = Type.Object({
  record: RecordSchema,
  versions: Type.Array(
    Type.Object({
      version: Type.Integer(),
      content: Type.Record(Type.String(), CellValue),
      batchId: Type.String(),
      rowNumber: Type.Union([Type.Integer(), Type.Null()]),
      channel: Type.String(),
      late: Type.Boolean(),
      withdrawn: Type.Boolean(),
      createdAt: Type.String(),
    }),
  ),
});

export const StatsRowSchema = Type.Object({
  departmentId: Type.Integer(),
  departmentName: Type.String(),
  batches: Type.Integer(),
  rows: Type.Integer(),
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  rejectionRate: Type.Union([Type.Number(), Type.Null()]),
  late: Type.Integer(),
  lateShare: Type.Union([Type.Number(), Type.Null()]),
  records: Type.Integer(),
});

export const FormBody = Type.Object({
  catalog: Type.String({ minLength: 1, maxLength: 64 }),
  departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
  correctionReason: CorrectionReason,
  values: Type.Record(Type.String({ maxLength: 100 }), Type.Union([Type.String({ maxLength: 4000 }), Type.Null()]), { maxProperties: 200 }),
});

export const IngestRowsBody = Type.Object({
  rows: Type.Array(Type.Record(Type.String({ maxLength: 100 }), CellValue, { maxProperties: 200 }), { minItems: 1, maxItems: 100_000 }),
});

/** GET /api/ingest/limits: what an upload may be. */
export const IngestLimitsSchema = Type.Object({ maxUploadBytes: Type.Integer(), apiSyncMaxRows: Type.Integer() });

// Static types of the answers above, imported type-only by the web console (src/web/api) instead of copies.
// `Batch` is the batch as the API shows it (回执); import.service's `Receipt` is what one import run returns.
import type { Static } from '@sinclair/typebox';
export type Batch = Static<typeof BatchSchema>;
export type IngestLimits = Static<typeof IngestLimitsSchema>;
export type BatchProgress = NonNullable<Static<typeof ProgressSchema>>;
export type RowIssue = Static<typeof RowIssueSchema>;
export type Reject = Static<typeof RejectSchema>;
export type IngestRecord = Static<typeof RecordSchema>;
export type RecordDetail = Static<typeof RecordDetailSchema>;
export type StatsRow = Static<typeof StatsRowSchema>;
export type FormBody = Static<typeof FormBody>;
export type HeldRows = Static<typeof HeldRowsSchema>;
export type BatchRecords = Static<typeof BatchRecordsSchema>;
