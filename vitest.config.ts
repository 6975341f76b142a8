import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// Two tiers by file name (docs/architecture.md, "House style" §6): `*.test.ts` never touch the
// network; `*.int.test.ts` and `test/e2e/` run against the embedded AWS on loopback.
export default defineConfig({
  // The package's own faces (`switchyard/engine`, `switchyard/cdk`…) resolve to their sources in
  // tests, without a build; package.json's exports send every other importer to dist/. Vitest's
  // own default is the server conditions without `module` (which picks bundler-only ESM builds).
  ssr: {
    resolve: {
      conditions: ["switchyard-source", ...defaultServerConditions.filter((c) => c !== "module")],
    },
  },
  test: {
    // @langchain/langgraph-checkpoint-validation registers its suites through globals.
    globals: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Test files share one module graph per worker: importing aws-cdk-lib, LangGraph and the SDK
    // once instead of once per file takes about half of the suite's CPU time off. The price: a
    // file must undo what it does to shared modules (class-wide `mockClient` stubs restored in
    // `afterAll`, environment variables put back, emulators stopped).
    isolate: false,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts", "functions/**/*.test.ts", "local/**/*.test.ts", "lib/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "test/e2e/**", "test/guide/**", "**/node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: [
            "test/**/*.int.test.ts",
            "functions/**/*.int.test.ts",
            "local/**/*.int.test.ts",
            "test/e2e/**/*.test.ts",
          ],
        },
      },
      {
        // docs/your-workflow.md followed command by command in a fresh copy of the repository
        // (type-check, synth, build: minutes) — `npm run test:guide`, a tier of its own.
        extends: true,
        test: { name: "guide", include: ["test/guide/**/*.test.ts"], testTimeout: 900_000 },
      },
    ],
  },
});
