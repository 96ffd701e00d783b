// Credit-event domains and sub-domains for filters and staff corrections, read once from the server
// (GET /api/monitoring/taxonomy: the same shipped file the server classifies with, so no copy drifts).
// The console reaches the server only over HTTP, never by importing its files.
import { computed, ref } from 'vue';
import { fetchTaxonomy } from '../../api/monitoring';

export interface DomainOption {
  name: string;
  subdomains: string[];
}

/** The domains with their sub-domains; empty until the first `loadTaxonomy()` answers. */
export const EVENT_DOMAINS = ref<DomainOption[]>([]);

let loading: Promise<void> | null = null;

/** Loads the taxonomy once per page load (later calls share the first request; a failure may be retried). */
export function loadTaxonomy(): Promise<void> {
  loading ??= fetchTaxonomy().then(
    (t) => {
      EVENT_DOMAINS.value = t.domains;
    },
    (e: unknown) => {
      loading = null;
      throw e;
    },
  );
  return loading;
}

const DOMAIN_OF = computed(() => new Map(EVENT_DOMAINS.value.flatMap((d) => d.subdomains.map((s) => [s, d.name] as const))));

/** The domain a sub-domain belongs to (undefined for unknown names or before the taxonomy is loaded). */
export function domainOf(subdomain: string): string | undefined {
  return DOMAIN_OF.value.get(subdomain);
}
