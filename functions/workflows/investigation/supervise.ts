import { type Break, byDeadline, type Deadline } from "#trading";
import { MANUAL_ACTION_OF } from "./root-causes.ts";
import { MAX_ATTEMPTS, MIN_CONFIDENCE, SPECIALIST_FOR_CATEGORY } from "./routing.ts";
import {
  type EscalationCode,
  type InvestigationFinding,
  type RoundPlan,
  SPECIALISTS,
  type Specialist,
} from "./types.ts";

export interface SupervisorInput {
  /** Rounds dispatched so far. */
  readonly round: number;
  readonly maxRounds: number;
  readonly batchSize: number;
  readonly breaks: readonly Break[];
  readonly findings: readonly InvestigationFinding[];
  /** US dollars per unit of currency, to rank breaks across currencies; a currency absent ranks at face value. */
  readonly usdRates?: Readonly<Record<string, number>>;
  /** Each break's settlement deadline, by break id: the most urgent are worked first. */
  readonly deadlines?: Readonly<Record<string, Pick<Deadline, "at">>>;
}

export interface SupervisorDecision {
  /** Rounds dispatched once this decision is carried out. */
  readonly round: number;
  /** The next round's batches, or null when nothing is left to investigate. */
  readonly plan: RoundPlan | null;
  /** The supervisor's own findings: escalations of what it would not accept or could not route. */
  readonly findings: InvestigationFinding[];
}

/**
 * One supervisor turn, as a pure function of the shared state:
 * 1. review the specialists' latest answers — a root cause below {@link MIN_CONFIDENCE} is
 *    escalated, an unusable answer is retried until {@link MAX_ATTEMPTS}, then escalated;
 * 2. if breaks are still open and rounds remain, plan the next round: per specialist (by
 *    {@link SPECIALIST_FOR_CATEGORY}) at most `batchSize` breaks, the earliest settlement
 *    deadline first (a break that misses its cut-off is a failed trade), then the largest
 *    notional (in US dollars where `usdRates` prices the currency), so that when the round bound
 *    hits, what is left for a person is the least urgent and, among equals, the smallest;
 * 3. if rounds are used up, escalate every open break with `round_bound`.
 *
 * @example
 * const { plan } = supervise({ round: 0, maxRounds: 6, batchSize: 10, breaks, findings: [] });
 * plan?.assignments.map((a) => a.specialist); // ["pricing", "settlement", "booking"]
 */
export function supervise(input: SupervisorInput): SupervisorDecision {
  const reviewed = input.findings.flatMap((f) => review(f) ?? []);
  const latest = new Map(input.findings.map((f) => [f.breakId, f]));
  for (const f of reviewed) latest.set(f.breakId, f);

  const open = input.breaks.filter((b) => {
    const status = latest.get(b.breakId)?.status;
    return status === undefined || status === "inconclusive";
  });
  if (open.length === 0) return { round: input.round, plan: null, findings: reviewed };
  if (input.round >= input.maxRounds) {
    const reason = `still open after the round bound of ${input.maxRounds}`;
    const bound = open.map((b) => escalate(b, latest.get(b.breakId), input.round, "round_bound", reason));
    return { round: input.round, plan: null, findings: [...reviewed, ...bound] };
  }

  const round = input.round + 1;
  const usd = (b: Break) => usdNotional(b, input.usdRates ?? {});
  const urgency = byDeadline<Break>(
    (b) => input.deadlines?.[b.breakId],
    (a, b) => usd(b) - usd(a) || (a.breakId < b.breakId ? -1 : 1),
  );
  const assignments = SPECIALISTS.flatMap((specialist: Specialist) => {
    const items = open
      .filter((b) => SPECIALIST_FOR_CATEGORY[b.category] === specialist)
      .sort(urgency)
      .slice(0, input.batchSize)
      .map((b) => ({ breakId: b.breakId, attempt: (latest.get(b.breakId)?.attempt ?? 0) + 1 }));
    return items.length > 0 ? [{ specialist, items }] : [];
  });
  return { round, plan: { round, assignments }, findings: reviewed };
}

/** A break's notional in US dollars where the rates price its currency, else at face value. */
export function usdNotional(
  b: Pick<Break, "notional" | "currency">,
  usdRates: Readonly<Record<string, number>>,
): number {
  return b.notional * (usdRates[b.currency] ?? 1);
}

/** The supervisor's verdict on a specialist's answer it will not accept as is; undefined to accept. */
function review(finding: InvestigationFinding): InvestigationFinding | undefined {
  if (finding.by === "supervisor") return undefined;
  if (finding.status === "resolved" && finding.confidence < MIN_CONFIDENCE) {
    const reason = `confidence ${finding.confidence} below ${MIN_CONFIDENCE} for ${finding.rootCause}`;
    return escalate(finding, finding, finding.round, "low_confidence", reason);
  }
  if (finding.status === "inconclusive" && finding.attempt >= MAX_ATTEMPTS) {
    const why = finding.escalation?.reason ?? "no usable answer";
    const reason = `inconclusive after ${finding.attempt} attempts: ${why}`;
    return escalate(finding, finding, finding.round, "inconclusive", reason);
  }
  return undefined;
}

function escalate(
  subject: Pick<Break, "breakId" | "category" | "tradeIds">,
  prior: InvestigationFinding | undefined,
  round: number,
  code: EscalationCode,
  reason: string,
): InvestigationFinding {
  // A suspected cause's action is checked by a person before anyone acts on it.
  const nextAction =
    code === "low_confidence" && prior?.status === "resolved"
      ? `Check by hand before acting: ${prior.nextAction}`
      : MANUAL_ACTION_OF[subject.category];
  return {
    breakId: subject.breakId,
    category: subject.category,
    tradeIds: subject.tradeIds,
    by: "supervisor",
    specialist: prior?.specialist ?? null,
    round,
    attempt: prior?.attempt ?? 0,
    status: "escalated",
    rootCause: prior?.rootCause ?? null,
    confidence: prior?.confidence ?? 0,
    evidence: prior?.evidence ?? [],
    nextAction,
    escalation: { by: "supervisor", code, reason },
  };
}
