import type { BuildOptions } from "esbuild";
import { langchainBarrelsPlugin } from "./plugins/langchain-barrels.ts";
import { langchainLoadMapPlugin } from "./plugins/langchain-load-map.ts";
import { langsmithClientPlugin } from "./plugins/langsmith-client.ts";
import { semverGtePlugin } from "./plugins/semver-gte.ts";
import { zodLocalesPlugin } from "./plugins/zod-locales.ts";

/**
 * Prepended to every ESM output file. esbuild turns a CommonJS dependency's `require()` into a shim
 * that throws "Dynamic require of ... is not supported" in ESM unless a `require` exists in scope
 * (the X-Ray SDK under Powertools Tracer is one such dependency; see docs/architecture.md,
 * "Verified pitfalls").
 */
export const CREATE_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The module Lambda loads, `index.mjs`: the handler string is `index.<export>`. */
export const HANDLER_MODULE = "index";
export const ENTRY_FILE = `${HANDLER_MODULE}.mjs`;

export interface LambdaBuild {
  /** Absolute path of the handler's source file. */
  readonly entry: string;
  /** Packages left out (loaded at run time only if ever needed, e.g. unused model providers). */
  readonly external?: readonly string[];
}

/**
 * The one esbuild configuration every Lambda is built with — by CDK synth and by the engine bench
 * alike, so what is measured is what deploys:
 * - ESM for Node 24, minified, `createRequire` banner, AWS SDK bundled (the version tested, not
 *   the runtime's);
 * - code splitting: a dynamic `import()` (a model provider, an OTLP exporter) becomes a chunk of
 *   its own, read from disk only when that branch runs, so it costs nothing at cold start;
 * - source maps written beside the code (`index.mjs.map`, linked, not inlined): the code Lambda
 *   parses stays small, and `NODE_OPTIONS=--enable-source-maps` can map stack traces when wanted;
 * - plugins that leave out what no Lambda runs (zod's locales, LangSmith's client, the parts of
 *   `@langchain/core` that only its `load()` import map or a bare barrel import reaches, all of
 *   `semver` where the X-Ray SDK calls its `gte` alone).
 */
export function lambdaBuildOptions(request: LambdaBuild, outdir: string): BuildOptions {
  return {
    entryPoints: { [HANDLER_MODULE]: request.entry },
    outdir,
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node24",
    minify: true,
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    // Prefer packages' ESM builds, which tree-shake; fall back to CommonJS.
    mainFields: ["module", "main"],
    banner: { js: CREATE_REQUIRE_BANNER },
    sourcemap: "linked",
    sourcesContent: false,
    external: [...(request.external ?? [])],
    plugins: [
      zodLocalesPlugin(),
      langsmithClientPlugin(),
      langchainLoadMapPlugin(),
      langchainBarrelsPlugin(),
      semverGtePlugin(),
    ],
    metafile: true,
    logLevel: "error",
  };
}
