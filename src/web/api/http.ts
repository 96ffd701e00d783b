// Thin fetch wrapper shared by the portal and the console.
// - Same-origin cookies on every call (the session cookie is httpOnly).
// - Every state-changing call carries the CSRF token from /api/auth/me or login.
// - Errors become ApiError with the server's Chinese message when it sent one.
// - File uploads go through XMLHttpRequest (`upload`) so the page can show real upload progress.

/** Error raised for any failed API call; `message` is safe to show to users. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** `error.details` as the server sent it (e.g. a list of validation errors), if any. */
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Skip the global 401 handler (used by the session probe and login itself). */
  skipAuthRedirect?: boolean;
  signal?: AbortSignal;
}

let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

/** Remember the CSRF token the server issued with the session. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Register what to do when a console call finds the session gone (401). */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler;
}

/** Build `path?query`, dropping empty values so filters stay optional. */
export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

// Fallback messages when the server (or a proxy in between) sent no JSON error.
function fallbackMessage(status: number): string {
  if (status === 400) return '请求参数有误';
  if (status === 401) return '登录已失效，请重新登录';
  if (status === 403) return '没有权限执行此操作';
  if (status === 404) return '请求的资源不存在';
  if (status === 409) return '数据冲突，请刷新后重试';
  if (status === 413) return '提交的内容过大';
  if (status === 429) return '操作过于频繁，请稍后再试';
  if (status >= 500) return '服务器暂时无法处理请求，请稍后再试';
  return `请求失败（${status}）`;
}

/** ApiError from an error response body (JSON `{ error: { code, message, details? } }` or anything else). */
function errorFromBody(status: number, text: string): ApiError {
  let code = `http_${status}`;
  let message = fallbackMessage(status);
  let details: unknown;
  try {
    const data: unknown = JSON.parse(text);
    const err = (data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    if (err && typeof err === 'object') {
      if (typeof err.code === 'string' && err.code) code = err.code;
      if (typeof err.message === 'string' && err.message) message = err.message;
      details = err.details;
    }
  } catch {
    // Not JSON (e.g. a proxy error page): keep the fallback message.
  }
  return new ApiError(status, code, message, details);
}

async function parseError(res: Response): Promise<ApiError> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    // body unreadable: fallback message
  }
  return errorFromBody(res.status, text);
}

/** Perform one JSON API call and return the parsed body (or undefined for 204). */
export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', '网络连接失败，请检查网络后重试');
  }

  if (!res.ok) {
    const err = await parseError(res);
    if (res.status === 401 && !options.skipAuthRedirect && unauthorizedHandler) unauthorizedHandler();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A binary answer (e.g. a PDF) with the headers that describe it. */
export interface BlobResponse {
  blob: Blob;
  headers: Headers;
}

/**
 * One API call whose success body is a file rather than JSON: same cookies, CSRF token and
 * ApiError handling as `request`; the body of an error is still the server's JSON message.
 */
export async function requestBlob(method: Method, path: string, options: RequestOptions = {}): Promise<BlobResponse> {
  const headers: Record<string, string> = { Accept: 'application/pdf, application/octet-stream, application/json' };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(buildUrl(path, options.query), { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', '网络连接失败，请检查网络后重试');
  }
  if (!res.ok) {
    const err = await parseError(res);
    if (res.status === 401 && !options.skipAuthRedirect && unauthorizedHandler) unauthorizedHandler();
    throw err;
  }
  try {
    return { blob: await res.blob(), headers: res.headers };
  } catch {
    throw new ApiError(0, 'network_error', '文件下载中断，请重试');
  }
}

/**
 * File name from a Content-Disposition header: RFC 5987 `filename*=UTF-8''…` first (Chinese names),
 * then a plain `filename="…"`; `fallback` when neither is usable. Path separators are removed.
 */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  let name = '';
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (star) {
    try {
      name = decodeURIComponent(star[2].trim().replace(/^"|"$/g, ''));
    } catch {
      name = '';
    }
  }
  if (!name) {
    const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
    if (plain) name = (plain[2] ?? plain[1]).trim();
  }
  name = name.replace(/[\\/]/g, '_').trim();
  return name || fallback;
}

/** A file answer with the name its Content-Disposition gives (or `fallbackName`). */
export interface NamedFile extends BlobResponse {
  filename: string;
}

/** The one download path of the app: `requestBlob`, then the file name from Content-Disposition. */
export async function fetchFile(method: Method, path: string, fallbackName: string, options: RequestOptions = {}): Promise<NamedFile> {
  const { blob, headers } = await requestBlob(method, path, options);
  return { blob, headers, filename: filenameFromDisposition(headers.get('content-disposition'), fallbackName) };
}

/** Let the browser save a blob under `filename` (object URL + a temporary `<a download>`). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  document.body.removeChild(a);
  // Revoke later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export interface UploadOptions {
  query?: Record<string, QueryValue>;
  /** Called as the request body is sent: bytes sent so far and the total (null when unknown). */
  onProgress?: (loaded: number, total: number | null) => void;
  signal?: AbortSignal;
}

/**
 * POST a multipart form with XMLHttpRequest (fetch cannot report upload progress).
 * Same-origin cookies and the CSRF token as for `request`; errors are ApiError, an abort
 * rejects with a DOMException named AbortError.
 */
export function upload<T>(path: string, form: FormData, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const { signal } = options;
    if (signal?.aborted) {
      reject(new DOMException('上传已取消', 'AbortError'));
      return;
    }
    const onAbortSignal = (): void => xhr.abort();
    signal?.addEventListener('abort', onAbortSignal, { once: true });
    const done = (): void => signal?.removeEventListener('abort', onAbortSignal);

    xhr.open('POST', buildUrl(path, options.query));
    xhr.withCredentials = false; // same-origin: cookies are sent, as with credentials: 'same-origin'
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    if (options.onProgress) {
      const report = options.onProgress;
      xhr.upload.onprogress = (e) => report(e.loaded, e.lengthComputable ? e.total : null);
    }
    xhr.onload = () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve((xhr.responseText ? JSON.parse(xhr.responseText) : undefined) as T);
        } catch {
          reject(new ApiError(xhr.status, 'bad_response', '服务器返回的数据无法识别，请稍后重试'));
        }
        return;
      }
      const err = errorFromBody(xhr.status, xhr.responseText);
      if (xhr.status === 401 && unauthorizedHandler) unauthorizedHandler();
      reject(err);
    };
    xhr.onerror = () => {
      done();
      reject(new ApiError(0, 'network_error', '网络连接失败，请检查网络后重试'));
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => {
      done();
      reject(new DOMException('上传已取消', 'AbortError'));
    };
    xhr.send(form);
  });
}

/** Whether a thrown value is a cancelled request (fetch abort or upload abort). */
export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

/** Human-readable message for any thrown value. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return '操作失败，请稍后重试';
}
