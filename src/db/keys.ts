// The instance secret in backups (issue 11 §3). Personal fields (subjects.id_enc, record_versions.pii_enc),
// API-key secrets and report codes are encrypted or keyed under the instance secret, so a backup is only
// readable together with that secret. The manifest carries:
//   - a canary: a fixed text encrypted under the secret, so a restore can tell BEFORE writing anything whether
//     the secret it would run with can read the data (AES-GCM refuses any other key);
//   - optionally the secret itself, wrapped with a passphrase given at backup time (scrypt + AES-256-GCM), so
//     that a restore on another machine can recover and install it.
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DbError } from './errors.ts';
import { decrypt, encrypt } from './crypto.ts';

const CANARY_TEXT = 'citycredit backup key check';
const CANARY_PURPOSE = 'backup-canary';
const WRAP_AAD = Buffer.from('citycredit-backup-secret-v1');
/** OWASP's scrypt parameters (N=2^17, r=8, p=1): about 128 MB and a few hundred ms per derivation. */
const SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
export const MIN_PASSPHRASE_CHARS = 12;

/** The secret wrapped under a passphrase-derived key; every parameter is stored so it can be changed later. */
export interface WrappedSecret {
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  iv: string;
  tag: string;
  data: string;
}

/** Key material carried in a backup manifest. */
export interface BackupKeys {
  canary: string;
  wrapped?: WrappedSecret;
}

/** Columns encrypted under the instance secret, with the purpose their key is derived for. */
export const ENCRYPTED_COLUMNS = [
  { table: 'subjects', column: 'id_enc', purpose: 'pii' },
  // A record's current version is on the record, its superseded ones in record_history (migration 20261208T0835w).
  { table: 'records', column: 'pii_enc', purpose: 'pii' },
  { table: 'record_history', column: 'pii_enc', purpose: 'pii' },
  { table: 'api_keys', column: 'secret_enc', purpose: 'api-key' },
] as const;

function scrypt(passphrase: string, salt: Buffer, p: { N: number; r: number; p: number }): Promise<Buffer> {
  const opts: ScryptOptions = { ...p, maxmem: 256 * p.N * p.r + 16 * 2 ** 20 };
  return new Promise((resolve, reject) => scryptCb(passphrase.normalize('NFC'), salt, 32, opts, (e, key) => (e ? reject(e) : resolve(key))));
}

/** Reads a passphrase file: its text without the trailing line break; refuses a short one. */
export async function readPassphraseFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new DbError('passphrase_file_unreadable', `无法读取口令文件 ${file}：${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const passphrase = text.replace(/\r?\n$/, '');
  if ([...passphrase].length < MIN_PASSPHRASE_CHARS) {
    throw new DbError('passphrase_too_short', `口令文件 ${file} 中的口令太短：至少 ${MIN_PASSPHRASE_CHARS} 个字符`);
  }
  return passphrase;
}

/** Key material for a backup made under secret; with a passphrase, the secret itself travels wrapped. */
export async function backupKeys(secret: string, passphrase?: string): Promise<BackupKeys> {
  const keys: BackupKeys = { canary: encrypt(secret, CANARY_TEXT, CANARY_PURPOSE) };
  if (passphrase !== undefined) {
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const key = await scrypt(passphrase, salt, SCRYPT);
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(WRAP_AAD);
    const data = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
    keys.wrapped = { kdf: 'scrypt', ...SCRYPT, salt: salt.toString('base64'), iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), data: data.toString('base64') };
  }
  return keys;
}

/** Recovers the secret wrapped in a backup; a wrong passphrase (or a tampered manifest) is refused. */
export async function unwrapSecret(keys: BackupKeys | undefined, passphrase: string): Promise<string> {
  const w = keys?.wrapped;
  if (!w) throw new DbError('backup_secret_missing', '该备份不含实例密钥（备份时未指定 --passphrase-file）。请把原实例的 CITYCREDIT_SECRET 设置到本实例后再恢复，不要指定 --passphrase-file');
  if (w.kdf !== 'scrypt') throw new DbError('backup_kdf_unknown', `备份使用了本程序不支持的密钥派生算法 ${String(w.kdf)}`);
  const key = await scrypt(passphrase, Buffer.from(w.salt, 'base64'), w);
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(w.iv, 'base64'));
    d.setAAD(WRAP_AAD);
    d.setAuthTag(Buffer.from(w.tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(w.data, 'base64')), d.final()]).toString('utf8');
  } catch {
    throw new DbError('backup_passphrase_wrong', '口令不正确，无法取出备份中的实例密钥，未写入任何数据');
  }
}

/** True when value decrypts under secret for the given purpose. */
export function decrypts(secret: string, value: string, purpose: string): boolean {
  try {
    decrypt(secret, value, purpose);
    return true;
  } catch {
    return false;
  }
}

/** True when the canary of a backup opens under secret. */
export function canaryOpens(keys: BackupKeys, secret: string): boolean {
  try {
    return decrypt(secret, keys.canary, CANARY_PURPOSE) === CANARY_TEXT;
  } catch {
    return false;
  }
}
