import { describe, expect, it } from "vitest";
import { topModules } from "../../bench/lib/bundles.ts";

/** The engine bench's "top modules" table (bench/lib/bundles.ts), from an esbuild metafile. */
describe("topModules", () => {
  it("sums output bytes per npm package (scopes kept) or per folder of ours, heaviest first", () => {
    const metafile = {
      outputs: {
        "out/index.mjs": {
          bytes: 0,
          imports: [],
          exports: [],
          inputs: {
            "node_modules/zod/v4/core/core.js": { bytesInOutput: 300 },
            "node_modules/zod/v4/locales/en.js": { bytesInOutput: 50 },
            "node_modules/@langchain/core/dist/runnables/base.js": { bytesInOutput: 200 },
            "node_modules/@langchain/langgraph/node_modules/@langchain/core/dist/x.js": { bytesInOutput: 40 },
            "functions/trading/match/rules.ts": { bytesInOutput: 120 },
            "functions/trading/model/trade.ts": { bytesInOutput: 10 },
            "functions/engine/graph.ts": { bytesInOutput: 5 },
          },
        },
      },
    };
    expect(topModules(metafile, 3)).toEqual([
      { module: "zod", bytes: 350 },
      { module: "@langchain/core", bytes: 240 },
      { module: "functions/trading", bytes: 130 },
    ]);
  });
});
