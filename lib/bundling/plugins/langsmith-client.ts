import { dirname } from "node:path";
import type { Plugin } from "esbuild";
import { resolveReal } from "./resolve-real.ts";

/** The error a bundle without LangSmith's client raises where tracing to LangSmith would start. */
export const LANGSMITH_NOT_BUNDLED = "Switchyard.LangSmithNotBundled";

const NAMESPACE = "switchyard-langsmith";
const CLIENT_FILE = /[\\/]node_modules[\\/]langsmith[\\/]lib[\\/]client\.mjs$/;

/**
 * Leaves LangSmith's tracing client (`langsmith/lib/client.mjs`, ~100 KiB minified, and the
 * generated REST client behind the package root) out of a bundle. Read from @langchain/core 1.x:
 * with tracing off, LangChain still builds a `RunTree` per runnable scope as a context carrier
 * (`AsyncLocalStorageProvider.runWithConfig`, `tracingEnabled: false`), and `RunTree` constructs
 * one shared `Client` that nothing then calls; `awaitAllCallbacks` waits on the default client's
 * `awaitPendingTraceBatches()`. Nothing else reaches the client unless tracing is on
 * (`LANGSMITH_TRACING` / `LANGCHAIN_TRACING_V2`, which add the `LangChainTracer`).
 *
 * So the stand-in constructs and waits as a client with nothing queued, and refuses — with
 * {@link LANGSMITH_NOT_BUNDLED}, naming the variable — the moment tracing to LangSmith is asked
 * for: at construction when the environment turns tracing on, at `createRun`/`updateRun` when a
 * tracer is added by hand. `RunTree` and `traceable` stay the real ones. The bare `langsmith`
 * import resolves to `{ Client, RunTree }` alone: an importer asking for anything else fails the
 * build, never a Lambda.
 */
export function langsmithClientPlugin(): Plugin {
  return {
    name: "switchyard-langsmith-client",
    setup(build) {
      build.onResolve({ filter: /^langsmith$/ }, async (args) => {
        const real = await build.resolve("langsmith/run_trees", {
          kind: args.kind,
          resolveDir: args.resolveDir,
        });
        if (real.errors.length > 0) return undefined;
        return { path: real.path, namespace: NAMESPACE, pluginData: "root" };
      });
      build.onResolve({ filter: /client\.mjs$/ }, async (args) => {
        const real = await resolveReal(build, args);
        if (!real || !CLIENT_FILE.test(real.path)) return undefined;
        return { path: real.path, namespace: NAMESPACE, pluginData: "client" };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) =>
        args.pluginData === "root"
          ? // `path` is the real run_trees entry: the client stand-in sits in lib/ beside the real one.
            {
              contents: [
                `export { RunTree } from ${JSON.stringify(args.path)};`,
                `export { Client } from ${JSON.stringify(`${dirname(args.path)}/lib/client.mjs`)};`,
              ].join("\n"),
              resolveDir: dirname(args.path),
              loader: "js",
            }
          : { contents: CLIENT_STAND_IN, resolveDir: dirname(args.path), loader: "js" },
      );
    },
  };
}

/** The client's stand-in, resolved beside the real `client.mjs` (so `./env.mjs` is LangSmith's own). */
const CLIENT_STAND_IN = `
import { isEnvTracingEnabled } from "./env.mjs";

class LangSmithNotBundledError extends Error {
  constructor(where) {
    super(
      "Tracing to LangSmith (" + where + ") is not in this Lambda bundle: its client is left out " +
        "(lib/bundling). Unset LANGSMITH_TRACING and LANGCHAIN_TRACING_V2; traces go to X-Ray and OTLP.",
    );
    this.name = ${JSON.stringify(LANGSMITH_NOT_BUNDLED)};
    this.code = ${JSON.stringify(LANGSMITH_NOT_BUNDLED)};
    this.retryable = false;
  }
}

export class Client {
  constructor() {
    if (isEnvTracingEnabled()) throw new LangSmithNotBundledError("LANGSMITH_TRACING=true");
  }
  awaitPendingTraceBatches() {
    return Promise.resolve();
  }
  createRun() {
    return Promise.reject(new LangSmithNotBundledError("createRun"));
  }
  updateRun() {
    return Promise.reject(new LangSmithNotBundledError("updateRun"));
  }
}
`;
