import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The app's tests, and each harness package's own tests (packages/*/vitest.config.mts).
    projects: [{ extends: true, test: { name: "app", include: ["test/**/*.test.ts"] } }, "packages/*"],
    coverage: {
      provider: "v8",
      include: ["app/**/*.ts", "shared/**/*.ts", "functions/**/*.ts", "orchestrations/**/*.ts", "local/**/*.ts", "packages/*/src/**/*.ts"],
      reporter: ["text-summary", "text"],
    },
  },
  // The harness packages resolve to their TypeScript sources (the "source" export condition), so
  // tests need no build.
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
});
