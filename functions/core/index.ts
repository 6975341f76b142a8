/** The bottom of the house: what every other module may import, and which imports nothing of ours. */
export { SwitchyardError } from "./errors.ts";
export { mergeById } from "./reducers.ts";
