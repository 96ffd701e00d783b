// A statistics page's period and figures (统计期间): the period bar's range (1 January to today, China time), the
// figures of that period, the error in words and the loading flag. The pages with StatsPeriodBar loaded them with
// the same code word for word; here once, so that a fix to loading reaches every page.
import { onMounted, ref, type Ref } from 'vue';
import { errorMessage } from '../api/http';
import { defaultStatsRange } from './statsPeriod';

/** The period, figures, error and loading of a statistics page; `fetch` reads a period's figures, loaded on mount and on 统计. */
export function useStatsPeriod<T>(fetch: (from: string, to: string) => Promise<T>) {
  const range = ref<[string, string]>(defaultStatsRange());
  const data = ref(null) as Ref<T | null>;
  const error = ref('');
  const loading = ref(false);
  async function load(): Promise<void> {
    loading.value = true;
    error.value = '';
    try {
      data.value = await fetch(range.value[0], range.value[1]);
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }
  onMounted(load);
  return { range, data, error, loading, load };
}
