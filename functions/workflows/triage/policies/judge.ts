import type {
  ConfirmationRecord,
  InstrumentRecord,
  MarketPriceRecord,
  SettlementConventionRecord,
  SimilarTrades,
  TradeConfirmations,
  TradeRecord,
} from "#tools";
import { comparePrice, DEFAULT_TOLERANCES, isValidLei, MIN_FILL_SHARE, NEAR_CLOSE } from "#trading";
// The same judgement of "near the close" and of an outstanding fill as the investigation's.
import type { ExceptionClass, FaultSide, Fix } from "../types.ts";
import type { Answer, Answers, BreakSubject } from "./facts.ts";

/**
 * THE CATEGORY RULES of triage: from the facts the tools returned for one break, what kind of
 * exception it is, whose fault, and — only where the fix is ours and the facts prove it — the
 * fix. The classifier and the fixer both apply them, each to its own lookups, so the fixer can
 * only propose what the classifier proved.
 *
 * | Category | A fix of ours when | Otherwise |
 * | --- | --- | --- |
 * | `PRICE_MISMATCH` | ours is off the fresh close, the confirmed price near it → amend our price | broker's error, or disputed |
 * | `QUANTITY_MISMATCH` | the confirmed quantity is ours × 10ⁿ (a digit slip), price near the fresh close → amend our quantity | an outstanding fill, or disputed |
 * | `CURRENCY_MISMATCH` | ours is not the instrument's currency; the confirmation and the close are → amend our currency | broker's static data, or disputed |
 * | `SETTLE_DATE_MISMATCH` | the confirmation follows the settlement convention, ours does not → amend our settle date | broker's error, or disputed |
 * | `DUPLICATE_BOOKING` | the extra booking is an unconfirmed, active twin of a confirmed original → cancel it | disputed |
 * | `SIDE_MISMATCH` | never: only the desk knows the side | side dispute |
 * | `COUNTERPARTY_SSI_MISMATCH` | never: verified by call-back | settlement risk |
 * | `MISSING_CONFIRMATION`, `AMENDMENT_NOT_CONFIRMED` | never: the broker confirms | unconfirmed |
 * | `UNKNOWN_CONFIRMATION` | never: pair it or DK it | unknown trade |
 * | `CANCELLED_BUT_CONFIRMED` | never: the broker cancels or re-references | cancellation |
 * | `STALE_PRICE` | never: the vendor re-sends | market data |
 */
export interface Verdict {
  readonly exceptionClass: ExceptionClass;
  readonly faultSide: FaultSide;
  readonly fix: Fix | null;
  readonly nextAction: string;
  readonly evidence: readonly string[];
}

/** The facts could not be read (an id the tools do not know): no verdict, and why. */
export interface NoVerdict {
  readonly error: string;
}

/**
 * The verdict on a break from the answers of {@link lookupsFor}'s lookups.
 *
 * @example
 * const verdict = judge(subject, answers);
 * if (!("error" in verdict) && verdict.fix) propose(verdict.fix);
 */
export function judge(b: BreakSubject, answers: Answers): Verdict | NoVerdict {
  switch (b.category) {
    case "PRICE_MISMATCH":
      return withTrade(b, answers, price);
    case "QUANTITY_MISMATCH":
      return withTrade(b, answers, quantity);
    case "CURRENCY_MISMATCH":
      return withTrade(b, answers, currency);
    case "SETTLE_DATE_MISMATCH":
      return withTrade(b, answers, settleDate);
    case "SIDE_MISMATCH":
      return withTrade(b, answers, side);
    case "COUNTERPARTY_SSI_MISMATCH":
      return withTrade(b, answers, counterpartyOrSsi);
    case "MISSING_CONFIRMATION":
      return withTrade(b, answers, missing);
    case "AMENDMENT_NOT_CONFIRMED":
      return withTrade(b, answers, amendment);
    case "CANCELLED_BUT_CONFIRMED":
      return withTrade(b, answers, cancelled);
    case "DUPLICATE_BOOKING":
      return withTrade(b, answers, duplicate);
    case "UNKNOWN_CONFIRMATION":
      return unknownConfirmation(b, answers);
    case "STALE_PRICE":
      return stalePrice(b, answers);
  }
}

