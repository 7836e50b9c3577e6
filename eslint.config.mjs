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
    // The engine runs in plain Node (CLI, browser mode, tests): never Electron.
    files: ['src/main/rfb/**/*.ts', 'src/main/cli/**/*.ts', 'src/main/host/**/*.ts', 'src/main/web/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'the engine must run without Electron' }] }] },
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
