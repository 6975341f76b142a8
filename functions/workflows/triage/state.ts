import { Annotation } from "@langchain/langgraph";
import type { DatasetSpec, DetectedBreak, Tolerances } from "#data";
import type { AmendmentProposal, EffectRecord } from "#tools";
import type {
  AgentMemory,
  ApprovalRecord,
  ClassifiedBreak,
  ComplianceVerdict,
  Escalation,
  RiskAssessment,
  RouteDecision,
  StepRecord,
  TriageReport,
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
 * Triage state for ONE trade exception. It carries the dataset spec, never the trades: each node
 * regenerates the day with `loadTradeDay(spec)`, so the state stays small.
 */
export const TriageState = Annotation.Root({
  dataset: Annotation<Required<DatasetSpec>>,
  tolerances: Annotation<Tolerances>,
  /** The run request's choice of exception, if any (else the day's first break). */
  request: Annotation<{ tradeId?: string; exception?: DetectedBreak }>,
  tradesScanned: Annotation<number>({ reducer: (_, update) => update, default: () => 0 }),
  exception: latest<DetectedBreak>(),
  classification: latest<ClassifiedBreak>(),
  risk: latest<RiskAssessment>(),
  compliance: latest<ComplianceVerdict>(),
  decision: latest<RouteDecision>(),
  proposal: latest<AmendmentProposal>(),
  approval: latest<ApprovalRecord>(),
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
