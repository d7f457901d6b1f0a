// ESLint for the pages' own scripts (the vendored libraries are not ours to lint).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["app/web/static/vendor/**", "node_modules/**"] },
  js.configs.recommended,
  {
    files: ["app/web/static/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      // Library globals (L, Chart, SwaggerUIBundle) are declared per file with /* global */.
      globals: globals.browser,
    },
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      eqeqeq: ["error", "smart"],
      "no-var": "error",
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ["app/web/static/pages/docs.js"],
    languageOptions: { sourceType: "script" },
  },
  {
    files: ["scripts/**/*.mjs", "eslint.config.mjs"],
    languageOptions: { globals: globals.node },
  },
];
