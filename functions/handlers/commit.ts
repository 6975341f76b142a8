import { engine } from "./engine-runtime.ts";

/** Applies every output of a superstep as one LangGraph superstep and plans the next. */
export const handler = (event: unknown) => engine.commit(event);
