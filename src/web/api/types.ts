// Shapes of the JSON the server returns, as agreed in the API contract.

export type Role = 'admin' | 'reporter' | 'reviewer' | 'district_admin' | 'auditor';

export type DepartmentKind = 'city_unit' | 'district' | 'soe' | 'office';

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  departmentId: number | null;
  departmentName: string | null;
  /** Signed in with a one-time password: the console only offers to change it. */
  mustChangePassword: boolean;
}

export interface SessionResponse {
  user: SessionUser;
  csrfToken: string;
}

export interface SiteInfo {
  cityName: string;
  regionCode: string;
  title: string;
}

/** legal 法人和非法人组织; individual_business 个体工商户; natural_person 自然人 (others shown as sent). */
export type SubjectKind = 'legal' | 'individual_business' | 'natural_person' | (string & {});

export interface SearchItem {
  id: string;
  name: string;
  uscc: string | null;
  kind: SubjectKind;
  regionName?: string;
}

export interface SearchResponse {
  items: SearchItem[];
  /** A number, or "20+" when there are more than 20 (no exact count for common substrings). */
  total: number | string;
  nextCursor?: string | null;
}

/** GET /api/public/subjects/:id: a subject's basic information (natural persons: surname only). */
export interface PublicSubject {
  id: string;
  name: string;
  uscc: string | null;
  kind: SubjectKind;
  legalRepresentative?: string | null;
  regionName?: string | null;
  registeredOn?: string | null;
}

/** Tabs of a subject page that list records (`?tab=` of /api/public/subjects/:id/records). */
export type RecordTab = 'permit' | 'penalty' | 'red' | 'black' | 'commitment' | 'evaluation';

/** One public record (公示信息): only 社会公开 fields, enum codes already shown as labels. */
export interface PublicRecord {
  id: string;
  /** penalty, permit, red_list, black_list, … */
  type: string;
  itemName: string;
  subjectId: string | null;
  subjectName: string | null;
  docNo: string;
  decisionDate: string | null;
  authority: string | null;
  publicUntil: string | null;
  /** The publicity engine's explanation, e.g. "公示至 2027-03-05：…". */
  publicity: string;
  fields: Array<{ name: string; value: string }>;
}

export interface RecordPage {
  items: PublicRecord[];
  nextCursor: string | null;
}

export interface SgsQuery {
  type: 'penalty' | 'permit';
  departmentId?: string;
  from?: string;
  to?: string;
  cursor?: string | null;
  limit?: number;
}

/** One municipal document of the 信用制度 section. */
export interface Policy {
  title: string;
  number: string | null;
  date: string | null;
  link: string | null;
  issuer: string | null;
  domain: string;
  institution: string;
}

/** A downloaded credit report: the PDF and the identifiers printed on it. */
export interface DownloadedReport {
  blob: Blob;
  filename: string;
  number: string | null;
  verificationCode: string | null;
}

/** Answer of the report verification (by number + code or by uploading the PDF). */
export interface VerifyResult {
  genuine: boolean;
  number: string | null;
  subjectName: string | null;
  issuedAt: string | null;
  /** Whether the subject's public record changed since the report was issued (null: unknown). */
  changedSince: boolean | null;
  message: string;
}

export interface Department {
  id: number;
  code: string;
  name: string;
  shortName: string | null;
  kind: DepartmentKind;
  parentId: number | null;
  active: boolean;
}

export interface UserRow {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  departmentId: number | null;
  departmentName: string | null;
  /** False when the user's department is deactivated (the user cannot sign in then). */
  departmentActive: boolean | null;
  active: boolean;
  mustChangePassword: boolean;
  createdAt: string;
}

/** A change of role and/or department (PATCH /api/users/:id). */
export interface UserPatch {
  role?: Role;
  departmentId?: number | null;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  departmentId: number | null;
  password: string;
}

export interface ApiKeyRow {
  id: number;
  appKey: string;
  name: string;
  departmentId: number;
  departmentName: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt?: string | null;
}

export interface CreatedApiKey {
  id: number;
  appKey: string;
  secret: string;
}

