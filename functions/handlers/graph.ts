import { engine } from "./engine-runtime.ts";

/** Runs the graph to its end or an interrupt in one Lambda (per-graph hosting). */
export const handler = (event: unknown) => engine.graph(event);