/** What the rules about one of our trades read: the trade and its confirmations, and the rest as answered. */
interface TradeFacts {
  readonly trade: TradeRecord;
  readonly confirmations: TradeConfirmations;
  readonly answers: Answers;
}

function withTrade(
  b: BreakSubject,
  answers: Answers,
  rule: (b: BreakSubject, facts: TradeFacts) => Verdict | NoVerdict,
): Verdict | NoVerdict {
  if (!b.primaryTradeId) return { error: `the ${b.category} break names no trade` };
  const trade = value<TradeRecord>(answers.trade);
  const confirmations = value<TradeConfirmations>(answers.confirmations);
  if (!trade || !confirmations) return { error: failures(answers) };
  return rule(b, { trade, confirmations, answers });
}

function price(_b: BreakSubject, { trade, confirmations, answers }: TradeFacts): Verdict | NoVerdict {
  const instrument = value<InstrumentRecord>(answers.instrument);
  if (!instrument) return { error: failures(answers) };
  const market = value<MarketPriceRecord>(answers.market);
  const { confirmed } = confirmations;
  if (!confirmed) return nothingToCompare(trade);
  const ours = trade.price;
  const theirs = round8(confirmed.price);
  const apart = comparePrice(instrument, ours, theirs, DEFAULT_TOLERANCES);
  const fills = confirmed.fills > 1 ? ` (VWAP of ${confirmed.fills} fills)` : "";
  const priceLine = `booked ${show(ours)} vs confirmed ${show(theirs)}${fills}: ${show(apart.difference)} ${apart.unit} apart (tolerance ${show(apart.tolerance)} ${apart.unit})`;
  const check = `Check ${trade.tradeId}'s execution price with ${trade.desk} and ${trade.broker} (ours ${show(ours)}, theirs ${show(theirs)})`;
  if (apart.withinTolerance) return disputed([priceLine], "booking and confirmation agree now", check);
  if (!market)
    return disputed([priceLine, "no close of the instrument in the day"], "no close to judge by", check);
  const marketLine = `close ${show(market.price)} (${market.source}, ${market.priceDate}, ${market.ageBusinessDays} business days before ${market.businessDate})`;
  if (market.stale) {
    return disputed(
      [priceLine, marketLine],
      `the close is stale (expected the ${market.expectedCloseDate} close)`,
      `Get the ${market.expectedCloseDate} close of ${instrument.instrumentId}, then ${check[0]?.toLowerCase()}${check.slice(1)}`,
    );
  }
  const band = NEAR_CLOSE[instrument.type];
  const oursOff = Math.abs(ours - market.price) / market.price;
  const theirsOff = Math.abs(theirs - market.price) / market.price;
  const evidence = [
    priceLine,
    marketLine,
    `booked ${percent(oursOff)} from the close, confirmed ${percent(theirsOff)} (near = within ${percent(band)} for ${instrument.type})`,
  ];
  const oursNear = oursOff <= band;
  const theirsNear = theirsOff <= band;
  if (!oursNear && theirsNear) {
    return ourError(evidence, {
      action: "amend_price",
      tradeId: trade.tradeId,
      changes: [{ field: "price", from: ours, to: theirs }],
      rationale: `our booked price ${show(ours)} is ${percent(oursOff)} off the ${market.priceDate} close ${show(market.price)}; the broker's ${show(theirs)} is within ${percent(band)} of it`,
    });
  }
  if (oursNear && !theirsNear) {
    return {
      exceptionClass: "broker_error",
      faultSide: "broker",
      fix: null,
      nextAction: `Ask ${trade.broker} to correct ${ids(confirmations)} from ${show(theirs)} to our ${show(ours)} (close ${show(market.price)})`,
      evidence,
    };
  }
  return disputed(
    evidence,
    oursNear
      ? "both prices are near the close: it cannot tell an intraday price from a mistyped one"
      : "both prices are off the close: it cannot tell which is right",
    check,
  );
}

