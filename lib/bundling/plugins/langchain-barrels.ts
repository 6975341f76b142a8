import type { Plugin } from "esbuild";
import { resolveReal } from "./resolve-real.ts";

/**
 * `@langchain/core` barrels that are only re-exports (their one statement of their own is a
 * `/* @__PURE__ *\/` namespace object), which its own modules nonetheless import for effect:
 * `language_models/structured_output.js` has `import "../output_parsers/index.js"` beside the
 * parsers it names, and esbuild keeps a bare import's whole module graph — the XML parser and its
 * SAX reader (~19 KiB minified) included — unless the package says it has no side effects.
 */
const PURE_BARRELS = /[\\/]node_modules[\\/]@langchain[\\/]core[\\/]dist[\\/]output_parsers[\\/]index\.js$/;

/**
 * Marks the barrels in {@link PURE_BARRELS} free of side effects, so a bare import of one adds
 * nothing: what an importer names from it is still bundled, and a module reached only through the
 * barrel (the XML output parser) stays out. Nothing runs differently, since no code is dropped
 * that a named import reaches.
 */
export function langchainBarrelsPlugin(): Plugin {
  return {
    name: "switchyard-langchain-barrels",
    setup(build) {
      // `../output_parsers/index.js` (LangChain's own import) or `@langchain/core/output_parsers`.
      build.onResolve({ filter: /output_parsers([\\/]index\.js)?$/ }, async (args) => {
        const real = await resolveReal(build, args);
        if (!real || !PURE_BARRELS.test(real.path)) return undefined;
        return { path: real.path, sideEffects: false };
      });
    },
  };
}
