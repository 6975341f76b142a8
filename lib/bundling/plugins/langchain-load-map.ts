import { dirname } from "node:path";
import type { Plugin } from "esbuild";
import { resolveReal } from "./resolve-real.ts";

/**
 * The `@langchain/core/load` namespaces a Lambda revives from a checkpoint: what a graph's state
 * holds as LangChain objects (messages, documents, generations, prompt values). Keys as in
 * `load/import_map.js` (`messages__tool` is `@langchain/core/messages/tool`).
 */
export const REVIVED_NAMESPACES: Readonly<Record<string, string>> = {
  messages: "../messages/index.js",
  messages__tool: "../messages/tool.js",
  documents: "../documents/index.js",
  outputs: "../outputs.js",
  prompt_values: "../prompt_values.js",
};

const NAMESPACE = "switchyard-langchain-load-map";
const IMPORT_MAP = /[\\/]node_modules[\\/]@langchain[\\/]core[\\/]dist[\\/]load[\\/]import_map\.js$/;

/**
 * Replaces `@langchain/core`'s `load` import map with the namespaces in {@link REVIVED_NAMESPACES}.
 * The checkpoint serializer (`@langchain/langgraph-checkpoint`'s `jsonplus`) revives serialized
 * LangChain objects through `load()`, whose map imports all of `@langchain/core` — prompts,
 * vector stores, retrievers, testing fakes, the LangSmith document loader — into every bundle,
 * while a checkpoint holds state values: messages and the like. A checkpoint naming anything else
 * fails to load with `load()`'s own "Invalid namespace: langchain_core/<path>", naming the class.
 */
export function langchainLoadMapPlugin(): Plugin {
  return {
    name: NAMESPACE,
    setup(build) {
      build.onResolve({ filter: /import_map\.js$/ }, async (args) => {
        const real = await resolveReal(build, args);
        if (!real || !IMPORT_MAP.test(real.path)) return undefined;
        return { path: real.path, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const entries = Object.entries(REVIVED_NAMESPACES);
        return {
          contents: [
            ...entries.map(([key, file]) => `import * as ${key} from ${JSON.stringify(file)};`),
            `export const import_map_exports = Object.freeze({ ${entries.map(([key]) => key).join(", ")} });`,
          ].join("\n"),
          resolveDir: dirname(args.path),
          loader: "js",
        };
      });
    },
  };
}
