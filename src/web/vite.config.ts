// Vite config for the Vue SPA (public portal at `/`, staff console at `/console`).
// Built by `npm run build` into <repo>/dist/web, which the Fastify server serves
// with an SPA fallback for every non-/api, non-/docs path.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../dist/web', import.meta.url));

// The API server the dev server proxies to (`npm run dev` listens on 3000 by default).
const apiTarget = 'http://localhost:3000';

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [vue()],
  // Keep Vite's cache out of src/ so the source tree stays clean.
  cacheDir: fileURLToPath(new URL('../../node_modules/.vite-web', import.meta.url)),
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/health': { target: apiTarget, changeOrigin: false },
      '/docs': { target: apiTarget, changeOrigin: false },
    },
  },
  build: {
    outDir,
    emptyOutDir: true,
    // Element Plus is imported in full on purpose (one stable vendor chunk that
    // government IT teams can cache); it is ~1 MB minified on its own.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router)[\\/]/, priority: 20 },
            { name: 'element-plus', priority: 10, test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs|dayjs|lodash-es|lodash-unified|async-validator|@ctrl|@vueuse|memoize-one|normalize-wheel-es)[\\/]/ },
          ],
        },
      },
    },
  },
});
