import { engine, served } from "./engine-runtime.ts";

// This function runs every node of the workflow: their code loads during init.
await served.loadNodeCode();

/** Runs the graph to its end or an interrupt in one Lambda (per-graph hosting). */
export const handler = (event: unknown) => engine.graph(event);