function quantity(_b: BreakSubject, { trade, confirmations, answers }: TradeFacts): Verdict | NoVerdict {
  const instrument = value<InstrumentRecord>(answers.instrument);
  if (!instrument) return { error: failures(answers) };
  const market = value<MarketPriceRecord>(answers.market);
  const { confirmed } = confirmations;
  if (!confirmed) return nothingToCompare(trade);
  const ours = trade.quantity;
  const theirs = confirmed.quantity;
  const evidence = [
    `booked ${trade.side} ${show(ours)} ${trade.instrumentId}; confirmed ${show(theirs)} over ${confirmed.fills} fill${confirmed.fills === 1 ? "" : "s"} (${ids(confirmations)})`,
  ];
  const check = `Confirm the executed quantity of ${trade.tradeId} with ${trade.desk} and ${trade.broker} (ours ${show(ours)}, theirs ${show(theirs)})`;
  if (theirs === ours) return disputed(evidence, "booked and confirmed quantities agree now", check);
  const shortfall = (ours - theirs) / ours;
  if (shortfall >= MIN_FILL_SHARE) {
    return {
      exceptionClass: "unconfirmed",
      faultSide: "broker",
      fix: null,
      nextAction: `Chase ${trade.broker} for the remaining ${show(ours - theirs)} of ${trade.tradeId} (${show(theirs)} of ${show(ours)} confirmed)`,
      evidence: [
        ...evidence,
        `${show(ours - theirs)} (${percent(shortfall)}) not confirmed yet: a fill outstanding`,
      ],
    };
  }
  const ratio = theirs / ours;
  const digitSlip = ratio > 1 && Math.abs(Math.log10(ratio) - Math.round(Math.log10(ratio))) < 1e-9;
  if (!digitSlip) return disputed(evidence, `${trade.broker} confirms a different quantity`, check);
  const slipLine = `the confirmed quantity is ${show(ratio)} times ours: a digit slip in our booking`;
  const others = otherDifferences(trade, confirmed, instrument);
  if (others)
    return disputed(
      [...evidence, slipLine, others],
      "the confirmation differs in more than the quantity",
      check,
    );
  if (!market || market.stale) {
    return disputed(
      [
        ...evidence,
        slipLine,
        market ? `the close is stale (${market.priceDate})` : "no close of the instrument",
      ],
      "no fresh close to check the execution against",
      check,
    );
  }
  const off = Math.abs(confirmed.price - market.price) / market.price;
  const marketLine = `confirmed price ${show(round8(confirmed.price))} is ${percent(off)} from the ${market.priceDate} close ${show(market.price)}`;
  if (off > NEAR_CLOSE[instrument.type]) {
    return disputed([...evidence, slipLine, marketLine], "the execution price is off the close", check);
  }
  return ourError([...evidence, slipLine, marketLine], {
    action: "amend_quantity",
    tradeId: trade.tradeId,
    changes: [{ field: "quantity", from: ours, to: theirs }],
    rationale: `our booked quantity ${show(ours)} is a digit slip of the confirmed ${show(theirs)}; every other field agrees and the price is at the close`,
  });
}

function currency(_b: BreakSubject, { trade, confirmations, answers }: TradeFacts): Verdict | NoVerdict {
  const instrument = value<InstrumentRecord>(answers.instrument);
  if (!instrument) return { error: failures(answers) };
  const market = value<MarketPriceRecord>(answers.market);
  const { confirmed } = confirmations;
  if (!confirmed) return nothingToCompare(trade);
  const expected = instrument.type === "FX_SPOT" ? instrument.quoteCurrency : instrument.currency;
  const ours = trade.currency;
  const theirs = confirmed.currency;
  const evidence = [
    `currency booked ${ours}, confirmed ${theirs}`,
    `${instrument.instrumentId} (${instrument.type}) is priced in ${expected}`,
    market
      ? `its close (${market.priceDate}) is in ${market.currency}`
      : "no close of the instrument in the day",
  ];
  const check = `Confirm the currency of ${trade.tradeId} with ${trade.desk} and ${trade.broker} (ours ${ours}, theirs ${theirs}, instrument ${expected})`;
  if (ours !== expected && theirs === expected && market?.currency === expected) {
    return ourError(evidence, {
      action: "amend_currency",
      tradeId: trade.tradeId,
      changes: [{ field: "currency", from: ours, to: expected }],
      rationale: `${instrument.instrumentId} is priced in ${expected}: the confirmation and the close say so; our booking says ${ours}`,
    });
  }
  if (ours === expected && theirs !== expected) {
    return {
      exceptionClass: "broker_error",
      faultSide: "broker",
      fix: null,
      nextAction: `Ask ${trade.broker} to fix its static data for ${instrument.instrumentId} (priced in ${expected}, confirmed in ${theirs}) and reissue ${ids(confirmations)}`,
      evidence,
    };
  }
  return disputed(
    evidence,
    ours === theirs ? "the currencies agree now" : "the close does not corroborate either currency",
    check,
  );
}

