import { readEnv } from "#config";
import { engine, served } from "./engine-runtime.ts";

// The node this function serves (per-node hosting sets NODE_NAME) loads its code during init.
const node = readEnv().NODE_NAME;
await served.loadNodeCode(node === undefined ? undefined : [node]);

/** Runs ONE task of a superstep (per-node hosting) and stores its output as pending writes. */
export const handler = (event: unknown) => engine.runNode(event);
