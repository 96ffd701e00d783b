// Template types for Element Plus's v-loading directive (installed globally in main.ts).
import type { vLoading } from 'element-plus';

declare module 'vue' {
  interface GlobalDirectives {
    vLoading: typeof vLoading;
  }
}

export {};
