import type { PolicyToolCall, SeenToolCall } from "#models";
import type { Break, BreakCategory } from "#trading";

/**
 * What the triage policies share: which lookups a break's category turns on, asking for those
 * not made yet, and reading their answers — a failed lookup is an answer too (a close that does
 * not exist is a fact).
 */

/** The break as a triage agent's task carries it. */
export interface BreakSubject {
  readonly breakId: string;
  readonly category: BreakCategory;
  /** At most {@link TRADE_IDS_SHOWN}; `tradeCount` says how many the break names. */
  readonly tradeIds: readonly string[];
  readonly tradeCount: number;
  readonly confirmationIds: readonly string[];
  readonly instrumentId: string;
  /** The booking a fix or an escalation acts on; null when the break has none. */
  readonly primaryTradeId: string | null;
  readonly field?: string;
  readonly ours?: string | number;
  readonly theirs?: string | number;
}

/** Trade ids a task shows an agent (a stale price names every active trade on its instrument). */
export const TRADE_IDS_SHOWN = 20;

/**
 * The booking a fix or an escalation acts on: for a duplicate the extra booking (the second
 * trade; the first is the confirmed original), none for an unknown confirmation or a stale price
 * (they are about a confirmation and an instrument), else the break's first trade.
 *
 * @example
 * primaryTradeOf({ category: "DUPLICATE_BOOKING", tradeIds: ["T1", "T2"] }); // "T2"
 */
export function primaryTradeOf(b: Pick<Break, "category" | "tradeIds">): string | null {
  if (b.category === "UNKNOWN_CONFIRMATION" || b.category === "STALE_PRICE") return null;
  return (b.category === "DUPLICATE_BOOKING" ? b.tradeIds[1] : b.tradeIds[0]) ?? null;
}

/** The break as an agent's task carries it: ids capped at {@link TRADE_IDS_SHOWN}, the booking it acts on named. */
export function subjectOf(b: Break): BreakSubject {
  return {
    breakId: b.breakId,
    category: b.category,
    tradeIds: b.tradeIds.slice(0, TRADE_IDS_SHOWN),
    tradeCount: b.tradeIds.length,
    confirmationIds: b.confirmationIds.slice(0, TRADE_IDS_SHOWN),
    instrumentId: b.instrumentId,
    primaryTradeId: primaryTradeOf(b),
    ...(b.field !== undefined ? { field: b.field } : {}),
    ...(b.ours !== undefined ? { ours: b.ours } : {}),
    ...(b.theirs !== undefined ? { theirs: b.theirs } : {}),
  };
}

/** A lookup's answer: its result, or the error the tool gave. */
export type Answer =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: string };

/** The answers of the lookups asked for, by the names the rules use. */
export type Answers = Readonly<Record<string, Answer>>;

/**
 * The lookups the facts of a category are read from, by name. The classifier also asks for the
 * US-dollar rate of the break's currency (`withUsdRate`); the fixer does not need it.
 *
 * @example
 * lookupsFor({ category: "PRICE_MISMATCH", primaryTradeId: "T1", instrumentId: "AAPL", … });
 * // { trade: get_trade T1, confirmations: get_confirmations T1, instrument: …, market: … }
 */
export function lookupsFor(
  b: BreakSubject,
  options: { readonly usdRateOf?: string } = {},
): Record<string, PolicyToolCall> {
  const t = b.primaryTradeId;
  const ofTrade = (tradeId: string) => ({
    trade: ask("get_trade", { tradeId }),
    confirmations: ask("get_confirmations", { tradeId }),
  });
  const usd: Record<string, PolicyToolCall> =
    options.usdRateOf && options.usdRateOf !== "USD"
      ? { usdRate: ask("get_usd_rate", { currency: options.usdRateOf }) }
      : {};
  const instrument = { instrument: ask("get_instrument", { instrumentId: b.instrumentId }) };
  const market = { market: ask("get_market_price", { instrumentId: b.instrumentId }) };
  switch (b.category) {
    case "PRICE_MISMATCH":
    case "QUANTITY_MISMATCH":
    case "CURRENCY_MISMATCH":
      return t ? { ...ofTrade(t), ...instrument, ...market, ...usd } : usd;
    case "SETTLE_DATE_MISMATCH":
      return t
        ? { ...ofTrade(t), convention: ask("get_settlement_convention", { tradeId: t }), ...usd }
        : usd;
    case "SIDE_MISMATCH":
    case "COUNTERPARTY_SSI_MISMATCH":
    case "AMENDMENT_NOT_CONFIRMED":
      return t ? { ...ofTrade(t), ...usd } : usd;
    case "MISSING_CONFIRMATION":
    case "CANCELLED_BUT_CONFIRMED":
      return t ? { ...ofTrade(t), similar: ask("find_similar_trades", { tradeId: t }), ...usd } : usd;
    case "DUPLICATE_BOOKING": {
      const original = b.tradeIds[0];
      if (!t || !original) return usd;
      return {
        ...ofTrade(t),
        original: ask("get_trade", { tradeId: original }),
        originalConfirmations: ask("get_confirmations", { tradeId: original }),
        similar: ask("find_similar_trades", { tradeId: t }),
        ...usd,
      };
    }
    case "UNKNOWN_CONFIRMATION": {
      const confirmationId = b.confirmationIds[0];
      if (!confirmationId) return usd;
      return {
        confirmation: ask("get_confirmation", { confirmationId }),
        similar: ask("find_similar_trades", { confirmationId }),
        ...usd,
      };
    }
    case "STALE_PRICE":
      return { ...market, ...usd };
  }
}

/**
 * The answers of the lookups `wanted`, or the lookups still to make (all in one turn).
 *
 * @example
 * const got = gather(calls, lookupsFor(subject));
 * if ("ask" in got) return { toolCalls: got.ask };
 * got.answers.trade; // { ok: true, value: {...} }
 */
export function gather(
  calls: readonly SeenToolCall[],
  wanted: Readonly<Record<string, PolicyToolCall>>,
): { readonly ask: PolicyToolCall[] } | { readonly answers: Answers } {
  const entries = Object.entries(wanted);
  const missing = entries.filter(
    ([, w]) => !calls.some((c) => c.name === w.name && sameArgs(c.args, w.args)),
  );
  if (missing.length > 0) return { ask: missing.map(([, w]) => w) };
  const answers: Record<string, Answer> = {};
  for (const [key, w] of entries) {
    const call = calls.find((c) => c.name === w.name && sameArgs(c.args, w.args));
    answers[key] =
      call?.answered && call.error === undefined
        ? { ok: true, value: call.result }
        : { ok: false, error: `${w.name}: ${call ? errorText(call.error) : "not answered"}` };
  }
  return { answers };
}

/** The message of a tool's error answer (`{"error": "...", "code": "..."}`), else the text as is. */
export function errorText(content: string | undefined): string {
  if (content === undefined) return "not answered";
  try {
    const parsed = JSON.parse(content) as { error?: unknown };
    return typeof parsed?.error === "string" ? parsed.error : content;
  } catch {
    return content;
  }
}

function ask(name: string, args: Record<string, unknown>): PolicyToolCall {
  return { name, args };
}

function sameArgs(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(b).every(([key, value]) => a[key] === value);
}
