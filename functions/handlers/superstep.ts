import { engine, served } from "./engine-runtime.ts";

// This function runs every node of the workflow: their code loads during init.
await served.loadNodeCode();

/** Runs and commits a whole superstep in one Lambda (per-superstep hosting). */
export const handler = (event: unknown) => engine.superstep(event);
