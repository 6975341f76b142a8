import type { StoredMessage } from "@langchain/core/messages";
import type { Break, BreakCategory, CutoffBucket, DataRef, DaySpec, Deadline } from "#trading";
import type { RootCause } from "./root-causes.ts";

/**
 * The records the investigation passes around. All plain JSON and small: state holds the day's
 * reference (a URI), never the day; a `Send` argument carries one specialist's batch of breaks.
 */

/** The specialists the supervisor routes to, each a tool agent with its own allowlist. */
export const SPECIALISTS = ["pricing", "settlement", "booking"] as const;
export type Specialist = (typeof SPECIALISTS)[number];

/** The day the breaks belong to: a desk's files, or a generated day written on first use. */
export type InvestigationDaySource = { readonly data: DataRef } | { readonly dataset: DaySpec };

/** Where the breaks come from: the request, a reconciliation run's `breaks.json`, or the matcher. */
export type BreakSource = "given" | "uri" | "derive";

/** A break as a specialist receives it: the reconciliation record and which attempt this is. */
export interface AssignedBreak extends Break {
  /** 1 on the first investigation; 2 when an inconclusive first attempt is retried. */
  readonly attempt: number;
}

/** The argument of each `Send(<specialist>, …)`: the day by reference and one round's batch. */
export interface SpecialistTask {
  readonly data: DataRef;
  readonly round: number;
  readonly breaks: readonly AssignedBreak[];
}

/** What the supervisor handed out in one round: break ids per specialist, by reference. */
export interface RoundPlan {
  readonly round: number;
  readonly assignments: readonly {
    readonly specialist: Specialist;
    readonly items: readonly { readonly breakId: string; readonly attempt: number }[];
  }[];
}

/**
 * Where a break stands. `inconclusive` means the agent gave no usable answer (no JSON, or it hit
 * its iteration bound): the supervisor retries it once, then escalates.
 */
export type FindingStatus = "resolved" | "escalated" | "inconclusive";

/** The shared, per-break verdict: written by a specialist, reviewed by the supervisor. */
export interface InvestigationFinding {
  readonly breakId: string;
  readonly category: BreakCategory;
  readonly tradeIds: readonly string[];
  /** Who wrote this version: the specialist, or the supervisor when it escalated. */
  readonly by: Specialist | "supervisor";
  /** The specialist that investigated (kept when the supervisor escalates its answer). */
  readonly specialist: Specialist | null;
  readonly round: number;
  readonly attempt: number;
  readonly status: FindingStatus;
  /** The cause found — or, on an escalation, the cause suspected, if any. */
  readonly rootCause: RootCause | null;
  /** 0–1, the specialist's own; the supervisor accepts at `MIN_CONFIDENCE` and above. */
  readonly confidence: number;
  /** Short lines a person can check: the numbers the verdict rests on. */
  readonly evidence: readonly string[];
  /** What the middle office does next, in one imperative line (a person's step when escalated). */
  readonly nextAction: string;
  readonly escalation: Escalated | null;
}

/**
 * Why a break went to a person: the specialist said so (`specialist`), its answer was too
 * uncertain (`low_confidence`), unusable twice (`inconclusive`), or rounds ran out (`round_bound`).
 */
export type EscalationCode = "specialist" | "low_confidence" | "inconclusive" | "round_bound";

export interface Escalated {
  readonly by: Specialist | "supervisor";
  readonly code: EscalationCode;
  readonly reason: string;
}

/** What one specialist spent in one round: the shared, summable account of its work. */
export interface EffortEntry {
  /** `<specialist>#<round>`: the merge key, so a redriven task's write changes nothing. */
  readonly id: string;
  readonly specialist: Specialist;
  readonly round: number;
  readonly breaks: number;
  readonly modelCalls: number;
  readonly toolCalls: Readonly<Record<string, number>>;
  readonly refusals: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** `provider/model`, e.g. `offline/switchyard-offline-policy`. */
  readonly model: string;
}

/** One line of a specialist's private notebook: how it worked one break. */
export interface WorkingNote {
  /** `<round>:<breakId>`. */
  readonly id: string;
  readonly round: number;
  readonly breakId: string;
  readonly conclusion: string;
  /** The tool calls of the agent run, as `AgentRun.toolCalls` recorded them (name, args, ok). */
  readonly toolCalls: readonly {
    readonly name: string;
    readonly args: Readonly<Record<string, unknown>>;
    readonly ok: boolean;
    readonly refused?: string;
  }[];
}

/**
 * A specialist's private working state: its recent notes and its latest conversation, trimmed.
 * Only its own node writes it; no other agent reads it (see `state.ts`).
 */
export interface Notebook {
  readonly lastRound: number;
  readonly notes: readonly WorkingNote[];
  /** The latest agent conversation, trimmed to the agent's history bound. */
  readonly history: readonly StoredMessage[];
}

/** Per category: how many breaks, and how they ended. */
export interface CategoryOutcome {
  readonly breaks: number;
  readonly resolved: number;
  readonly escalated: number;
}

/** One line of the report's worklist: a break and what to do about it. */
export interface InvestigationAction {
  readonly breakId: string;
  readonly category: BreakCategory;
  readonly status: "resolved" | "escalated";
  readonly rootCause: RootCause | null;
  readonly nextAction: string;
  readonly notional: number;
  readonly currency: string;
  /** The settlement cut-off it must be fixed by, when the day names its trades. */
  readonly deadline?: Pick<Deadline, "at" | "local" | "cutoff" | "cutoffId">;
}

/** The closing report. */
export interface InvestigationReport {
  readonly businessDate: string;
  readonly breaks: number;
  readonly resolved: number;
  readonly escalated: number;
  readonly rounds: number;
  readonly byCategory: Readonly<Record<BreakCategory, CategoryOutcome>>;
  /** Resolved breaks by root cause. */
  readonly byRootCause: Readonly<Record<RootCause, number>>;
  readonly bySpecialist: Readonly<Record<Specialist, number>>;
  /** Escalated breaks by code. */
  readonly escalations: Readonly<Record<EscalationCode, number>>;
  /**
   * The breaks people pick up next, with their next action: the earliest settlement deadline
   * first, then the largest (US-dollar notional where the day prices the currency).
   */
  readonly nextActions: readonly InvestigationAction[];
  /** Escalated breaks by time left to their cut-off when the report was written. */
  readonly escalatedByTimeToCutoff: Readonly<Record<CutoffBucket, number>>;
}
