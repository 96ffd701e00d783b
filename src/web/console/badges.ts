// The navigation badges (issue 15 §4): the signed-in user's to-dos per console page from GET /api/desk/counts,
// refreshed on navigation (ConsoleLayout watches the path, not the query, so typing in a filter asks nothing),
// once a minute, and when a page has just handled an item (refreshBadges). One request at a time.
import { reactive } from 'vue';
import { fetchDeskCounts } from '../api/console';
import type { PageCount } from '../api/types';

/** Badge per console path ('/console/repair' → its count and overdue). */
export const badges = reactive(new Map<string, PageCount>());

const EVERY_MS = 60_000;
let inFlight: Promise<void> | null = null;
let timer: ReturnType<typeof setInterval> | null = null;

/** Asks the server for the counts (a call already on its way is shared); a failure keeps the last badges. */
export function refreshBadges(): Promise<void> {
  inFlight ??= fetchDeskCounts()
    .then((c) => {
      badges.clear();
      for (const p of c.pages) badges.set(p.path, p);
    })
    .catch(() => undefined)
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}

/** Starts the minute refresh (and refreshes now); returns the stop function. */
export function startBadges(): () => void {
  void refreshBadges();
  timer ??= setInterval(() => void refreshBadges(), EVERY_MS);
  return () => {
    if (timer) clearInterval(timer);
    timer = null;
    badges.clear();
  };
}
