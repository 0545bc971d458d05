// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/", "**/node_modules/", "coverage/", "**/*.js", "**/*.mjs"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { prefer: "type-imports", fixStyle: "separate-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": ["error", { selector: "ExportDefaultDeclaration", message: "Use named exports only." }],
    },
  },
  { files: ["**/vitest.config.mts"], rules: { "no-restricted-syntax": "off" } },
  {
    files: ["shared/**/*.ts"],
    ignores: ["shared/azure/**", "shared/events.ts", "shared/events/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["@azure/*"], message: "The pure core imports nothing from @azure/*; adapters live in shared/azure." }] }],
    },
  },
);
