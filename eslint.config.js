// ESLint flat config: typescript-eslint's recommended rules over the server, CLI, tests and benchmarks,
// and eslint-plugin-vue's recommended rules (with typescript-eslint for `<script lang="ts">`) over src/web.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'test-results/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-control-regex': 'off',
    },
  },
  // The Vue app: single-file components parsed by vue-eslint-parser, their `<script lang="ts">` by typescript-eslint.
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['src/web/**/*.{ts,vue}'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
    },
    rules: {
      // The browser code is typed: an `any` there hides a server/web shape mismatch.
      '@typescript-eslint/no-explicit-any': 'error',
      // vue-tsc resolves every name (browser globals included); ESLint's scope check does not know DOM types.
      'no-undef': 'off',
      // Layout only: the templates keep short elements on one line, which these two would split over many.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
    },
  },
);
