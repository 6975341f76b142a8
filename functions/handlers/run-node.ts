import { engine, served, servedNode } from "./engine-runtime.ts";

// The node this function serves (per-node hosting sets NODE_NAME) loads its code during init.
await served.loadNodeCode(servedNode === undefined ? undefined : [servedNode]);

/** Runs ONE task of a superstep (per-node hosting) and stores its output as pending writes. */
export const handler = (event: unknown) => engine.runNode(event);