function settleDate(_b: BreakSubject, { trade, confirmations, answers }: TradeFacts): Verdict | NoVerdict {
  const convention = value<SettlementConventionRecord>(answers.convention);
  if (!convention) return { error: failures(answers) };
  const { confirmed } = confirmations;
  if (!confirmed) return nothingToCompare(trade);
  const conventional = convention.conventionalSettleDate;
  const ours = trade.settleDate;
  const theirs = confirmed.settleDates;
  const evidence = [
    `settle date booked ${ours}, confirmed ${theirs.join("/")}`,
    `${convention.rule} from trade date ${trade.tradeDate} on the ${[convention.calendar].flat().join("+")} calendar: ${conventional}`,
  ];
  const check = `Confirm the agreed settle date of ${trade.tradeId} with ${trade.desk} and ${trade.broker} (convention ${conventional}, ours ${ours}, theirs ${theirs.join("/")})`;
  if (theirs.every((d) => d === ours)) return disputed(evidence, "the settle dates agree now", check);
  const oursOn = ours === conventional;
  const theirsOn = theirs.every((d) => d === conventional);
  if (theirsOn && !oursOn) {
    return ourError(evidence, {
      action: "amend_settle_date",
      tradeId: trade.tradeId,
      changes: [{ field: "settleDate", from: ours, to: conventional }],
      rationale: `our settle date ${ours} breaks the convention (${convention.rule}: ${conventional}); the broker's follows it`,
    });
  }
  if (oursOn && !theirsOn) {
    return {
      exceptionClass: "broker_error",
      faultSide: "broker",
      fix: null,
      nextAction: `Ask ${trade.broker} to correct the settle date on ${ids(confirmations)} to ${conventional} (${convention.rule})`,
      evidence,
    };
  }
  return disputed(
    evidence,
    "neither settle date alone follows the convention: it may have been agreed off it",
    check,
  );
}

function side(_b: BreakSubject, { trade, confirmations }: TradeFacts): Verdict {
  const against = confirmations.confirmations.filter((c) => c.side !== trade.side);
  return {
    exceptionClass: "side_dispute",
    faultSide: "unknown",
    fix: null,
    nextAction: `Escalate to ${trade.desk}: confirm the side of ${trade.tradeId} with the trader (we ${trade.side}, ${trade.broker} confirms ${against[0]?.side ?? "the other side"}); amend nothing until then`,
    evidence: [
      `we ${trade.side} ${show(trade.quantity)} ${trade.instrumentId} @ ${show(trade.price)}; ${against.map((c) => `${c.confirmationId} says ${c.side}`).join(", ") || "every confirmation agrees now"}`,
    ],
  };
}

function counterpartyOrSsi(b: BreakSubject, { trade, confirmations }: TradeFacts): Verdict {
  const ourLei = trade.counterparty.lei;
  const otherLei = confirmations.confirmations.filter((c) => c.counterparty && c.counterparty.lei !== ourLei);
  const otherSsi = confirmations.confirmations.filter((c) => c.ssiId && code(c.ssiId) !== code(trade.ssiId));
  const evidence = [
    `our counterparty ${trade.counterparty.name}, LEI ${ourLei}${isValidLei(ourLei) ? "" : " (fails its check digits)"}, SSI ${trade.ssiId}`,
    ...otherLei.map((c) => `${c.confirmationId} names LEI ${c.counterparty?.lei}`),
    ...otherSsi.map((c) => `${c.confirmationId} settles to SSI ${c.ssiId}`),
  ];
  if (otherLei.length > 0 && b.field !== "ssiId") {
    return {
      exceptionClass: "settlement_risk",
      faultSide: "broker",
      fix: null,
      nextAction: `Chase ${trade.broker} to reissue ${otherLei.map((c) => c.confirmationId).join(", ")} for ${trade.counterparty.name} (LEI ${ourLei}); settle nothing until then`,
      evidence,
    };
  }
  return {
    exceptionClass: "settlement_risk",
    faultSide: "unknown",
    fix: null,
    nextAction: `Verify ${trade.counterparty.name}'s settlement instruction by call-back before ${trade.settleDate} (ours ${trade.ssiId}, theirs ${[...new Set(otherSsi.map((c) => c.ssiId))].join("/") || "the same now"}); change nothing on a confirmation's word`,
    evidence,
  };
}

