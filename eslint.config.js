import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// domain/ holds pure rules: no framework, no database driver, no Node I/O.
const forbiddenInDomain = [
  '@nestjs/*',
  'typeorm',
  'typeorm/*',
  'mysql2',
  'mysql2/*',
  'better-sqlite3',
  'express',
  'handlebars',
  'hbs',
  'exceljs',
  'node:*',
  'fs',
  'fs/*',
  'path',
  'http',
  'https',
  'net',
  'child_process',
  'os',
  'crypto',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Never parseFloat money: DECIMAL columns arrive as strings and stay exact.
      'no-restricted-globals': [
        'error',
        { name: 'parseFloat', message: 'Use decimal.js (domain/shared/money.ts).' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Number',
          property: 'parseFloat',
          message: 'Use decimal.js (domain/shared/money.ts).',
        },
      ],
    },
  },
  {
    // One config module reads the environment, once, at start-up (docs/architecture.md).
    files: [
      'src/**/*.ts',
      'domain/**/*.ts',
      'projections/**/*.ts',
      'legacy-sync/**/*.ts',
      'reports/**/*.ts',
      'ormconfig.ts',
    ],
    ignores: ['src/kernel/config.ts', 'src/kernel/config/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'Number',
          property: 'parseFloat',
          message: 'Use decimal.js (domain/shared/money.ts).',
        },
        {
          object: 'process',
          property: 'env',
          message:
            'Read settings through src/kernel/config.ts (one typed config, read at start-up).',
        },
      ],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: forbiddenInDomain,
              message: 'domain/ is pure: no framework, driver or Node I/O imports.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'domain/ takes time from its context.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'domain/ takes time from its context.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', module: 'writable' } },
  },
  prettier,
);
