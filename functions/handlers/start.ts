import { engine } from "./engine-runtime.ts";

/** Start (and resume, recover): validates input, applies it to the thread, plans the first superstep. */
export const handler = (event: unknown) => engine.start(event);
