// Uploaded files while their batch runs (issue 11 §5): kept in the data folder (CITYCREDIT_DATA_DIR/uploads,
// 0700), each file 0600, removed when the batch ends, and swept at start-up. A file's name starts with the pid
// of the process that saved it, so that a start-up sweep keeps the files of another live process sharing the
// data folder (a second `serve` on the same embedded server) and removes those whose process is gone.
import { processAlive } from '../../platform/process.ts';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomToken } from '../../platform/crypto.ts';

// Files this process has saved and not yet removed.
const inUse = new Set<string>();

/** The uploads folder of a data folder, created 0700 (and tightened to 0700 if it already existed). */
export async function prepareUploadDir(dataDir: string): Promise<string> {
  // The data folder itself keeps the mode it was given (the embedded server's user must traverse it).
  await mkdir(dataDir, { recursive: true });
  const dir = join(dataDir, 'uploads');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
}

/** Writes an upload stream to a new 0600 file in `dir`; returns its path. Nothing is left on failure. */
export async function saveUpload(dir: string, stream: Readable): Promise<string> {
  const path = join(dir, `${process.pid}-${Date.now()}-${randomToken(8)}.upload`);
  inUse.add(path);
  try {
    await pipeline(stream, createWriteStream(path, { mode: 0o600, flags: 'wx' }));
  } catch (e) {
    await removeUpload(path);
    throw e;
  }
  return path;
}

/** Removes a saved upload (its batch ended: committed, rejected or failed). */
export async function removeUpload(path: string): Promise<void> {
  await rm(path, { force: true });
  inUse.delete(path);
}

/**
 * Removes the files of no running batch: every file in `dir` except those this process is using, those
 * saved by another process that is still alive, and `keep` (files of import jobs still queued). Returns the number removed.
 */
export async function sweepUploads(dir: string, keep: ReadonlySet<string> = new Set()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if (inUse.has(path) || keep.has(path)) continue;
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && processAlive(pid)) continue;
    await rm(path, { force: true, recursive: true });
    removed++;
  }
  return removed;
}
