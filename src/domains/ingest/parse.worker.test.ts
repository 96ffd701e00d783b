// The parse worker (issue 18) against the same read side run in this thread: what reaches the merge is the same,
// row for row (only the sealed originals differ: each sealer draws its own nonce), for a file and for JSON rows;
// errors in the worker reach the caller as they would be thrown here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decrypt } from '../../db/crypto.ts';
import { SGS_CF_V2 } from '../catalog/builtin/index.ts';
import { IngestError } from './errors.ts';
import { FIXTURE_AUTHORITIES, PENALTY_HEADERS, generatePenaltyRows, penaltyCsvChunks } from './fixtures.ts';
import type { ParsedEvent } from './parse.core.ts';
import { fileEvents, jsonRowEvents, parseJob, type ParseJob, type ParseSource } from './parse.job.ts';
import { parseInWorker } from './parse.thread.ts';
import { LineArena } from './copytext.ts';
import { completeStaged, stageContext, type StagedRow } from './staging.ts';

const SECRET = 'parse-worker-test-secret-0123456789abcdef';
/** The main thread's completion of staged rows, with the batch's secret. */
const completion = stageContext(SGS_CF_V2, SECRET, true);
let dir: string;
let csv: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cc-parse-worker-'));
  csv = join(dir, 'penalties.csv');
  // 5,000 rows: several batches, invalid and duplicate rows, natural persons with sealed ID numbers.
  await writeFile(csv, Buffer.concat([...penaltyCsvChunks(5000, 18, { encoding: 'gb18030', invalidRate: 0.05, duplicateRate: 0.03 })]));
});
after(() => rm(dir, { recursive: true, force: true }));

/** A job whose department may name all but one fixture authority, so the authority rule refuses some rows too. */
function job(source: ParseSource, over: Partial<ParseJob> = {}): ParseJob {
  return {
    source,
    item: SGS_CF_V2,
    today: new Date('2026-11-28T04:00:00Z'),
    reportDate: new Date('2026-11-28T04:00:00Z'),
    calendarOverrides: [],
    defaults: {},
    auth: { departmentName: '测试部门', own: null, allowed: new Set(FIXTURE_AUTHORITIES.slice(1).map((a) => a.uscc)) },
    correctionHint: false,
    review: false,
    secret: SECRET,
    keyWithSubject: true,
    batchRows: 700,
    ...over,
  };
}

async function drain(events: AsyncIterable<ParsedEvent>): Promise<{ events: ParsedEvent[]; rows: StagedRow[] }> {
  const out: ParsedEvent[] = [];
  const rows: StagedRow[] = [];
  for await (const ev of events) {
    out.push(ev);
    if (ev.type === 'rows') rows.push(...ev.rows);
  }
  return { events: out, rows };
}

/** A staged line's columns with the sealed originals (column 3) opened: the nonce differs, the content must not. */
function lineOf(b: Buffer): string[] {
  const cols = b.toString('utf8').split('\t');
  if (cols[2] !== '\\N') cols[2] = decrypt(SECRET, cols[2], 'pii');
  return cols;
}

/**
 * What the merge reads of a row: kind, number, errors, flags and the staged version, completed as the main thread
 * completes a row that writes (staging.ts completeStaged: the worker stages key, hash and values; lines opened).
 */
function comparable(r: StagedRow): unknown {
  if (r.kind === 'rejected') return { kind: r.kind, rowNumber: r.rowNumber, cells: r.cells, errors: r.errors };
  assert.ok(r.staged, `row ${r.rowNumber} is staged`);
  assert.ok(Buffer.isBuffer(r.staged.json) && Buffer.isBuffer(r.staged.cells));
  assert.equal(createHash('sha256').update(r.staged.json).digest('hex'), r.staged.hash, 'the hash is of the values as staged');
  completeStaged(r.staged, completion, new LineArena());
  const { line, cells, json, ...rest } = r.staged;
  assert.ok(line);
  const { late, withdrawn, provisional, workingDays } = r.result;
  return { kind: r.kind, rowNumber: r.rowNumber, flags: { late, withdrawn, provisional, workingDays }, staged: rest, line: lineOf(line), cells: cells.toString('utf8'), json: json.toString('utf8') };
}

