import { engine } from "./engine-runtime.ts";

/** Runs ONE task of a superstep (per-node hosting) and stores its output as pending writes. */
export const handler = (event: unknown) => engine.runNode(event);
