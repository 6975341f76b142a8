import { dirname } from "node:path";
import type { Plugin } from "esbuild";

const NAMESPACE = "switchyard-semver-gte";
/** The packages under Powertools Tracer that require all of `semver` to call its `gte` alone. */
const IMPORTERS = /[\\/]node_modules[\\/](aws-xray-sdk-core|cls-hooked)[\\/]/;

/**
 * Gives the X-Ray SDK and cls-hooked `semver`'s own `gte` in place of the whole package: each
 * calls `semver.gte` and nothing else (`patchers/aws_p.js`, `cls-hooked/index.js`), while the
 * package index also brings ranges, comparators and every other function (~28 KiB minified) into
 * every Lambda that uses Powertools Tracer. The function is the real one, from the same copy of
 * `semver` the importer resolves; any other name is absent, so a new caller fails loudly.
 */
export function semverGtePlugin(): Plugin {
  return {
    name: NAMESPACE,
    setup(build) {
      build.onResolve({ filter: /^semver$/ }, async (args) => {
        if (!IMPORTERS.test(args.importer)) return undefined;
        const gte = await build.resolve("semver/functions/gte", {
          kind: "require-call",
          resolveDir: args.resolveDir,
        });
        if (gte.errors.length > 0) return undefined;
        return { path: gte.path, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: `module.exports = { gte: require(${JSON.stringify(args.path)}) };`,
        resolveDir: dirname(args.path),
        loader: "js",
      }));
    },
  };
}
