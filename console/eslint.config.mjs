// ESLint for the console's modules and its browser tests (scripts/lint-console.sh runs it, from
// scripts/test.sh). No plugins and no imports: the globals are listed, so the config needs
// nothing beside the pinned eslint itself.
const shared = {
  AbortController: 'readonly', AbortSignal: 'readonly', TextDecoder: 'readonly',
  URL: 'readonly', URLSearchParams: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
  console: 'readonly', crypto: 'readonly',
};
const rules = {
  'no-undef': 'error', 'no-unused-vars': 'error', 'no-unreachable': 'error', 'no-dupe-keys': 'error',
  'no-redeclare': 'error', 'no-shadow-restricted-names': 'error', 'no-fallthrough': 'error',
  'no-self-assign': 'error', 'no-const-assign': 'error', 'no-import-assign': 'error',
  'use-isnan': 'error', 'valid-typeof': 'error', eqeqeq: 'error', 'no-eval': 'error',
  'no-implied-eval': 'error', 'no-new-func': 'error',
};
export default [
  {
    files: ['console/assets/*.js'],
    languageOptions: {
      sourceType: 'module', ecmaVersion: 2023,
      globals: { ...shared, document: 'readonly', location: 'readonly', history: 'readonly',
        sessionStorage: 'readonly', window: 'readonly', Node: 'readonly', CSS: 'readonly' },
    },
    rules: {
      ...rules,
      // What comes from the switch is written as text: markup from strings is not allowed at all.
      'no-restricted-properties': ['error',
        { property: 'innerHTML' }, { property: 'outerHTML' }, { property: 'insertAdjacentHTML' },
        { object: 'document', property: 'write' }],
    },
  },
  {
    files: ['tests/console/*.mjs'],
    languageOptions: {
      sourceType: 'module', ecmaVersion: 2023,
      globals: { ...shared, process: 'readonly', Buffer: 'readonly', document: 'readonly',
        window: 'readonly', localStorage: 'readonly', sessionStorage: 'readonly' },
    },
    rules,
  },
];