function missing(_b: BreakSubject, { trade, confirmations, answers }: TradeFacts): Verdict {
  const similar = value<SimilarTrades>(answers.similar);
  const booked = `${trade.side} ${show(trade.quantity)} ${trade.instrumentId} @ ${show(trade.price)} for ${trade.account}, booked ${trade.bookedAt}`;
  const evidence = [`no confirmation is paired with ${trade.tradeId} (${booked})`];
  if (confirmations.confirmations.length > 0) {
    return {
      exceptionClass: "unconfirmed",
      faultSide: "unknown",
      fix: null,
      nextAction: `Re-run the reconciliation: ${ids(confirmations)} is paired with ${trade.tradeId} now`,
      evidence: [`${ids(confirmations)} is paired with ${trade.tradeId} now`],
    };
  }
  const candidates = similar?.unpairedConfirmations ?? [];
  const [candidate] = candidates;
  if (candidates.length === 1 && candidate) {
    return {
      exceptionClass: "unconfirmed",
      faultSide: "unknown",
      fix: null,
      nextAction: `Pair ${candidate.confirmationId} with ${trade.tradeId} and correct the ${candidate.differs.join(", ")} on whichever side is wrong`,
      evidence: [
        ...evidence,
        `unpaired ${candidate.confirmationId} from ${candidate.broker} differs only in ${candidate.differs.join(", ")}`,
      ],
    };
  }
  return {
    exceptionClass: "unconfirmed",
    faultSide: "broker",
    fix: null,
    nextAction: `Chase ${trade.broker} for a confirmation of ${trade.tradeId} (${booked})`,
    evidence: [
      ...evidence,
      candidates.length > 1
        ? `${candidates.length} unpaired confirmations from ${trade.broker} are each one field away`
        : "no unpaired confirmation from the broker is one field away",
    ],
  };
}

function amendment(b: BreakSubject, { trade, confirmations }: TradeFacts): Verdict {
  const changed = b.field
    ? `${b.field} ${b.theirs === undefined ? "?" : show(b.theirs)} → ${b.ours === undefined ? "?" : show(b.ours)}`
    : "its economics";
  const n = confirmations.confirmations.length;
  const confirming = `${ids(confirmations) || "nothing"} ${n === 1 ? "confirms" : "confirm"}`;
  return {
    exceptionClass: "unconfirmed",
    faultSide: "broker",
    fix: null,
    nextAction: `Chase ${trade.broker} for an amended confirmation of ${trade.tradeId} v${trade.version} (${changed}); ${confirming} an earlier version`,
    evidence: [
      `${trade.tradeId} is v${trade.version} (${trade.status}${trade.updatedAt ? ` since ${trade.updatedAt}` : ""}); ${confirming} an earlier version`,
      `changed: ${changed}`,
    ],
  };
}

function cancelled(_b: BreakSubject, { trade, confirmations, answers }: TradeFacts): Verdict {
  const similar = value<SimilarTrades>(answers.similar);
  const rebooks = (similar?.twins ?? []).filter(
    (t) => t.status !== "CANCELLED" && !t.confirmed && Date.parse(t.bookedAt) > Date.parse(trade.bookedAt),
  );
  const [rebook] = rebooks;
  const evidence = [
    `${trade.tradeId} v${trade.version} is ${trade.status}${trade.updatedAt ? ` since ${trade.updatedAt}` : ""}; ${ids(confirmations) || "nothing"} still confirm${confirmations.confirmations.length === 1 ? "s" : ""} it`,
    rebooks.length === 1 && rebook
      ? `${rebook.tradeId}, booked ${rebook.bookedAt}, is its unconfirmed twin: the rebooking`
      : "no single open twin rebooks it",
  ];
  return {
    exceptionClass: "cancellation",
    faultSide: "broker",
    fix: null,
    nextAction:
      rebooks.length === 1 && rebook
        ? `Ask ${trade.broker} to re-reference ${ids(confirmations)} from ${trade.tradeId} (cancelled) to ${rebook.tradeId}, the rebooking`
        : `Confirm the cancellation with ${trade.desk}, then tell ${trade.broker} that ${trade.tradeId} is cancelled and ask it to cancel ${ids(confirmations)}`,
    evidence,
  };
}

