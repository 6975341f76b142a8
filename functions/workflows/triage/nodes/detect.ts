import { tradingDayStore } from "#tools";
import {
  type Break,
  byDeadline,
  deadlineOfBreak,
  generatedDayRef,
  indexDay,
  openDay,
  usdRatesOf,
} from "#trading";
import { breakFromFile, countedTools } from "../day.ts";
import { mostSevereFirst } from "../routing.ts";
import type { TriageStateValue, TriageUpdate } from "../state.ts";

/** Most breaks of one trade `detect` reads (a trade has a handful; the search's own bound). */
const BREAKS_PER_TRADE = 500;

/**
 * Opens the run's day — a desk's files by reference, or the generated day, written in the
 * canonical format on first use — and picks the ONE exception this run triages:
 * - the break in the request;
 * - the break of the request's id in the request's `breaks.json`;
 * - for a trade, its breaks as the matcher finds them (`search_breaks`), the most urgent taken
 *   (earliest settlement cut-off, then severity, then US-dollar notional at the day's FX
 *   closes, then break id);
 * - with none of those, the day's default: its most urgent break (earliest cut-off, then
 *   break-id order, as in a reconciliation run's `breaks.json`), so `switchyard run triage`
 *   works on its own.
 * The exception's deadline goes into state with it. No break at all sends the run straight to the report.
 *
 * @throws BreakNotFoundError, BadBreaksFileError for a `breakId` not in a readable `breaksUri`.
 */
export async function detect(state: TriageStateValue): Promise<TriageUpdate> {
  const data =
    state.data ?? ("data" in state.source ? state.source.data : await generatedDayRef(state.source.dataset));
  const { day } = await openDay(data);
  const store = tradingDayStore(day);
  const index = indexDay(day);
  const deadlineOf = (b: Break) => deadlineOfBreak(b, day, index);
  const opened = (exception: Break | null) => ({
    data,
    businessDate: store.businessDate,
    exception,
    deadline: exception ? (deadlineOf(exception) ?? null) : null,
  });
  const request = state.request ?? {};
  const pick = (breaks: readonly Break[]) =>
    [...breaks].sort(byDeadline(deadlineOf, mostSevereFirst(usdRatesOf(day))))[0] ?? null;

  if (request.break) {
    return {
      ...opened(request.break),
      steps: [{ node: "detect", did: `took ${request.break.breakId} from the request`, toolCalls: 0 }],
    };
  }
  if (request.breakId !== undefined && request.breaksUri !== undefined) {
    const found = await breakFromFile(request.breaksUri, request.breakId);
    return {
      ...opened(found),
      steps: [{ node: "detect", did: `read ${found.breakId} from ${request.breaksUri}`, toolCalls: 0 }],
    };
  }
  if (request.tradeId !== undefined) {
    const { tools, calls } = countedTools("detector", store);
    const found = await tools.search_breaks.invoke({ tradeIds: [request.tradeId], limit: BREAKS_PER_TRADE });
    const chosen = pick(found.breaks);
    return {
      ...opened(chosen),
      steps: [
        {
          node: "detect",
          did: chosen
            ? `found ${found.count} break${found.count === 1 ? "" : "s"} of trade ${request.tradeId}; triaging the most severe, ${chosen.breakId}`
            : `trade ${request.tradeId} has no break: nothing to triage`,
          toolCalls: calls(),
        },
      ],
    };
  }
  const all = store.breaks();
  const chosen =
    [...all].sort(
      byDeadline(deadlineOf, (a, b) => (a.breakId < b.breakId ? -1 : a.breakId > b.breakId ? 1 : 0)),
    )[0] ?? null;
  return {
    ...opened(chosen),
    steps: [
      {
        node: "detect",
        did: chosen
          ? `the day has ${all.length} break${all.length === 1 ? "" : "s"}; triaging the most urgent, ${chosen.breakId}`
          : `the day ${store.businessDate} has no break: nothing to triage`,
        toolCalls: 0,
      },
    ],
  };
}
