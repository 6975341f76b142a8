import { definePolicy, readConversation, type SeenToolCall } from "#models";
import type {
  ConfirmationRecord,
  InstrumentRecord,
  SimilarTrades,
  TradeConfirmations,
  TradeRecord,
  TradeVersionView,
} from "#tools";
import {
  type ConfirmedEconomics,
  comparePrice,
  DEFAULT_TOLERANCES,
  MIN_FILL_SHARE,
  quantityWithin,
} from "#trading";
import { ask, conclude, escalate, gather, ids, listed, show, text } from "./facts.ts";

type Subject = Readonly<Record<string, unknown>>;

/**
 * The booking specialist's offline rules, from the tools' facts (our bookings and their
 * versions, the confirmations paired with them, the trades and confirmations like them):
 * - `QUANTITY_MISMATCH`: the fills confirm less than we booked, short by at least
 *   {@link MIN_FILL_SHARE}: `partial_fill_outstanding` (chase the remaining fill); confirmed a
 *   power of ten times ours: `our_quantity_error` (a fat-fingered booking); a smaller shortfall
 *   or any other over-confirmation: escalate.
 * - `SIDE_MISMATCH`: always escalated to the desk (`side_disputed` suspected): never guessed.
 * - `MISSING_CONFIRMATION`: a cancelled, confirmed twin (a cancel and rebook):
 *   `rebooked_under_new_id`; one unpaired confirmation differing in one field:
 *   `booking_details_differ`; none: `missing_confirmation` (chase the broker).
 * - `UNKNOWN_CONFIRMATION`: one open booking differing in one field: `booking_details_differ`;
 *   none: `not_our_trade` (DK it back to the broker).
 * - `DUPLICATE_BOOKING`: checked with `find_similar_trades` — the duplicate is a twin of the
 *   confirmed original and has no confirmation of its own: `duplicate_booking` (cancel it).
 * - `CANCELLED_BUT_CONFIRMED`: an open twin booked after it (a rebook): `rebooked_under_new_id`;
 *   else `broker_missed_cancellation` (tell the broker).
 * - `AMENDMENT_NOT_CONFIRMED`: the confirmation agrees with an earlier version:
 *   `amendment_not_confirmed` (chase the amended confirmation).
 *
 * @example
 * offlinePolicies.register("investigation.booking", bookingPolicy);
 */
export const bookingPolicy = definePolicy("investigation.booking", (messages) => {
  const { subject, calls } = readConversation(messages);
  switch (subject.category) {
    case "QUANTITY_MISMATCH":
      return quantity(subject, calls);
    case "SIDE_MISMATCH":
      return side(subject, calls);
    case "MISSING_CONFIRMATION":
      return missing(subject, calls);
    case "UNKNOWN_CONFIRMATION":
      return unknown(subject, calls);
    case "DUPLICATE_BOOKING":
      return duplicate(subject, calls);
    case "CANCELLED_BUT_CONFIRMED":
      return cancelled(subject, calls);
    case "AMENDMENT_NOT_CONFIRMED":
      return amendment(subject, calls);
    default:
      return escalate(`a ${String(subject.category)} break is not the booking specialist's`);
  }
});

/** The trade and its confirmations: what most rules start from. */
function tradeWithConfirmations(tradeId: string) {
  return {
    trade: ask<TradeRecord>("get_trade", { tradeId }),
    confirmations: ask<TradeConfirmations>("get_confirmations", { tradeId }),
  };
}

