import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.ci-out/**', '**/*.vue'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
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
    files: ['src/shared/**/*.ts', 'src/renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'shared/renderer code runs in the browser' }],
        patterns: [{ group: ['node:*'], message: 'shared/renderer code runs in the browser' }],
      }],
    },
  },
)