function duplicate(_b: BreakSubject, { trade, confirmations, answers }: TradeFacts): Verdict | NoVerdict {
  const original = value<TradeRecord>(answers.original);
  const originalConfirmations = value<TradeConfirmations>(answers.originalConfirmations);
  const similar = value<SimilarTrades>(answers.similar);
  if (!original || !originalConfirmations || !similar) return { error: failures(answers) };
  const booked = (t: TradeRecord) =>
    `${t.tradeId} ${t.status} ${t.side} ${show(t.quantity)} ${t.instrumentId} @ ${show(t.price)}, ${t.account}, booked ${t.bookedAt}`;
  const evidence = [booked(original), booked(trade)];
  const check = `Ask ${trade.desk} whether ${original.tradeId} and ${trade.tradeId} are both genuine before cancelling either`;
  const twin = similar.twins.find((t) => t.tradeId === original.tradeId);
  const unproven = (why: string) => disputed(evidence, why, check);
  if (!twin) return unproven(`${trade.tradeId} is not a twin of ${original.tradeId}`);
  if (confirmations.confirmations.length > 0)
    return unproven(`the broker confirms both ${original.tradeId} and ${trade.tradeId}`);
  if (originalConfirmations.confirmations.length === 0)
    return unproven(`neither ${original.tradeId} nor ${trade.tradeId} is confirmed`);
  if (trade.status === "CANCELLED") return unproven(`${trade.tradeId} is cancelled already`);
  if (twin.counterpartyLei !== trade.counterparty.lei)
    return unproven("the two bookings name different counterparties");
  const minutes = Math.abs(Date.parse(trade.bookedAt) - Date.parse(original.bookedAt)) / 60_000;
  return {
    exceptionClass: "duplicate_booking",
    faultSide: "internal",
    fix: {
      action: "cancel_booking",
      tradeId: trade.tradeId,
      changes: [{ field: "status", from: trade.status, to: "CANCELLED" }],
      rationale: `${trade.tradeId} repeats ${original.tradeId}, which ${ids(originalConfirmations)} confirm${originalConfirmations.confirmations.length === 1 ? "s" : ""}; nothing confirms ${trade.tradeId}`,
    },
    nextAction: `Cancel ${trade.tradeId}, the duplicate of confirmed ${original.tradeId}`,
    evidence: [
      ...evidence,
      `same broker, account, instrument, side, quantity, trade date and counterparty; booked ${minutes.toFixed(1)} min apart`,
      `${ids(originalConfirmations)} confirm ${original.tradeId}; nothing confirms ${trade.tradeId}`,
    ],
  };
}

function unknownConfirmation(b: BreakSubject, answers: Answers): Verdict | NoVerdict {
  const c = value<ConfirmationRecord>(answers.confirmation);
  const similar = value<SimilarTrades>(answers.similar);
  if (!c || !similar) return { error: failures(answers) || `the ${b.category} break names no confirmation` };
  const confirms = `${c.broker} confirms ${c.side} ${show(c.quantity)} ${c.quotedInstrumentId} @ ${show(c.price)} for ${c.account}, traded ${c.tradeDate} (ref ${c.brokerRef})`;
  const open = similar.near.filter((t) => t.status !== "CANCELLED" && !t.confirmed);
  const [candidate] = open;
  if (open.length === 1 && candidate) {
    return {
      exceptionClass: "unknown_trade",
      faultSide: "unknown",
      fix: null,
      nextAction: `Pair ${c.confirmationId} with ${candidate.tradeId} and correct the ${candidate.differs.join(", ")} on whichever side is wrong`,
      evidence: [
        confirms,
        `unconfirmed ${candidate.tradeId} differs only in ${candidate.differs.join(", ")}`,
      ],
    };
  }
  const why = !c.knownInstrument
    ? `${c.quotedInstrumentId} is not an instrument of ours`
    : open.length > 1
      ? `${open.length} unconfirmed trades are each one field away`
      : "no open booking of ours is like it";
  return {
    exceptionClass: "unknown_trade",
    faultSide: "broker",
    fix: null,
    nextAction:
      open.length > 1
        ? `Ask ${c.broker} which of ${open.map((t) => t.tradeId).join(", ")} ${c.confirmationId} confirms`
        : `DK ${c.confirmationId} back to ${c.broker} (ref ${c.brokerRef}): ${why}`,
    evidence: [confirms, why],
  };
}

