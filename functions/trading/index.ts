/**
 * The trading domain: the canonical data model, the break categories, tolerances, calendars,
 * matching rules, loading, partitioning and writing days. Below tools and workflows; imports
 * only `#core` of ours. The day generator itself is `#trading/generate`: only the spec, the
 * identifier checks and the trap kinds are here, so no module a Lambda loads at start reaches the
 * generator's files (a bundle keeps them in the chunk `generatedDayRef` imports when it first
 * writes a day; lib/bundling splits by file, so a re-export here would pull them back in).
 */
export * from "./break-schema.ts";
export * from "./breaks.ts";
export * from "./calendars/index.ts";
export * from "./cutoffs/index.ts";
export * from "./data-ref.ts";
export * from "./errors.ts";
export { isValidCusip, isValidIsin, isValidLei } from "./generate/identifiers.ts";
export { type DaySpec, DaySpecSchema, type ResolvedDaySpec, resolveDaySpec } from "./generate/spec.ts";
export {
  CALENDAR_TRAP_KINDS,
  DESIGNED_TRAP_KINDS,
  type DesignedTrapKind,
  type ExpectedBreak,
  TRAP_KINDS,
  type Trap,
  type TrapKind,
} from "./generate/types.ts";
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
