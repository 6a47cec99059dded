// Shared lint rules for every package (style.md: no floating promises, type-only imports,
// no console outside CLIs, no `export *`).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.js', '**/*.mjs', '.fraudstream/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Name what you export; no `export *`.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../*/src/*', '@fraudstream/*/src/*'],
              message: 'Import packages through their entry points.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/cli/**/*.ts', '**/*.test.ts', 'tests/**/*.ts', '**/bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
