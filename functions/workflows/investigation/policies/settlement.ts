import { definePolicy, readConversation, type SeenToolCall } from "#models";
import type { InstrumentRecord, SettlementConventionRecord, TradeConfirmations, TradeRecord } from "#tools";
import { ask, conclude, escalate, gather, ids, listed, text } from "./facts.ts";

type Subject = Readonly<Record<string, unknown>>;

/**
 * The settlement specialist's offline rules, from the tools' facts:
 * - `SETTLE_DATE_MISMATCH`: the conventional settle date (the market's T+n on its real holiday
 *   calendars, `get_settlement_convention`). Ours on it and theirs off: `broker_settle_date_error`;
 *   theirs on it and ours off: `our_settle_date_error`; both off (a date agreed off convention)
 *   or both on it: escalate.
 * - `COUNTERPARTY_SSI_MISMATCH`: a confirmation naming another LEI than our counterparty's:
 *   `wrong_counterparty_on_confirmation` (chase the broker); another SSI than ours: `stale_ssi`
 *   (fix it before settlement).
 * - `CURRENCY_MISMATCH`: the instrument's currency (FX: the quote currency) from its static
 *   data. Ours off it and theirs on it: `our_currency_error`; theirs off and ours on it:
 *   `broker_static_data_error`; otherwise escalate.
 *
 * @example
 * offlinePolicies.register("investigation.settlement", settlementPolicy);
 */
export const settlementPolicy = definePolicy("investigation.settlement", (messages) => {
  const { subject, calls } = readConversation(messages);
  switch (subject.category) {
    case "SETTLE_DATE_MISMATCH":
      return settleDate(subject, calls);
    case "COUNTERPARTY_SSI_MISMATCH":
      return counterpartyOrSsi(subject, calls);
    case "CURRENCY_MISMATCH":
      return currency(subject, calls);
    default:
      return escalate(`a ${String(subject.category)} break is not the settlement specialist's`);
  }
});

function settleDate(subject: Subject, calls: readonly SeenToolCall[]) {
  const [tradeId] = ids(subject, "tradeIds");
  if (!tradeId) return escalate("the break names no trade");
  const got = gather(calls, {
    trade: ask<TradeRecord>("get_trade", { tradeId }),
    confirmations: ask<TradeConfirmations>("get_confirmations", { tradeId }),
    convention: ask<SettlementConventionRecord>("get_settlement_convention", { tradeId }),
  });
  if ("decision" in got) return got.decision;
  const { trade, confirmations, convention } = got.facts;
  if (!confirmations.confirmed)
    return escalate(`no confirmation is paired with ${tradeId} any more: nothing to compare`);
  const conventional = convention.conventionalSettleDate;
  const ours = trade.settleDate;
  const theirs = confirmations.confirmed.settleDates;
  const evidence = [
    `settle date ours ${ours}, confirmed ${theirs.join("/")}`,
    `${convention.rule} from trade date ${trade.tradeDate} on the ${[convention.calendar].flat().join("+")} calendar: ${conventional}`,
  ];
  if (theirs.every((d) => d === ours))
    return escalate("the settle dates agree now: nothing to explain", evidence);
  const oursOn = ours === conventional;
  const theirsOn = theirs.every((d) => d === conventional);
  const offIds = listed(
    confirmations.confirmations.filter((c) => c.settleDate !== ours).map((c) => c.confirmationId),
  );
  if (oursOn && !theirsOn) {
    return conclude(
      "broker_settle_date_error",
      0.9,
      evidence,
      `Ask ${trade.broker} to correct the settle date on ${offIds} from ${theirs.filter((d) => d !== ours).join("/")} to ${conventional} (${convention.rule})`,
    );
  }
  if (theirsOn && !oursOn) {
    return conclude(
      "our_settle_date_error",
      0.9,
      evidence,
      `Amend ${tradeId}'s settle date from ${ours} to ${conventional} (${convention.rule})`,
    );
  }
  return escalate(
    "neither settle date follows the convention: a date may have been agreed off convention",
    evidence,
    {
      nextAction: `Confirm the agreed settle date of ${tradeId} with ${trade.desk} and ${trade.broker} (convention ${conventional}, ours ${ours}, theirs ${theirs.join("/")})`,
    },
  );
}