test('a file read in the worker gives the merge the same rows, staged versions, warnings and SHA-256 as in this thread', async () => {
  const j = job({ kind: 'file', path: csv, format: 'csv' });
  const here = fileEvents(csv, 'csv');
  const expected = await drain(parseJob(j, here.events));
  here.close();
  const stream = parseInWorker(j);
  const got = await drain(stream.events);

  assert.ok(got.events.filter((e) => e.type === 'rows').length > 5, 'several batches crossed');
  assert.deepEqual(got.events[0], expected.events[0], 'header and mapping');
  assert.deepEqual(got.events.at(-1), expected.events.at(-1), 'end: no file errors, the same warning summary');
  assert.equal(got.rows.length, 5000);
  const kinds = new Set(got.rows.flatMap((r) => (r.kind === 'rejected' ? r.errors.map((e) => e.code) : [])));
  assert.ok(kinds.has('authority_not_allowed') && kinds.size > 3, `rejected for several reasons: ${[...kinds].join(', ')}`);
  const gotRows = got.rows.map(comparable);
  assert.ok(got.rows.some((r) => r.kind === 'accepted' && lineOf(r.staged!.line!)[2] !== '\\N'), 'some rows carry sealed personal fields');
  assert.deepEqual(gotRows, expected.rows.map(comparable));
  assert.equal(stream.sha256(), createHash('sha256').update(await readFile(csv)).digest('hex'));
  assert.equal(stream.progress(), (await readFile(csv)).length);
});

test('JSON rows (a large signed-API batch) read in the worker give the same rows as in this thread', async () => {
  const rows = [...generatePenaltyRows(1500, 7, { invalidRate: 0.05, duplicateRate: 0.03 })].map((g) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, g.cells[i]])));
  const j = job({ kind: 'rows', rows });
  const expected = await drain(parseJob(j, jsonRowEvents(rows)));
  const stream = parseInWorker(j);
  const got = await drain(stream.events);
  assert.deepEqual(got.rows.map(comparable), expected.rows.map(comparable));
  assert.deepEqual(got.events.at(-1), expected.events.at(-1));
  assert.equal(stream.progress(), 1500);
  assert.equal(stream.sha256(), null);
});

test('held for review: rows are not staged and each comes with the row as read', async () => {
  const raw: number[] = [];
  const got = await drain(parseInWorker(job({ kind: 'file', path: csv, format: 'csv' }, { review: true }), (r) => raw.push(r.rowNumber)).events);
  assert.equal(got.rows.length, 5000);
  assert.deepEqual(raw, got.rows.map((r) => r.rowNumber));
  const accepted = got.rows.find((r) => r.kind === 'accepted')!;
  assert.equal(accepted.kind === 'accepted' && accepted.staged, undefined);
  assert.ok(accepted.kind === 'accepted' && Object.keys(accepted.result.values).length > 10, 'the full validation result');
});

test('a file-level failure in the worker is thrown here as the same IngestError; any other failure as an error', async () => {
  const mixed = join(dir, 'mixed.csv');
  const utf8 = Buffer.concat([...penaltyCsvChunks(50, 3, { encoding: 'utf-8' })]);
  const gb = Buffer.concat([...penaltyCsvChunks(50, 4, { encoding: 'gb18030' })]).subarray(1000);
  await writeFile(mixed, Buffer.concat([utf8, gb]));
  await assert.rejects(drain(parseInWorker(job({ kind: 'file', path: mixed, format: 'csv' })).events), (e: unknown) => {
    assert.ok(e instanceof IngestError, String(e));
    assert.equal(e.code, 'encoding_mixed');
    return true;
  });
  await assert.rejects(drain(parseInWorker(job({ kind: 'file', path: join(dir, 'missing.csv'), format: 'csv' })).events), (e: unknown) => {
    assert.ok(!(e instanceof IngestError));
    assert.match(String(e), /parse worker: .*ENOENT/);
    return true;
  });
});

test('stopping after the header ends the worker (the import is refused or failed before the end of the file)', async () => {
  const stream = parseInWorker(job({ kind: 'file', path: csv, format: 'csv' }));
  const first = await stream.events.next();
  assert.equal(first.value?.type, 'header');
  // return() runs the generator's finally, which awaits the worker's termination.
  assert.deepEqual(await stream.events.return(undefined), { done: true, value: undefined });
});
