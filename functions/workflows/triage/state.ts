import { Annotation } from "@langchain/langgraph";
import type { AmendmentProposal, EffectRecord } from "#tools";
import type { Break, DataRef, Deadline } from "#trading";
import type {
  AgentMemory,
  ApprovalRecord,
  ApprovalVote,
  ClassifiedBreak,
  ComplianceVerdict,
  Escalation,
  RiskAssessment,
  RouteDecision,
  StepRecord,
  TriageDaySource,
  TriageReport,
  TriageRequest,
} from "./types.ts";

/** A value a later write replaces; null until a node sets it. */
const latest = <T>() => Annotation<T | null>({ reducer: (_, update) => update, default: () => null });

/**
 * Effects merge by idempotency key: the same effect written twice — by a retried node or two
 * branches of one superstep — is kept once, whatever order the writes are applied in.
 */
const effectsByKey = Annotation<EffectRecord[]>({
  reducer: (current, update) => {
    const byKey = new Map(current.map((e) => [e.idempotencyKey, e]));
    for (const e of update) if (!byKey.has(e.idempotencyKey)) byKey.set(e.idempotencyKey, e);
    return [...byKey.values()];
  },
  default: () => [],
});

/** How many runs an agent's private channel keeps: the fixer needs its propose and apply runs. */
export const AGENT_RUNS_KEPT = 2;

/**
 * A private channel for one agent: only that agent's node writes or reads it, so agents never
 * see each other's conversations (each gets the facts it needs in its task). Bounded twice:
 * the agent trims each run's history to its token budget, and the channel keeps the last runs.
 */
const agentChannel = () =>
  Annotation<AgentMemory[]>({
    reducer: (current, update) => current.concat(update).slice(-AGENT_RUNS_KEPT),
    default: () => [],
  });

/**
 * Triage state for ONE trade exception. It carries the day by reference (a desk's files or a
 * generated day's spec, then the `DataRef` read), never the trades: each node opens the day
 * with `openDay` (memoised per process), so the state stays small.
 */
export const TriageState = Annotation.Root({
  /** The request's day: a desk's files or a generated day's spec. */
  source: Annotation<TriageDaySource>,
  /** How the request named its exception, if it did. */
  request: Annotation<TriageRequest>,
  /** The day actually read (a generated day's folder included), set by `detect`. */
  data: latest<DataRef>(),
  businessDate: latest<string>(),
  /** The reconciliation break this run triages (null: nothing to triage). */
  exception: latest<Break>(),
  /** The exception's settlement cut-off (`deadlineOfBreak`): checks stop retrying before it, set by `detect`. */
  deadline: latest<Deadline>(),
  classification: latest<ClassifiedBreak>(),
  risk: latest<RiskAssessment>(),
  compliance: latest<ComplianceVerdict>(),
  decision: latest<RouteDecision>(),
  proposal: latest<AmendmentProposal>(),
  approval: latest<ApprovalRecord>(),
  /** No approval is taken after this instant (ISO 8601), from the request; null: no deadline. */
  approveBy: latest<string>(),
  /**
   * Who asked for this triage, as its entry point authenticated them (the engine writes it:
   * `requesterField`, never the input); excluded from approving the fix it leads to.
   */
  requestedBy: latest<string>(),
  /**
   * The four-eyes votes so far, each stamped by a resume path with its authenticated approver:
   * they accumulate here while the approval interrupt is raised again until the policy is met.
   */
  approvals: Annotation<ApprovalVote[]>({
    reducer: (current, update) => current.concat(update),
    default: () => [],
  }),
  effects: effectsByKey,
  escalation: latest<Escalation>(),
  triageReport: latest<TriageReport>(),
  steps: Annotation<StepRecord[]>({
    reducer: (current, update) => current.concat(update),
    default: () => [],
  }),
  classifierMemory: agentChannel(),
  riskMemory: agentChannel(),
  complianceMemory: agentChannel(),
  fixerMemory: agentChannel(),
});

export type TriageStateValue = typeof TriageState.State;
export type TriageUpdate = typeof TriageState.Update;