function quantity(subject: Subject, calls: readonly SeenToolCall[]) {
  const [tradeId] = ids(subject, "tradeIds");
  if (!tradeId) return escalate("the break names no trade");
  const got = gather(calls, tradeWithConfirmations(tradeId));
  if ("decision" in got) return got.decision;
  const { trade, confirmations } = got.facts;
  const { confirmed } = confirmations;
  if (!confirmed) return escalate(`no confirmation is paired with ${tradeId} any more: nothing to compare`);
  const ours = trade.quantity;
  const theirs = confirmed.quantity;
  const fills = `${confirmed.fills} fill${confirmed.fills === 1 ? "" : "s"} (${listed(confirmations.confirmations.map((c) => `${c.confirmationId} ${show(c.quantity)}`))})`;
  const evidence = [
    `booked ${trade.side} ${show(ours)} ${trade.instrumentId}; confirmed ${show(theirs)} over ${fills}`,
  ];
  if (theirs === ours)
    return escalate("booked and confirmed quantities agree now: nothing to explain", evidence);
  const shortfall = (ours - theirs) / ours;
  if (shortfall >= MIN_FILL_SHARE) {
    return conclude(
      "partial_fill_outstanding",
      confirmed.fills > 1 ? 0.85 : 0.75,
      [
        ...evidence,
        `${show(ours - theirs)} of ${show(ours)} (${(shortfall * 100).toFixed(2)}%) not confirmed yet`,
      ],
      `Chase ${trade.broker} for the remaining ${show(ours - theirs)} of ${tradeId} (${show(theirs)} of ${show(ours)} confirmed)`,
    );
  }
  if (theirs < ours) {
    return escalate(
      `${trade.broker} confirms ${show(ours - theirs)} less than we booked, too little for a fill: a rounding or keying difference on either side`,
      evidence,
      {
        nextAction: `Confirm the executed quantity of ${tradeId} with ${trade.desk} and ${trade.broker} (ours ${show(ours)}, theirs ${show(theirs)})`,
      },
    );
  }
  const ratio = theirs / ours;
  const powerOfTen = Math.abs(Math.log10(ratio) - Math.round(Math.log10(ratio))) < 1e-9;
  if (powerOfTen) {
    return conclude(
      "our_quantity_error",
      0.75,
      [...evidence, `the confirmed quantity is ${show(ratio)} times ours: a digit slip in the booking`],
      `Amend ${tradeId}'s quantity from ${show(ours)} to ${show(theirs)} once ${trade.desk} confirms the execution`,
    );
  }
  return escalate(
    `${trade.broker} confirms ${show(theirs - ours)} more than we booked: the desk must say which is right`,
    evidence,
    {
      nextAction: `Confirm the executed quantity of ${tradeId} with ${trade.desk} and ${trade.broker} (ours ${show(ours)}, theirs ${show(theirs)})`,
    },
  );
}

function side(subject: Subject, calls: readonly SeenToolCall[]) {
  const [tradeId] = ids(subject, "tradeIds");
  if (!tradeId) return escalate("the break names no trade");
  const got = gather(calls, tradeWithConfirmations(tradeId));
  if ("decision" in got) return got.decision;
  const { trade, confirmations } = got.facts;
  const against = confirmations.confirmations.filter((c) => c.side !== trade.side);
  const evidence = [
    `we ${trade.side} ${show(trade.quantity)} ${trade.instrumentId} @ ${show(trade.price)}; ${listed(against.map((c) => `${c.confirmationId} says ${c.side}`)) || "every confirmation agrees"}`,
  ];
  if (against.length === 0) return escalate("the sides agree now: nothing to explain", evidence);
  return escalate("the broker confirms the other side: only the desk knows which is right", evidence, {
    rootCause: "side_disputed",
    nextAction: `Escalate to ${trade.desk}: confirm the side of ${tradeId} with the trader (we ${trade.side}, ${trade.broker} confirms ${against[0]?.side}); amend nothing until then`,
  });
}

