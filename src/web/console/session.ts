// The console session: who is logged in, kept in one reactive object.
// Loaded lazily by the router guard, so portal visitors never call /api/auth/me.
import { reactive, readonly } from 'vue';
import { ApiError, setCsrfToken } from '../api/http';
import { fetchMe, postLogin, postLogout, postPassword } from '../api/console';
import type { SessionResponse, SessionUser } from '../api/types';

const state = reactive({
  user: null as SessionUser | null,
  loaded: false,
});

/** Read-only view of the session for components. */
export const session = readonly(state);

let pending: Promise<SessionUser | null> | null = null;

function apply(res: SessionResponse): SessionUser {
  state.user = res.user;
  state.loaded = true;
  setCsrfToken(res.csrfToken);
  return res.user;
}

/** Forget the session locally (after logout, or when the server says 401). */
export function clearSession(): void {
  state.user = null;
  state.loaded = true;
  setCsrfToken(null);
}

/** Load the session once; later calls reuse the answer. Resolves null when logged out. */
export function ensureSession(): Promise<SessionUser | null> {
  if (state.loaded) return Promise.resolve(state.user);
  if (!pending) {
    pending = fetchMe()
      .then(apply)
      .catch((e: unknown) => {
        // 401 means "not logged in"; any other failure is treated the same way so the
        // login page can still be shown, and the login call will report the real error.
        if (!(e instanceof ApiError) || e.status !== 401) console.warn('读取登录状态失败', e);
        clearSession();
        return null;
      })
      .finally(() => {
        pending = null;
      });
  }
  return pending;
}

/** Log in and remember the returned user and CSRF token. */
export async function login(username: string, password: string): Promise<SessionUser> {
  return apply(await postLogin(username, password));
}

/** Change one's own password; afterwards the session is no longer limited to doing so. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<SessionUser> {
  return apply(await postPassword(currentPassword, newPassword));
}

/** Log out on the server (best effort) and locally. */
export async function logout(): Promise<void> {
  try {
    await postLogout();
  } catch {
    // An expired session or a network error must not keep the user "logged in" locally.
  } finally {
    clearSession();
  }
}

/** Post-login destination: only console paths of this app, never the login page itself. */
export function safeConsoleRedirect(value: unknown): string {
  if (typeof value !== 'string') return '/console';
  if (!/^\/console(\/[^/\\]|\?|$)/.test(value) || value.startsWith('/console/login')) return '/console';
  return value;
}
