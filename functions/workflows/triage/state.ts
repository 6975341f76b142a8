import { Annotation } from "@langchain/langgraph";
import type { DatasetSpec, DetectedBreak, Tolerances } from "#data";
import type {
  ClassifiedBreak,
  Escalation,
  FixProposal,
  RiskAssessment,
  StepRecord,
  TriageReport,
} from "./types.ts";

/** Lists grow by concatenation, so nodes running in the same superstep never overwrite each other. */
const appended = <T>() =>
  Annotation<T[]>({
    reducer: (current, update) => current.concat(update),
    default: () => [],
  });

/**
 * Triage state. It carries the dataset spec, never the trades: each node regenerates the day
 * with `loadTradeDay(spec)`, so the state stays small enough for a checkpoint item.
 */
export const TriageState = Annotation.Root({
  dataset: Annotation<Required<DatasetSpec>>,
  tolerances: Annotation<Tolerances>,
  tradesScanned: Annotation<number>,
  exceptions: appended<DetectedBreak>(),
  classified: appended<ClassifiedBreak>(),
  assessed: appended<RiskAssessment>(),
  fixes: appended<FixProposal>(),
  escalations: appended<Escalation>(),
  steps: appended<StepRecord>(),
  triageReport: Annotation<TriageReport | null>({ reducer: (_, update) => update, default: () => null }),
});

export type TriageStateValue = typeof TriageState.State;
export type TriageUpdate = typeof TriageState.Update;
