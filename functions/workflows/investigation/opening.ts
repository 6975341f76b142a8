import {
  type Break,
  type DataRef,
  DEFAULT_TOLERANCES,
  type Deadline,
  deadlineOfBreak,
  generatedDayRef,
  indexDay,
  openDay,
  reconcileDay,
  storeOf,
  usdRatesOf,
} from "#trading";
import { BreaksFileError } from "./errors.ts";
import { BreakListSchema, MAX_BREAKS } from "./input.ts";
import { usdNotional } from "./supervise.ts";
import type { BreakSource, InvestigationDaySource } from "./types.ts";

/** What the supervisor's first turn establishes: the day read, its date, rates and the breaks. */
export interface Opening {
  readonly data: DataRef;
  readonly businessDate: string;
  readonly usdRates: Record<string, number>;
  /** The breaks to investigate, when the request did not carry them. */
  readonly breaks?: Break[];
  readonly breaksFound?: number;
  /** Each break's settlement deadline (`deadlineOfBreak`), by break id; a break without one is absent. */
  readonly deadlines: Record<string, Deadline>;
}

/**
 * Opens the investigation's day and finds its breaks: the day's reference (a generated day is
 * written on first use and read back like a desk's files), the day itself through `openDay`
 * (memoised per process, so the specialists of an in-process run reuse it), the US-dollar rates
 * its FX closes give, and the breaks — read from a reconciliation run's `breaks.json`, or found
 * with the matcher over the whole day — each with its settlement deadline (the `given` breaks of
 * the request too). Of more than {@link MAX_BREAKS}, the largest are kept.
 *
 * @example
 * const { data, breaks } = await openInvestigation({ dataset: DaySpecSchema.parse({}) }, "derive", null);
 */
export async function openInvestigation(
  source: InvestigationDaySource,
  breakSource: BreakSource,
  breaksUri: string | null,
  given: readonly Break[] = [],
): Promise<Opening> {
  const data = "data" in source ? source.data : await generatedDayRef(source.dataset);
  const { day } = await openDay(data);
  const usdRates = usdRatesOf(day);
  const opened = { data, businessDate: day.businessDate, usdRates };
  const index = indexDay(day);
  const deadlinesOf = (breaks: readonly Break[]) =>
    Object.fromEntries(
      breaks.flatMap((b) => {
        const d = deadlineOfBreak(b, day, index);
        return d ? [[b.breakId, d] as const] : [];
      }),
    );
  if (breakSource === "given") return { ...opened, deadlines: deadlinesOf(given) };
  const found =
    breakSource === "uri" && breaksUri !== null
      ? await readBreaksFile(breaksUri)
      : reconcileDay(day, DEFAULT_TOLERANCES).breaks;
  const kept =
    found.length <= MAX_BREAKS
      ? found
      : [...found].sort((a, b) => usdNotional(b, usdRates) - usdNotional(a, usdRates)).slice(0, MAX_BREAKS);
  return { ...opened, breaks: kept, breaksFound: found.length, deadlines: deadlinesOf(kept) };
}

/**
 * The breaks of a reconciliation run's `breaks.json` (a JSON array of breaks, or `{ "breaks": [...] }`),
 * each validated.
 *
 * @throws BreaksFileError when the file is not JSON or a break is malformed (not retryable).
 */
export async function readBreaksFile(uri: string): Promise<Break[]> {
  const text = await storeOf(uri).readText(uri);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BreaksFileError(uri, "it is not JSON", err);
  }
  const list = Array.isArray(json) ? json : (json as { breaks?: unknown } | null)?.breaks;
  const parsed = BreakListSchema.safeParse(list);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new BreaksFileError(
      uri,
      `${issue?.path.join(".") || "the file"}: ${issue?.message ?? "not a list of breaks"}`,
    );
  }
  return parsed.data;
}
