import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {ignores: ["node_modules/", "dist/", "dashboards/.observablehq/", "data/", "coverage/", "test-results/", "dashboards/components/vendor/"]},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", {argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_"}],
      "@typescript-eslint/no-explicit-any": "off"
    }
  },
  {
    files: ["dashboards/**/*.js"],
    languageOptions: {globals: {window: "readonly", document: "readonly", fetch: "readonly", display: "readonly", view: "readonly", resize: "readonly", Blob: "readonly", URL: "readonly", navigator: "readonly", console: "readonly"}}
  }
);
