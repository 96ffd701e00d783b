// ESLint flat config: typescript-eslint's recommended rules over the server, CLI, tests and benchmarks,
// eslint-plugin-vue's recommended rules (with typescript-eslint for `<script lang="ts">`) over src/web,
// plus the dependency rule of issue 12 (eslint-plugin-boundaries), so a wrong import fails CI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';
import pluginVue from 'eslint-plugin-vue';

// The layers, lowest first. A layer may import the layers below it, never one above. Patterns are
// folder based, so a new file or a new domain folder (assessment/, lists/ …) is covered without an edit.
// Element patterns match folders; the files directly in src/ form the element `root`, in which
// src/config.ts is the lowest layer and app.ts, server.ts and routes.ts are shells (told apart by path).
const LAYERS = [
  { type: 'db', pattern: 'src/db', partialMatch: false },
  { type: 'platform', pattern: 'src/platform', partialMatch: false },
  // One element per domain folder: files inside one domain import each other freely (internal
  // dependencies are not checked); another domain is reached only through its index.ts.
  { type: 'domain', pattern: 'src/domains/*', partialMatch: false, capture: ['domain'] },
  // Shells compose everything: the CLI and src/shell, with app.ts, server.ts and routes.ts below.
  { type: 'shell', pattern: ['src/cli', 'src/shell'], partialMatch: false },
  // The front end talks to the server over HTTP; it may only `import type` a domain's *.schemas.ts.
  { type: 'web', pattern: 'src/web', partialMatch: false },
  { type: 'root', pattern: 'src', partialMatch: false },
];

const CONFIG = { element: { type: 'root' }, file: { path: 'src/config.ts' } };
const ROOT_SHELLS = { element: { type: 'root' }, file: { path: 'src/{app,server,routes}.ts' } };
const SHELL_SOURCES = [{ element: { type: 'shell' } }, ROOT_SHELLS];
const to = (...types) => types.map((type) => ({ element: { type } }));

// What each layer may import (config imports nothing of ours: see the no-restricted-imports block).
const LAYER_POLICIES = [
  { from: { element: { type: 'db' } }, allow: { to: [CONFIG] } },
  { from: { element: { type: 'platform' } }, allow: { to: [CONFIG, ...to('db')] } },
  { from: { element: { type: 'domain' } }, allow: { to: [CONFIG, ...to('db', 'platform')] } },
  // Another domain's internals are off limits: only its public face, index.ts.
  { from: { element: { type: 'domain' } }, allow: { to: { element: { type: 'domain', fileInternalPath: 'index.ts' } } } },
  { from: SHELL_SOURCES, allow: { to: [...to('root', 'db', 'platform', 'domain', 'shell')] } },
  {
    from: { element: { type: 'web' } },
    allow: { to: { element: { type: 'domain', fileInternalPath: '*.schemas.ts' } }, dependency: { kind: 'type' } },
  },
  // Pure builders the console and the server share (the dashboard's and the briefing's chart options,
  // issue 17 §6): a domain's `*.shared.ts`, which imports nothing of ours, may be imported by the web.
  { from: { element: { type: 'web' } }, allow: { to: { element: { type: 'domain', fileInternalPath: '*.shared.ts' } } } },
];


export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'build/', '.build-tmp-*/', '.build-old-*/', 'data/', 'test-results/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-control-regex': 'off',
    },
  },
  // The dependency rule (issue 12): config → db → platform → domains → shells, never upward;
  // domains meet only through index.ts; the web only through HTTP and type-only schema imports.
  // Tests and benchmarks (*.test.ts, test/, bench/) are not layers and may import anything, so
  // they are left out of this block.
  {
    files: ['src/**/*.ts', 'src/**/*.vue'],
    ignores: ['src/**/*.test.ts', 'src/**/*.test-data.ts', 'src/**/*.bench.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': LAYERS,
      'boundaries/include': ['src/**/*'],
      'import/resolver': { node: { extensions: ['.ts', '.js', '.mjs', '.vue'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message: '依赖规则：{{from.type}} 不可引用 {{to.type}} 的此文件（见 src/domains/README.md）',
          policies: [
            ...LAYER_POLICIES,
          ],
        },
      ],
    },
  },
  // src/config.ts is the lowest layer: it imports packages only, nothing of ours.
  {
    files: ['src/config.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['./*', '../*'], message: '依赖规则：src/config.ts 是最底层，不可引用项目内的其他文件' }] }],
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