export interface AuditEntry {
  id: number | string;
  at: string;
  actorUsername: string | null;
  actorRole: string | null;
  /** Set when a department system (API key) was the actor. */
  actorAppKey?: string | null;
  action: string;
  target: string | null;
  detail: unknown;
  ip: string | null;
  outcome: string;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  outcome?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// --- 资源目录 (catalogue) ---

export type CatalogStatus = 'draft' | 'in_review' | 'active' | 'retired';

export interface CatalogEnumValue {
  code: string;
  label: string;
}

export interface CatalogField {
  code: string;
  name: string;
  /** string | date | integer | decimal | enum | set */
  type: string;
  /** The required rule in Chinese, e.g. 必填, 选填, 行政相对人类别为“自然人”时必填. */
  required: string;
  maxLength: number | null;
  enum: CatalogEnumValue[] | null;
  masked: boolean;
  visibility: string;
  /** Date fields that accept 长期 (stored as 2099-12-31); optional in the contract. */
  longTermAllowed?: boolean;
  /** false: accepted on upload but not offered in templates or the online form. */
  inTemplate?: boolean;
}

export interface CatalogItem {
  id: string;
  name: string;
  version: number;
  status: CatalogStatus;
  recordType: string;
  infoClass: string;
  subjectCategories: string[];
  builtin: boolean;
  fields: CatalogField[];
}

/** One entry of `error.details` when the server rejects a catalogue definition. */
export interface CatalogDefError {
  path?: string;
  code?: string;
  message?: string;
}

// --- 数据归集 (ingest) ---

export type BatchStatus = 'processing' | 'committed' | 'rejected' | 'failed';
export type IngestChannel = 'file' | 'api' | 'form' | 'cli';

export interface IngestLimits {
  maxUploadBytes: number;
}

export interface BatchProgress {
  rows: number;
  bytesRead: number;
  totalBytes: number;
}

export interface FileError {
  code: string;
  message: string;
}

/** 回执 of one batch. */
export interface Receipt {
  batchId: string;
  status: BatchStatus;
  item: { id: string; name: string; version: number };
  department: { id: number; name: string };
  channel: IngestChannel;
  fileName: string | null;
  format: string | null;
  encoding: string | null;
  total: number;
  accepted: number;
  rejected: number;
  new: number;
  updated: number;
  duplicates: number;
  withdrawn: number;
  late: number;
  errors: FileError[];
  /** Rows accepted with a personal-data warning of the public-field screen, per code. */
  warnings?: Array<{ code: string; message: string; rows: number; rowNumbers: number[] }>;
  sameAsBatch: string | null;
  /** The console user who uploaded the batch; only they may download its error file unmasked. */
  createdBy?: number | null;
  createdAt: string;
  finishedAt: string | null;
  progress?: BatchProgress | null;
}

export interface RejectError {
  field: string | null;
  header: string | null;
  code: string;
  message: string;
}

export interface RejectRow {
  rowNumber: number;
  errors: RejectError[];
}

export interface BatchQuery {
  departmentId?: number | null;
  cursor?: string | null;
}

export type RecordStatus = 'active' | 'withdrawn';

export interface IngestRecord {
  id: string | number;
  itemId: string;
  itemName: string;
  docNo: string | null;
  authorityUscc: string | null;
  subjectName: string | null;
  status: RecordStatus;
  version: number;
  decisionDate: string | null;
  late: boolean;
  updatedAt: string;
  departmentId?: number;
}

export interface RecordVersion {
  version: number;
  content: Record<string, string | number | null>;
  batchId: string | null;
  rowNumber: number | null;
  channel: IngestChannel;
  late: boolean;
  withdrawn: boolean;
  createdAt: string;
}

export interface RecordDetail {
  record: IngestRecord;
  versions: RecordVersion[];
}

export interface RecordQuery {
  departmentId?: number | null;
  item?: string | null;
  q?: string | null;
  cursor?: string | null;
}

export interface IngestStatsRow {
  departmentId: number;
  departmentName: string;
  batches: number;
  rows: number;
  accepted: number;
  rejected: number;
  /** Rejected rows as a share of all rows, 0–1 (null when there were no rows). */
  rejectionRate: number | null;
  late: number;
  /** Late rows as a share of accepted rows, 0–1 (null when nothing was accepted). */
  lateShare: number | null;
  records: number;
}

export interface FormSubmission {
  catalog: string;
  departmentId?: number;
  /** 更正原因 (credit office only): lets the row change another department's record. */
  correctionReason?: string;
  values: Record<string, string>;
}
