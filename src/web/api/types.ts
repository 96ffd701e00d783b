// Shapes of the JSON the server returns. Where the server declares a route's answer with a TypeBox schema,
// the type here is that schema's Static<> type, imported type-only (erased from the bundle), so a change of
// the server's answer fails `npm run typecheck` here instead of drifting. The rest are web-only shapes
// (query builders, derived views) or answers of routes whose schemas are still inline in their route file.
import type { ApiKey, AuditEntry as ServerAuditEntry, AuditQuery as ServerAuditQuery, Department as ServerDepartment, MeResponse, Role as ServerRole, SessionUser as ServerSessionUser, User, UserPatchBody } from '../../domains/auth/auth.schemas.ts';
import type { CreatedApiKey as ServerCreatedApiKey, CreateUserBody } from '../../domains/auth/auth.schemas.ts';
import type { IngestLimits as ServerIngestLimits } from '../../domains/ingest/ingest.schemas.ts';
import type { BatchRecords, HeldRows } from '../../domains/ingest/ingest.schemas.ts';
import type { Batch as ServerBatch, BatchProgress as ServerBatchProgress, FormBody, IngestRecord as ServerIngestRecord, RecordDetail as ServerRecordDetail, Reject, RowIssue, StatsRow } from '../../domains/ingest/ingest.schemas.ts';
import type { PoliciesResponse } from '../../domains/monitoring/monitoring.schemas.ts';
import type { CatalogFieldView, CatalogItemView } from '../../domains/catalog/catalog.schemas.ts';
import type { CatalogItem as ServerCatalogDefinition, CatalogVersionDetail as ServerCatalogVersionDetail, DataItem as ServerDataItem } from '../../domains/catalog/catalog.schemas.ts';
import type { PublicRecordAnswer, PublicRecordPage } from '../../domains/publicity/publicity.schemas.ts';
import type { VerifyResponse } from '../../domains/reports/reports.schemas.ts';
import type { PublicSearchResult, PublicSubject as ServerPublicSubject, PublicSubjectItem, SubjectKind as ServerSubjectKind } from '../../domains/subjects/subjects.schemas.ts';

export type Role = ServerRole;

export type DepartmentKind = ServerDepartment['kind'];

export type SessionUser = ServerSessionUser;

export type SessionResponse = MeResponse;

export interface SiteInfo {
  cityName: string;
  regionCode: string;
  title: string;
}

/** legal 法人和非法人组织; individual_business 个体工商户; natural_person 自然人 (others shown as sent). */
export type SubjectKind = ServerSubjectKind;

export type SearchItem = PublicSubjectItem;

export type SearchResponse = PublicSearchResult;

/** GET /api/public/subjects/:id: a subject's basic information (natural persons: surname only). */
export type PublicSubject = ServerPublicSubject;

/** Tabs of a subject page that list records (`?tab=` of /api/public/subjects/:id/records). */
export type RecordTab = 'permit' | 'penalty' | 'red' | 'black' | 'commitment' | 'evaluation';

/** One public record (公示信息): only 社会公开 fields, enum codes already shown as labels. */
export type PublicRecord = PublicRecordAnswer;

export type RecordPage = PublicRecordPage;

export interface SgsQuery {
  type: 'penalty' | 'permit';
  departmentId?: string;
  from?: string;
  to?: string;
  cursor?: string | null;
  limit?: number;
}

/** One municipal document of the 信用制度 section. */
export type Policy = PoliciesResponse['items'][number];

/** A downloaded credit report: the PDF and the identifiers printed on it. */
export interface DownloadedReport {
  blob: Blob;
  filename: string;
  number: string | null;
  verificationCode: string | null;
}

/** Answer of the report verification (by number + code or by uploading the PDF). */
// The page also shows a verdict it builds itself when the server refuses the input (400/404/422);
// whether the subject changed is unknown then, hence null beside the server's boolean.
export type VerifyResult = Omit<VerifyResponse, 'changedSince'> & { changedSince: boolean | null };

export type Department = ServerDepartment;

export type UserRow = User;

/** A change of role and/or department (PATCH /api/users/:id). */
export type UserPatch = UserPatchBody;

export type NewUser = CreateUserBody;

export type ApiKeyRow = ApiKey;

/** POST /api/apikeys: the new key, its secret shown this once. */
export type CreatedApiKey = ServerCreatedApiKey;

export type AuditEntry = ServerAuditEntry;

export type AuditQuery = ServerAuditQuery;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// --- 资源目录 (catalogue) ---

export type CatalogStatus = 'draft' | 'in_review' | 'active' | 'retired';

export type CatalogEnumValue = NonNullable<CatalogFieldView['enum']>[number];

/** A field as the console's API shows it: `required` is the rule in Chinese (必填, 选填, …时必填). */
export type CatalogField = CatalogFieldView;

/** An item version as GET /api/catalog/items gives it (status as stored: draft, in_review, active, retired). */
export type CatalogItem = CatalogItemView;

/** A catalogue item version's whole definition, as the editor edits it and PUT /api/catalog/:id/versions/:v takes it. */
export type CatalogDefinition = ServerCatalogDefinition;

