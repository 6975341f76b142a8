import { currencyPair, type Instrument } from "../model/index.ts";

/** How a quoted instrument id resolved: the instrument, and whether the quote was its inverse pair. */
export interface ResolvedInstrument {
  readonly instrument: Instrument;
  /** True when an FX confirmation quoted the pair the other way round (`USDEUR` for `EURUSD`). */
  readonly inverted: boolean;
}

/**
 * Finds an instrument by any id a broker may quote for it: its own id, its `altIds`, the CUSIP
 * inside a North American ISIN (characters 3–11) or the SEDOL inside a UK ISIN (`GB00` + 7), and,
 * for FX, the pair written any way (`EUR/USD`, `eurusd`) or inverted.
 *
 * @example
 * const index = new InstrumentIndex(day.instruments);
 * index.resolve("912828YK0"); // the Treasury whose ISIN is US912828YK04
 * index.resolve("USD/EUR");   // { instrument: EURUSD, inverted: true }
 */
export class InstrumentIndex {
  private readonly byId = new Map<string, Instrument>();
  private readonly byPair = new Map<string, Instrument>();

  constructor(instruments: Iterable<Instrument>) {
    // Own ids first, so an alias never shadows another instrument's own id.
    const all = [...instruments];
    for (const instrument of all) this.byId.set(key(instrument.instrumentId), instrument);
    for (const instrument of all) {
      for (const alias of aliasesOf(instrument)) if (!this.byId.has(alias)) this.byId.set(alias, instrument);
      if (instrument.type === "FX_SPOT") {
        this.byPair.set(`${instrument.baseCurrency}${instrument.quoteCurrency}`, instrument);
        const pair = currencyPair(instrument.instrumentId);
        if (pair) this.byPair.set(pair, instrument);
      }
    }
  }

  /** The instrument a quoted id names, or `undefined` when none of ours does. */
  resolve(quotedId: string): ResolvedInstrument | undefined {
    const direct = this.byId.get(key(quotedId));
    if (direct) return { instrument: direct, inverted: false };
    const pair = currencyPair(quotedId);
    if (!pair) return undefined;
    const same = this.byPair.get(pair);
    if (same) return { instrument: same, inverted: false };
    const inverse = this.byPair.get(pair.slice(3) + pair.slice(0, 3));
    return inverse ? { instrument: inverse, inverted: true } : undefined;
  }

  /** Our instrument by any of its ids, never inverted: what a trade or a price may quote. */
  get(instrumentId: string): Instrument | undefined {
    const resolved = this.resolve(instrumentId);
    return resolved && !resolved.inverted ? resolved.instrument : undefined;
  }
}

function key(id: string): string {
  return id.replace(/\s+/g, "").toUpperCase();
}

/** Ids that name the same security: declared aliases and the national ids an ISIN embeds. */
function aliasesOf(instrument: Instrument): string[] {
  const aliases = (instrument.altIds ?? []).map(key);
  const id = key(instrument.instrumentId);
  if ((instrument.idType ?? "ISIN") === "ISIN" && /^[A-Z]{2}[A-Z0-9]{9}\d$/.test(id)) {
    // CUSIP-based ISINs (US, Canada, Bermuda, Cayman): country + 9-character CUSIP + check digit.
    if (/^(US|CA|BM|KY)/.test(id)) aliases.push(id.slice(2, 11));
    // UK ISINs: GB00 + 7-character SEDOL + check digit.
    if (id.startsWith("GB00")) aliases.push(id.slice(4, 11));
  }
  return aliases;
}