function stalePrice(b: BreakSubject, answers: Answers): Verdict | NoVerdict {
  const market = value<MarketPriceRecord>(answers.market);
  if (!market) return { error: failures(answers) };
  const trades = b.tradeCount;
  return {
    exceptionClass: "market_data",
    faultSide: "data",
    fix: null,
    nextAction: market.stale
      ? `Re-request ${market.source}'s ${market.expectedCloseDate} close for ${market.instrumentId}${trades > 0 ? ` and revalue the ${trades} trade${trades === 1 ? "" : "s"} on it` : ""}`
      : `Re-run the reconciliation: the close of ${market.instrumentId} is fresh now`,
    evidence: [
      `latest ${market.source} close ${show(market.price)} dated ${market.priceDate}: ${market.ageBusinessDays} business days before ${market.businessDate} (at most ${market.maxAgeBusinessDays})`,
      `expected the ${market.expectedCloseDate} close; sources in the day: ${market.sources.join(", ")}`,
    ],
  };
}

// Helpers ---------------------------------------------------------------------------------

function ourError(evidence: readonly string[], fix: Fix): Verdict {
  const change = fix.changes.map((c) => `${c.field} from ${show(c.from)} to ${show(c.to)}`).join(", ");
  return {
    exceptionClass: "booking_error",
    faultSide: "internal",
    fix,
    nextAction:
      fix.action === "cancel_booking" ? `Cancel ${fix.tradeId}` : `Amend ${fix.tradeId}'s ${change}`,
    evidence,
  };
}

function disputed(evidence: readonly string[], why: string, nextAction: string): Verdict {
  return {
    exceptionClass: "disputed",
    faultSide: "unknown",
    fix: null,
    nextAction,
    evidence: [...evidence, `undecided: ${why}`],
  };
}

function nothingToCompare(trade: TradeRecord): Verdict {
  return disputed(
    [`no confirmation is paired with ${trade.tradeId} any more`],
    "nothing to compare",
    `Re-run the reconciliation for ${trade.tradeId}`,
  );
}

/** Why the confirmation is not a clean digit slip: a field other than the quantity differs; "" when none does. */
function otherDifferences(
  trade: TradeRecord,
  confirmed: NonNullable<TradeConfirmations["confirmed"]>,
  instrument: InstrumentRecord,
): string {
  const differs = [
    confirmed.side !== trade.side ? `side ${confirmed.side}` : "",
    confirmed.currency !== trade.currency ? `currency ${confirmed.currency}` : "",
    confirmed.settleDates.some((d) => d !== trade.settleDate)
      ? `settle date ${confirmed.settleDates.join("/")}`
      : "",
    comparePrice(instrument, trade.price, confirmed.price, DEFAULT_TOLERANCES).withinTolerance
      ? ""
      : `price ${show(round8(confirmed.price))}`,
  ].filter((d) => d !== "");
  return differs.length > 0 ? `the confirmation also differs in ${differs.join(", ")}` : "";
}

function value<T>(answer: Answer | undefined): T | undefined {
  return answer?.ok ? (answer.value as T) : undefined;
}

function failures(answers: Answers): string {
  return Object.values(answers)
    .flatMap((a) => (a.ok ? [] : [a.error]))
    .join("; ");
}

function ids(confirmations: TradeConfirmations): string {
  return confirmations.confirmations.map((c) => c.confirmationId).join(", ");
}

/** A number as a person reads it: grouped, up to 8 decimals, no float noise; text as is. */
export function show(value: number | string): string {
  return typeof value === "number" ? value.toLocaleString("en-US", { maximumFractionDigits: 8 }) : value;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(2)}%`;
}

function round8(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}

function code(value: string): string {
  return value.replace(/\s+/g, "").toUpperCase();
}