/** One data item (数据项) of a definition. */
export type CatalogDataItem = ServerDataItem;

/** GET /api/catalog/:id/versions/:version: the definition with its review and what the asking user may do. */
export type CatalogVersionDetail = ServerCatalogVersionDetail;

/** One entry of `error.details` when the server rejects a catalogue definition. */
export interface CatalogDefError {
  path?: string;
  code?: string;
  message?: string;
}

// --- 数据归集 (ingest) ---

export type BatchStatus = Batch['status'];
export type IngestChannel = Batch['channel'];

export type IngestLimits = ServerIngestLimits;

export type BatchProgress = ServerBatchProgress;

export type FileError = Batch['errors'][number];

/** One batch as GET /api/ingest/batches/:id shows it (回执). Not named Receipt: the server's Receipt is one import run's result. */
export type Batch = ServerBatch;

export type RejectError = RowIssue;

export type RejectRow = Reject;

export interface BatchQuery {
  departmentId?: number | null;
  cursor?: string | null;
  /** The review queue is status=pending_review (issue 17 §3). */
  status?: BatchStatus | null;
  /** Committed batches with late rows submitted since this day (the desk's 近 30 日超期上报 for departments). */
  lateFrom?: string | null;
}

/** A page of a held batch's rows (masked) for the reviewer. */
export type HeldRowsPage = HeldRows;

/** A page of the records a batch wrote, each with its publicity decision. */
export type BatchRecordsPage = BatchRecords;

/** One to-do of the 工作台 desk (GET /api/desk; src/platform/todos.ts TodoItem). */
export interface TodoItem {
  key: string;
  label: string;
  count: number;
  overdue?: number;
  link: string;
}

export interface Desk {
  items: TodoItem[];
  /** Some to-dos could not be loaded. */
  partial: boolean;
}

export type RecordStatus = IngestRecord['status'];

export type IngestRecord = ServerIngestRecord;

export type RecordVersion = RecordDetail['versions'][number];

export type RecordDetail = ServerRecordDetail;

export interface RecordQuery {
  departmentId?: number | null;
  item?: string | null;
  q?: string | null;
  cursor?: string | null;
  /**
   * Only records the engine flagged with this reason: fine_unit_suspect = 疑似金额单位错误 (元 entered as 万元),
   * fine_implausible = 罚款金额超出合理上限, age_unconfirmed = 自然人年龄待确认 (issue 13).
   */
  warning?: 'fine_unit_suspect' | 'fine_implausible' | 'age_unconfirmed' | null;
}

export type IngestStatsRow = StatsRow;

export type FormSubmission = FormBody;

/** 失信程度 of a 处罚类别 (docs/domain/03-publicity.md §3.3). */
export type PublicitySeverity = '轻微' | '一般' | '严重';
export type PublicityTransitionRule = 'decision_date' | 'new_for_all' | 'lighter';

/** GET/PUT /api/publicity/settings: the settings the credit office confirms (publicity settings.routes.ts, issue 13). */
export interface PublicitySettingsView {
  categories: { code: string; label: string; severity: PublicitySeverity; defaultSeverity: PublicitySeverity; example2026: string | null }[];
  categorySource: string;
  examplesSource: string;
  seriousFineAbove: number | null;
  transition: { rule: PublicityTransitionRule; from: string; basis: string };
  defaultTransition: { rule: PublicityTransitionRule; from: string };
  possiblySimpleProcedure: 'flag' | 'treat_as_simple';
  fineCeiling: number | null;
  fineCeilingSource: string;
  defaults: { seriousFineAbove: number | null; possiblySimpleProcedure: 'flag' | 'treat_as_simple'; fineCeiling: number | null };
  decisionDateFloor: string;
  decisionDateFloorNote: string;
}

/** The body of PUT /api/publicity/settings: only what changes. */
export interface PublicitySettingsChange {
  categorySeverity?: Record<string, PublicitySeverity>;
  transition?: { rule?: PublicityTransitionRule; from?: string };
  possiblySimpleProcedure?: 'flag' | 'treat_as_simple';
  seriousFineAbove?: number | null;
  fineCeiling?: number | null;
}

/** One console page's navigation badge (GET /api/desk/counts; src/platform/todos.ts PageCount). */
export interface PageCount {
  path: string;
  count: number;
  overdue: number;
}

export interface DeskCounts {
  pages: PageCount[];
  partial: boolean;
}

// The settings forms of repair, objections and feedback deadlines (issue 15 §4), typed from the server's schemas.
export type { RepairSettingsValuesDto as RepairSettingsValues, RepairSettingsViewDto as RepairSettingsView } from '../../domains/repair/repair.settings.schemas.ts';
export type { ObjectionSettingsValuesDto as ObjectionSettingsValues, ObjectionSettingsViewDto as ObjectionSettingsView } from '../../domains/objections/objections.settings.schemas.ts';
export type { FeedbackSettingsViewDto as FeedbackSettingsView } from '../../domains/sanctions/sanctions.settings.schemas.ts';