function counterpartyOrSsi(subject: Subject, calls: readonly SeenToolCall[]) {
  const [tradeId] = ids(subject, "tradeIds");
  if (!tradeId) return escalate("the break names no trade");
  const got = gather(calls, {
    trade: ask<TradeRecord>("get_trade", { tradeId }),
    confirmations: ask<TradeConfirmations>("get_confirmations", { tradeId }),
  });
  if ("decision" in got) return got.decision;
  const { trade, confirmations } = got.facts;
  const ourLei = trade.counterparty.lei;
  const otherLei = confirmations.confirmations.filter((c) => c.counterparty && c.counterparty.lei !== ourLei);
  const otherSsi = confirmations.confirmations.filter((c) => c.ssiId && code(c.ssiId) !== code(trade.ssiId));
  const field = text(subject, "field");
  if (otherLei.length > 0 && field !== "ssiId") {
    const named = otherLei.map(
      (c) =>
        `${c.confirmationId} names LEI ${c.counterparty?.lei}${c.counterparty?.name ? ` (${c.counterparty.name})` : ""}`,
    );
    return conclude(
      "wrong_counterparty_on_confirmation",
      0.85,
      [`our counterparty ${trade.counterparty.name}, LEI ${ourLei}`, ...named],
      `Chase ${trade.broker} to reissue ${listed(otherLei.map((c) => c.confirmationId))} for ${trade.counterparty.name} (LEI ${ourLei})`,
    );
  }
  if (otherSsi.length > 0 && field !== "counterparty.lei") {
    const theirs = [...new Set(otherSsi.map((c) => c.ssiId))].join("/");
    return conclude(
      "stale_ssi",
      0.8,
      [
        `our SSI for ${trade.counterparty.name} is ${trade.ssiId}; ${listed(otherSsi.map((c) => c.confirmationId))} will settle to ${theirs}`,
        `settles ${trade.settleDate}`,
      ],
      `Confirm ${trade.counterparty.name}'s current SSI with ${trade.broker} and fix the stale one (ours ${trade.ssiId}, theirs ${theirs}) before ${trade.settleDate}`,
    );
  }
  return escalate("the counterparty LEI and the SSI agree now: nothing to explain", [
    `LEI ${ourLei}, SSI ${trade.ssiId} on ${tradeId} and on its ${confirmations.confirmations.length} confirmations`,
  ]);
}

function currency(subject: Subject, calls: readonly SeenToolCall[]) {
  const [tradeId] = ids(subject, "tradeIds");
  const instrumentId = text(subject, "instrumentId");
  if (!tradeId || !instrumentId) return escalate("the break names no trade or instrument");
  const got = gather(calls, {
    trade: ask<TradeRecord>("get_trade", { tradeId }),
    confirmations: ask<TradeConfirmations>("get_confirmations", { tradeId }),
    instrument: ask<InstrumentRecord>("get_instrument", { instrumentId }),
  });
  if ("decision" in got) return got.decision;
  const { trade, confirmations, instrument } = got.facts;
  if (!confirmations.confirmed)
    return escalate(`no confirmation is paired with ${tradeId} any more: nothing to compare`);
  const expected = instrument.type === "FX_SPOT" ? instrument.quoteCurrency : instrument.currency;
  const ours = trade.currency;
  const theirs = confirmations.confirmed.currency;
  const evidence = [
    `currency ours ${ours}, confirmed ${theirs}`,
    `${instrument.instrumentId} (${instrument.type}) is priced in ${expected}`,
  ];
  const confirmationIds = listed(confirmations.confirmations.map((c) => c.confirmationId));
  if (ours === expected && theirs !== expected) {
    return conclude(
      "broker_static_data_error",
      0.85,
      evidence,
      `Ask ${trade.broker} to fix its static data for ${instrument.instrumentId} (priced in ${expected}, confirmed in ${theirs}) and reissue ${confirmationIds}`,
    );
  }
  if (theirs === expected && ours !== expected) {
    return conclude(
      "our_currency_error",
      0.85,
      evidence,
      `Amend ${tradeId}'s currency from ${ours} to ${expected}`,
    );
  }
  return escalate(
    ours === theirs
      ? "the currencies agree now: nothing to explain"
      : `neither ${ours} nor ${theirs} alone is the instrument's ${expected}`,
    evidence,
    {
      nextAction: `Confirm the currency of ${tradeId} with ${trade.desk} and ${trade.broker} (ours ${ours}, theirs ${theirs}, instrument ${expected})`,
    },
  );
}

function code(value: string): string {
  return value.replace(/\s+/g, "").toUpperCase();
}
