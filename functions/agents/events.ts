/**
 * The custom callback event a refused call raises: `{ agent, record }`. Apart from execute.ts so
 * the audit's recorder, which every engine Lambda imports at start, names it without loading the
 * agents (`#agents/events`).
 */
export const TOOL_REFUSED_EVENT = "switchyard.tool_refused";
