import { Annotation } from "@langchain/langgraph";
import { mergeById } from "#core";
import type { Break, DataRef, Deadline } from "#trading";
import { emptyNotebook, mergeFindings, mergeNotebook } from "./reducers.ts";
import type {
  BreakSource,
  EffortEntry,
  InvestigationDaySource,
  InvestigationFinding,
  InvestigationReport,
  Notebook,
  RoundPlan,
} from "./types.ts";

const latest = <T>() => Annotation<T | null>({ reducer: (_, update) => update, default: () => null });
const notebook = () => Annotation<Notebook>({ reducer: mergeNotebook, default: emptyNotebook });

/**
 * The shared channels: what the supervisor reads to decide and the report reads to close.
 * Defined once and used by both the full state and the views, so LangGraph sees one channel
 * per name.
 */
const shared = {
  /** The request's day: a desk's files or a generated day's spec. */
  source: Annotation<InvestigationDaySource>,
  /** The day actually read (a generated day's folder included), set by the supervisor's first turn. */
  data: latest<DataRef>(),
  businessDate: latest<string>(),
  /** US dollars per unit of each currency the day's FX closes price: ranks breaks across currencies. */
  usdRates: Annotation<Record<string, number>>({ reducer: (_, update) => update, default: () => ({}) }),
  breakSource: Annotation<BreakSource>,
  breaksUri: latest<string>(),
  /** Breaks found before the {@link MAX_BREAKS} largest were kept. */
  breaksFound: Annotation<number>({ reducer: (_, update) => update, default: () => 0 }),
  maxRounds: Annotation<number>,
  batchSize: Annotation<number>,
  /** Rounds dispatched so far. */
  round: Annotation<number>({ reducer: (_, update) => update, default: () => 0 }),
  /** Each break's settlement deadline, by break id: the supervisor works the most urgent first. */
  deadlines: Annotation<Record<string, Deadline>>({
    reducer: (prev, update) => ({ ...prev, ...update }),
    default: () => ({}),
  }),
  /** The breaks under investigation, reconciliation's records. */
  breaks: Annotation<Break[]>({ reducer: mergeById((b) => b.breakId), default: () => [] }),
  plan: latest<RoundPlan>(),
  findings: Annotation<InvestigationFinding[]>({ reducer: mergeFindings, default: () => [] }),
};

/** What each specialist spent, per round; read by the report, written by every specialist. */
const effort = Annotation<EffortEntry[]>({ reducer: mergeById((e) => e.id), default: () => [] });

/**
 * Investigation state: shared channels, the report, and one PRIVATE notebook per specialist.
 *
 * | channel              | written by             | read by                       |
 * | -------------------- | ---------------------- | ----------------------------- |
 * | shared (above)       | input, supervisor, all | supervisor, report, fan-out   |
 * | `effort`             | each specialist        | report                        |
 * | `pricingNotebook`    | `pricing` only         | nobody in the graph (audit)   |
 * | `settlementNotebook` | `settlement` only      | nobody in the graph (audit)   |
 * | `bookingNotebook`    | `booking` only         | nobody in the graph (audit)   |
 *
 * Specialists run from `Send` and see only their batch and the day's reference, never this
 * state; the supervisor and the report read through views without the notebooks
 * (`SupervisorView`, `ReportView`). No channel holds the day: each node opens it by reference.
 */
export const InvestigationState = Annotation.Root({
  ...shared,
  effort,
  conclusion: latest<InvestigationReport>(),
  pricingNotebook: notebook(),
  settlementNotebook: notebook(),
  bookingNotebook: notebook(),
});

/** The channels the supervisor node reads: shared only. */
export const SupervisorView = Annotation.Root(shared);

/** The channels the report node reads: shared, plus the effort account. */
export const ReportView = Annotation.Root({ ...shared, effort });

export type InvestigationStateValue = typeof InvestigationState.State;
export type InvestigationUpdate = typeof InvestigationState.Update;
export type SupervisorViewValue = typeof SupervisorView.State;
export type ReportViewValue = typeof ReportView.State;

/** The private channel of each specialist. */
export const NOTEBOOK_OF = {
  pricing: "pricingNotebook",
  settlement: "settlementNotebook",
  booking: "bookingNotebook",
} as const;
