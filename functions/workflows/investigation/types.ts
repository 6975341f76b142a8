import type { StoredMessage } from "@langchain/core/messages";
import type { BreakKind, DatasetSpec } from "#data";
import type { BreakRecord } from "../reconciliation/index.ts";

/**
 * The records the investigation passes around. All plain JSON and small: a `Send` argument
 * carries one specialist's batch of compact break records, never the trades behind them.
 */

/** The specialists the supervisor routes to, each a tool agent with its own allowlist. */
export const SPECIALISTS = ["pricing", "settlement", "booking"] as const;
export type Specialist = (typeof SPECIALISTS)[number];

/**
 * Why a break happened, as the specialists name it. Finer than the detector's `BreakKind`: a
 * price break is either our booking or the broker's confirmation, a date break either side's.
 */
export const ROOT_CAUSES = [
  "our_price_error",
  "broker_price_error",
  "stale_market_data",
  "settlement_date_error_ours",
  "settlement_date_error_broker",
  "ssi_mismatch",
  "duplicate_booking",
  "missing_confirmation",
  "quantity_error",
] as const;
export type RootCause = (typeof ROOT_CAUSES)[number];

/** A break as a specialist receives it: the reconciliation record and which attempt this is. */
export interface AssignedBreak extends BreakRecord {
  /** 1 on the first investigation; 2 when an inconclusive first attempt is retried. */
  readonly attempt: number;
}

/** The argument of each `Send(<specialist>, …)`: one round's batch for one specialist. */
export interface SpecialistTask {
  readonly dataset: Required<DatasetSpec>;
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
  readonly kind: BreakKind;
  readonly tradeIds: readonly string[];
  /** Who wrote this version: the specialist, or the supervisor when it escalated. */
  readonly by: Specialist | "supervisor";
  /** The specialist that investigated (kept when the supervisor escalates its answer). */
  readonly specialist: Specialist | null;
  readonly round: number;
  readonly attempt: number;
  readonly status: FindingStatus;
  /** The cause found — or, when escalated for low confidence, the cause suspected. */
  readonly rootCause: RootCause | null;
  /** 0–1, the specialist's own; the supervisor accepts at {@link MIN_CONFIDENCE} and above. */
  readonly confidence: number;
  /** Short lines a person can check: the numbers the verdict rests on. */
  readonly evidence: readonly string[];
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

/** The closing report. */
export interface InvestigationReport {
  readonly date: string;
  readonly breaks: number;
  readonly resolved: number;
  readonly escalated: number;
  readonly rounds: number;
  readonly byRootCause: Readonly<Record<RootCause, number>>;
  readonly bySpecialist: Readonly<Record<Specialist, number>>;
  /** Escalated breaks by code. */
  readonly escalations: Readonly<Record<EscalationCode, number>>;
}
