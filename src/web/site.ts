// Site identity (title, city) from GET /api/public/site, loaded once and shared by
// the portal header and the console header.
import { reactive, readonly } from 'vue';
import { fetchSite } from './api/public';
import type { SiteInfo } from './api/types';

// Shown until the server answers, and kept if it cannot be reached.
const FALLBACK_TITLE = '城市信用平台';

const state = reactive({
  title: FALLBACK_TITLE,
  cityName: '',
  regionCode: '',
  loaded: false,
});

/** Read-only site identity for templates. */
export const site = readonly(state);

let pending: Promise<void> | null = null;

/** Fetch the site identity once; failures keep the fallback title. */
export function loadSite(): Promise<void> {
  if (!pending) {
    pending = fetchSite()
      .then((info: SiteInfo) => {
        state.title = info.title || FALLBACK_TITLE;
        state.cityName = info.cityName ?? '';
        state.regionCode = info.regionCode ?? '';
      })
      .catch((e: unknown) => {
        console.warn('读取站点信息失败', e);
      })
      .finally(() => {
        state.loaded = true;
      });
  }
  return pending;
}
