/**
 * The trading domain: the canonical data model, the break categories, tolerances, calendars,
 * matching rules, loading and writing days. Below tools and workflows; imports only `#core`.
 */
export * from "./breaks.ts";
export * from "./errors.ts";
export * from "./model/index.ts";
export * from "./tolerances.ts";
