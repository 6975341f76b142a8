/**
 * The trading domain: the canonical data model, the break categories, tolerances, calendars,
 * matching rules, loading, partitioning and writing days. Below tools and workflows; imports
 * only `#core` of ours.
 */
export * from "./break-schema.ts";
export * from "./breaks.ts";
export * from "./calendars/index.ts";
export * from "./cutoffs/index.ts";
export * from "./errors.ts";
export * from "./generate/index.ts";
export * from "./judgement.ts";
export * from "./load/index.ts";
export * from "./match/index.ts";
export * from "./model/index.ts";
export * from "./money.ts";
export * from "./out/index.ts";
export * from "./partition/index.ts";
export * from "./source.ts";
export * from "./store/index.ts";
export * from "./tolerances.ts";
