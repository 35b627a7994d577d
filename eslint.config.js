// The type-checked recommended rules of typescript-eslint over every TypeScript file the
// project compiles (tsconfig.json), plus the rules that catch what review kept catching.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'examples/**', 'test/package/consumer/**', 'bin/**'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Callbacks in types are properties, so that taking one out of its object (`const { login } = useAuth()`) is safe.
      '@typescript-eslint/method-signature-style': ['error', 'property'],
      // `const { secret: _, ...rest } = x` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // An async function without `await` is how a synchronous implementation of a Promise-returning
      // interface (the memory store, a test double) turns its throws into rejections.
      '@typescript-eslint/require-await': 'off',
      // An async event handler on a JSX attribute is React's own pattern; promises elsewhere are checked.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    files: ['test/**'],
    rules: {
      // vitest's asymmetric matchers (`expect.any(Number)` inside `toEqual({...})`) are typed `any` by design.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
