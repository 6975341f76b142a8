import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Plugin } from "esbuild";
import { resolveReal } from "./resolve-real.ts";

/** The locale every Lambda keeps: zod's own default error messages. */
const KEPT_LOCALE = "en";

/** The error a bundle raises where another of zod's locales would be switched to. */
export const ZOD_LOCALE_NOT_BUNDLED = "Switchyard.ZodLocaleNotBundled";

const NAMESPACE = "switchyard-zod-locales";
const LOCALE_EXPORT = /export \{ default as (\w+) \} from "\.\/[\w-]+\.js";/g;

/**
 * Leaves zod's ~40 translated error-message locales out of a bundle (about 250 KiB minified).
 * zod re-exports them all as a namespace (`export * as locales from "../locales/index.js"`), which
 * esbuild cannot tree-shake; no Lambda switches locale (`z.config(z.locales.xx())`), and zod's
 * default, English, is imported by zod itself from `locales/en.js`, which stays. Only the index is
 * replaced: `z.locales.en` is the real one, and every other name zod's index exports is a stand-in
 * that throws {@link ZOD_LOCALE_NOT_BUNDLED}, naming the locale, when called.
 */
export function zodLocalesPlugin(): Plugin {
  return {
    name: NAMESPACE,
    setup(build) {
      build.onResolve({ filter: /\/locales\/index\.js$/ }, async (args) => {
        if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined;
        const real = await resolveReal(build, args);
        return real ? { path: real.path, namespace: NAMESPACE } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => {
        const names = [...(await readFile(args.path, "utf8")).matchAll(LOCALE_EXPORT)]
          .map((m) => m[1] as string)
          .filter((name) => name !== KEPT_LOCALE);
        return {
          contents: [
            `export { default as ${KEPT_LOCALE} } from ${JSON.stringify(`./${KEPT_LOCALE}.js`)};`,
            "const notBundled = (name) => () => {",
            `  const error = new Error("zod locale " + name + " is not in this Lambda bundle (lib/bundling keeps ${KEPT_LOCALE} only).");`,
            `  error.name = error.code = ${JSON.stringify(ZOD_LOCALE_NOT_BUNDLED)};`,
            "  throw error;",
            "};",
            ...names.map((name) => `export const ${name} = notBundled(${JSON.stringify(name)});`),
          ].join("\n"),
          resolveDir: dirname(args.path),
          loader: "js",
        };
      });
    },
  };
}