function missing(subject: Subject, calls: readonly SeenToolCall[]) {
  const [tradeId] = ids(subject, "tradeIds");
  if (!tradeId) return escalate("the break names no trade");
  const got = gather(calls, {
    ...tradeWithConfirmations(tradeId),
    similar: ask<SimilarTrades>("find_similar_trades", { tradeId }),
  });
  if ("decision" in got) return got.decision;
  const { trade, confirmations, similar } = got.facts;
  const booked = `${trade.side} ${show(trade.quantity)} ${trade.instrumentId} @ ${show(trade.price)} for ${trade.account}, traded ${trade.tradeDate}`;
  if (confirmations.confirmations.length > 0) {
    return escalate(
      `${listed(confirmations.confirmations.map((c) => c.confirmationId))} is paired with ${tradeId} now`,
      [booked],
    );
  }
  const cancelledTwins = similar.twins.filter((t) => t.status === "CANCELLED" && t.confirmed);
  if (cancelledTwins.length === 1 && cancelledTwins[0]) {
    const old = cancelledTwins[0];
    return conclude(
      "rebooked_under_new_id",
      0.8,
      [`${tradeId} (${booked}) is unconfirmed`, `its twin ${old.tradeId} is cancelled and confirmed`],
      `Ask ${trade.broker} to re-reference its confirmation of ${old.tradeId} (cancelled) to ${tradeId}, the rebooking`,
    );
  }
  const candidates = similar.unpairedConfirmations;
  if (candidates.length === 1 && candidates[0]) {
    const c = candidates[0];
    const fields = c.differs.map((f) => `${f} ours ${String(trade[f])}, theirs ${String(c[f])}`);
    return conclude(
      "booking_details_differ",
      0.8,
      [
        `${tradeId} (${booked}) is unconfirmed`,
        `unpaired ${c.confirmationId} from ${c.broker} differs only in ${fields.join("; ") || "nothing"}`,
      ],
      `Pair ${c.confirmationId} with ${tradeId} and correct the ${listed([...c.differs])} on whichever side is wrong (${fields.join("; ")})`,
    );
  }
  if (candidates.length > 1) {
    return escalate(
      `${candidates.length} unpaired confirmations from ${trade.broker} are each one field away from ${tradeId}`,
      candidates.map((c) => `${c.confirmationId} differs in ${listed([...c.differs])}`),
      {
        nextAction: `Ask ${trade.broker} which of ${listed(candidates.map((c) => c.confirmationId))} confirms ${tradeId}`,
      },
    );
  }
  return conclude(
    "missing_confirmation",
    0.9,
    [
      `no confirmation is paired with ${tradeId} (${booked}, booked ${trade.bookedAt})`,
      "no unpaired confirmation from the broker is one field away",
    ],
    `Chase ${trade.broker} for a confirmation of ${tradeId} (${booked})`,
  );
}

function unknown(subject: Subject, calls: readonly SeenToolCall[]) {
  const [confirmationId] = ids(subject, "confirmationIds");
  if (!confirmationId) return escalate("the break names no confirmation");
  const got = gather(calls, {
    confirmation: ask<ConfirmationRecord>("get_confirmation", { confirmationId }),
    similar: ask<SimilarTrades>("find_similar_trades", { confirmationId }),
  });
  if ("decision" in got) return got.decision;
  const { confirmation: c, similar } = got.facts;
  const confirms = `${c.broker} confirms ${c.side} ${show(c.quantity)} ${c.quotedInstrumentId} @ ${show(c.price)} for ${c.account}, traded ${c.tradeDate} (ref ${c.brokerRef})`;
  if (c.pairedWith)
    return escalate(`${confirmationId} is paired with ${c.pairedWith.tradeId} now`, [confirms]);
  const open = similar.near.filter((t) => t.status !== "CANCELLED" && !t.confirmed);
  if (open.length === 1 && open[0]) {
    const t = open[0];
    const fields = t.differs.map((f) => `${f} ours ${String(t[f])}, theirs ${String(c[f])}`);
    return conclude(
      "booking_details_differ",
      0.8,
      [confirms, `unconfirmed ${t.tradeId} differs only in ${fields.join("; ")}`],
      `Pair ${confirmationId} with ${t.tradeId} and correct the ${listed([...t.differs])} on whichever side is wrong (${fields.join("; ")})`,
    );
  }
  if (open.length > 1) {
    return escalate(
      `${open.length} unconfirmed trades are each one field away from ${confirmationId}`,
      [confirms, ...open.map((t) => `${t.tradeId} differs in ${listed([...t.differs])}`)],
      {
        nextAction: `Ask ${c.broker} which of ${listed(open.map((t) => t.tradeId))} ${confirmationId} confirms`,
      },
    );
  }
  const why = !c.knownInstrument
    ? `${c.quotedInstrumentId} is not an instrument of ours`
    : similar.twins.length > 0
      ? `every booking like it (${listed(similar.twins.map((t) => t.tradeId))}) is confirmed already or cancelled`
      : "no booking of ours is like it";
  return conclude(
    "not_our_trade",
    0.8,
    [confirms, why],
    `DK ${confirmationId} back to ${c.broker} (ref ${c.brokerRef}): ${why}`,
  );
}

