import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// The report checked in headless Chromium: its own tier, outside `npm test` (which must pass on
// a machine without a browser). `npm run test:report` runs it through test/browser/run.ts; .ci/run
// installs Debian's chromium first. Sources resolve as in the main config (vitest.config.ts).
export default defineConfig({
  ssr: {
    resolve: {
      conditions: ["switchyard-source", ...defaultServerConditions.filter((c) => c !== "module")],
    },
  },
  test: {
    globals: true,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    include: ["test/browser/**/*.browser.ts"],
  },
});
