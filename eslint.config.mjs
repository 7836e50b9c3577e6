import js from '@eslint/js'
import pluginVue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'
import vueParser from 'vue-eslint-parser'

// Text a template may hold without a translation: the rule's default punctuation, plus the symbols and key caps the UI shows.
const TEMPLATE_TEXT_ALLOWED = [
  ...['(', ')', ',', '.', '&', '+', '-', '=', '*', '/', '#', '%', '!', '?', ':', '[', ']', '{', '}', '<', '>', '|'],
  ...['\u00b7', '\u2022', '\u2010', '\u2013', '\u2014', '\u2212', '×', '…', '●'],
  '/^F([1-9]|1[0-9]|2[0-4])$/',
]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.ci-out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  // Layout is the formatter's job: these rules would fight it over every template's line breaks.
  pluginVue.configs['no-layout-rules'],
  {
    // Single-file components: the template through vue-eslint-parser, `<script setup lang="ts">` through typescript-eslint's.
    files: ['**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, sourceType: 'module', extraFileExtensions: ['.vue'] },
    },
    // The compiler checks names (vue-tsc), as typescript-eslint advises for .ts files.
    rules: { 'no-undef': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Vue's style guide for this tree: typed `<script setup lang="ts">`, typed props and emits.
    files: ['**/*.vue'],
    rules: {
      'vue/block-lang': ['error', { script: { lang: 'ts' } }],
      'vue/component-api-style': ['error', ['script-setup']],
      'vue/define-props-declaration': ['error', 'type-based'],
      'vue/define-emits-declaration': ['error', 'type-literal'],
      'vue/component-name-in-template-casing': ['error', 'PascalCase', { registeredComponentsOnly: false }],
      'vue/no-unused-refs': 'error',
      'vue/no-useless-v-bind': 'error',
      'vue/no-unused-emit-declarations': 'error',
      'vue/no-unused-properties': 'error',
      'vue/require-explicit-emits': 'error',
      'vue/require-typed-ref': 'error',
      'vue/prefer-use-template-ref': 'error',
      'vue/no-ref-object-reactivity-loss': 'error',
      'vue/no-undef-components': 'error',
      'vue/no-import-compiler-macros': 'error',
      'vue/no-useless-mustaches': 'error',
      'vue/no-template-target-blank': 'error',
      'vue/prefer-separate-static-class': 'error',
      'vue/no-duplicate-attr-inheritance': 'error',
      'vue/require-macro-variable-name': 'error',
      'vue/no-multiple-objects-in-class': 'error',
      'vue/prefer-true-attribute-shorthand': 'error',
      'vue/eqeqeq': 'error',
    },
  },
  {
    // Every word a user reads comes from the message catalog ($t): bare text in a template fails.
    // Punctuation, symbols and key caps read the same in every language.
    files: ['src/renderer/**/*.vue'],
    rules: {
      'vue/no-bare-strings-in-template': [
        'error',
        {
          allowlist: TEMPLATE_TEXT_ALLOWED,
        },
      ],
    },
  },
  {
    // The engine, the host and browser mode run in plain Node (CLI, tests): only the Electron shell imports Electron.
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/shell/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'only src/main/shell may import Electron' }] }] },
  },
  {
    // Shared code is imported by the renderer too: no Node, no Electron.
    files: ['src/shared/**/*.ts', 'src/renderer/**/*.ts', 'src/renderer/**/*.vue'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'shared/renderer code runs in the browser' }],
          patterns: [{ group: ['node:*'], message: 'shared/renderer code runs in the browser' }],
        },
      ],
    },
  },
)
