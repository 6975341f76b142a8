import { engine } from "./engine-runtime.ts";

/** Runs and commits a whole superstep in one Lambda (per-superstep hosting). */
export const handler = (event: unknown) => engine.superstep(event);
