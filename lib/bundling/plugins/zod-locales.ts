import { dirname } from "node:path";
import type { Plugin } from "esbuild";

/** The locale every Lambda keeps: zod's own default error messages. */
const KEPT_LOCALE = "en";

/** Marks this plugin's own `build.resolve` call, which runs every onResolve again, this one included. */
const RESOLVING = Symbol("switchyard-zod-locales");

/**
 * Leaves zod's ~40 translated error-message locales out of a bundle (about 250 KiB minified).
 * zod re-exports them all as a namespace (`export * as locales from "../locales/index.js"`), which
 * esbuild cannot tree-shake; no Lambda switches locale (`z.config(z.locales.xx())`), and zod's
 * default, English, is imported by zod itself from `locales/en.js`, which stays. Only the index is
 * replaced: `z.locales` then holds `en` alone, so a bundle calling another locale would fail at
 * that call, naming `z.locales.<xx>` as not a function.
 */
export function zodLocalesPlugin(): Plugin {
  return {
    name: "switchyard-zod-locales",
    setup(build) {
      build.onResolve({ filter: /\/locales\/index\.js$/ }, async (args) => {
        if (args.pluginData === RESOLVING || !/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) {
          return undefined;
        }
        const real = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: RESOLVING,
        });
        if (real.errors.length > 0) return undefined;
        return { path: real.path, namespace: "switchyard-zod-locales" };
      });
      build.onLoad({ filter: /.*/, namespace: "switchyard-zod-locales" }, (args) => ({
        contents: `export { default as ${KEPT_LOCALE} } from ${JSON.stringify(`./${KEPT_LOCALE}.js`)};\n`,
        resolveDir: dirname(args.path),
        loader: "js",
      }));
    },
  };
}