function duplicate(subject: Subject, calls: readonly SeenToolCall[]) {
  const [originalId, duplicateId] = ids(subject, "tradeIds");
  if (!originalId || !duplicateId) return escalate("the break names fewer than two trades");
  const got = gather(calls, {
    original: ask<TradeRecord>("get_trade", { tradeId: originalId }),
    repeat: ask<TradeRecord>("get_trade", { tradeId: duplicateId }),
    originalConfirmations: ask<TradeConfirmations>("get_confirmations", { tradeId: originalId }),
    repeatConfirmations: ask<TradeConfirmations>("get_confirmations", { tradeId: duplicateId }),
    similar: ask<SimilarTrades>("find_similar_trades", { tradeId: duplicateId }),
  });
  if ("decision" in got) return got.decision;
  const { original, repeat, originalConfirmations, repeatConfirmations, similar } = got.facts;
  const twin = similar.twins.find((t) => t.tradeId === originalId);
  const booked = (t: TradeRecord) =>
    `${t.tradeId} ${t.side} ${show(t.quantity)} ${t.instrumentId} @ ${show(t.price)}, ${t.account}, booked ${t.bookedAt}`;
  const evidence = [booked(original), booked(repeat)];
  const manual = {
    nextAction: `Ask ${repeat.desk} whether ${originalId} and ${duplicateId} are both genuine before cancelling either`,
  };
  if (!twin)
    return escalate(`${duplicateId} is not a twin of ${originalId}: separate trades`, evidence, manual);
  if (repeatConfirmations.confirmations.length > 0) {
    return escalate(
      `the broker confirms both ${originalId} and ${duplicateId}: two genuine trades`,
      evidence,
      manual,
    );
  }
  if (originalConfirmations.confirmations.length === 0) {
    return escalate(
      `neither ${originalId} nor ${duplicateId} is confirmed: two missing confirmations`,
      evidence,
      manual,
    );
  }
  if (twin.counterpartyLei !== repeat.counterparty.lei || repeat.status === "CANCELLED") {
    return escalate(`${duplicateId} differs from ${originalId} in counterparty or status`, evidence, manual);
  }
  const minutes = Math.abs(Date.parse(repeat.bookedAt) - Date.parse(original.bookedAt)) / 60_000;
  return conclude(
    "duplicate_booking",
    original.price === repeat.price ? 0.95 : 0.85,
    [
      ...evidence,
      `same broker, account, instrument, side, quantity, trade date and counterparty; booked ${minutes.toFixed(1)} min apart`,
      `${listed(originalConfirmations.confirmations.map((c) => c.confirmationId))} confirm ${originalId}; nothing confirms ${duplicateId}`,
    ],
    `Cancel ${duplicateId}, the duplicate of confirmed ${originalId}`,
  );
}

function cancelled(subject: Subject, calls: readonly SeenToolCall[]) {
  const [tradeId] = ids(subject, "tradeIds");
  if (!tradeId) return escalate("the break names no trade");
  const got = gather(calls, {
    ...tradeWithConfirmations(tradeId),
    similar: ask<SimilarTrades>("find_similar_trades", { tradeId }),
  });
  if ("decision" in got) return got.decision;
  const { trade, confirmations, similar } = got.facts;
  const confirmationIds = listed(confirmations.confirmations.map((c) => c.confirmationId));
  const evidence = [
    `${tradeId} v${trade.version} is ${trade.status}${trade.updatedAt ? ` since ${trade.updatedAt}` : ""}`,
    `${confirmationIds || "nothing"} confirm${confirmations.confirmations.length === 1 ? "s" : ""} it (${listed(confirmations.confirmations.map((c) => `by ${c.pairedBy}`))})`,
  ];
  if (trade.status !== "CANCELLED") return escalate(`${tradeId} is not cancelled now`, evidence);
  if (confirmations.confirmations.length === 0)
    return escalate(`no confirmation is paired with ${tradeId} now`, evidence);
  const rebooks = similar.twins.filter(
    (t) => t.status !== "CANCELLED" && !t.confirmed && Date.parse(t.bookedAt) > Date.parse(trade.bookedAt),
  );
  if (rebooks.length === 1 && rebooks[0]) {
    const rebook = rebooks[0];
    return conclude(
      "rebooked_under_new_id",
      0.8,
      [...evidence, `${rebook.tradeId}, booked ${rebook.bookedAt}, is its unconfirmed twin: the rebooking`],
      `Ask ${trade.broker} to re-reference ${confirmationIds} from ${tradeId} (cancelled) to ${rebook.tradeId}, the rebooking`,
    );
  }
  return conclude(
    "broker_missed_cancellation",
    0.9,
    [
      ...evidence,
      rebooks.length > 1 ? `${rebooks.length} open twins: no single rebooking` : "no open twin rebooks it",
    ],
    `Tell ${trade.broker} that ${tradeId} is cancelled and ask it to cancel ${confirmationIds}`,
  );
}

function amendment(subject: Subject, calls: readonly SeenToolCall[]) {
  const [tradeId] = ids(subject, "tradeIds");
  const instrumentId = text(subject, "instrumentId");
  if (!tradeId || !instrumentId) return escalate("the break names no trade or instrument");
  const got = gather(calls, {
    ...tradeWithConfirmations(tradeId),
    instrument: ask<InstrumentRecord>("get_instrument", { instrumentId }),
  });
  if ("decision" in got) return got.decision;
  const { trade, confirmations, instrument } = got.facts;
  const { confirmed } = confirmations;
  if (!confirmed) return escalate(`no confirmation is paired with ${tradeId} any more: nothing to compare`);
  const agrees = (v: TradeVersionView) => agreesWith(instrument, v, confirmed);
  const current: TradeVersionView = { ...trade, version: trade.version, current: true };
  const confirmedLine = `confirmed ${confirmed.side} ${show(confirmed.quantity)} @ ${show(confirmed.price)} ${confirmed.currency}, settling ${confirmed.settleDates.join("/")}`;
  if (agrees(current))
    return escalate(`the confirmation agrees with ${tradeId}'s current version now`, [confirmedLine]);
  const earlier = trade.earlierVersions.find(agrees);
  if (!earlier) {
    return escalate(`the confirmation agrees with no version of ${tradeId}`, [confirmedLine], {
      nextAction: `Confirm ${tradeId}'s economics with ${trade.desk}, then ask ${trade.broker} to reissue`,
    });
  }
  const changed = (["side", "quantity", "price", "currency", "settleDate"] as const)
    .filter((f) => String(earlier[f]) !== String(current[f]))
    .map(
      (f) =>
        `${f} ${typeof earlier[f] === "number" ? show(earlier[f]) : earlier[f]} → ${typeof current[f] === "number" ? show(current[f]) : current[f]}`,
    );
  const confirmationIds = listed(confirmations.confirmations.map((c) => c.confirmationId));
  return conclude(
    "amendment_not_confirmed",
    0.9,
    [
      confirmedLine,
      `${confirmationIds} agree with v${earlier.version}; v${trade.version} changed ${changed.join(", ")}`,
    ],
    `Chase ${trade.broker} for an amended confirmation of ${tradeId} v${trade.version} (${changed.join(", ")}); ${confirmationIds} still confirm v${earlier.version}`,
  );
}

/** Whether the confirmed aggregate agrees with a version on every economic field, within tolerance. */
function agreesWith(
  instrument: InstrumentRecord,
  v: TradeVersionView,
  confirmed: ConfirmedEconomics,
): boolean {
  return (
    confirmed.side === v.side &&
    confirmed.currency === v.currency &&
    confirmed.settleDates.every((d) => d === v.settleDate) &&
    quantityWithin(instrument, v.quantity, confirmed.quantity, DEFAULT_TOLERANCES) &&
    comparePrice(instrument, v.price, confirmed.price, DEFAULT_TOLERANCES).withinTolerance
  );
}
