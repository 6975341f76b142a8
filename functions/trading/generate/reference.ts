import {
  addBusinessDays,
  type CalendarSpec,
  calendarOf,
  conventionalSettleDate,
  latestBusinessDay,
  settlementConvention,
} from "../calendars/index.ts";
import { type Instrument, isUsTreasury, type MarketPrice } from "../model/index.ts";
import { alphanumeric, cusipOf, digits, isinOf, randomLei, randomSedol } from "./identifiers.ts";
import type { Random } from "./random.ts";

/**
 * The synthetic bank's static data: the instrument universe with its closes and price stamps,
 * brokers with their legal entities, LEIs and SSIs, and the desks, books and accounts. Drawn from
 * its own random streams, so it depends on the seed and the business date only, never on the
 * trade count (the thin instruments behind stale prices depend on how many are planned).
 */

/** Where a broker entity books: what decides which entity a trade faces. */
export type Region = "US" | "UK" | "EU" | "JP";

export interface BrokerEntity {
  readonly name: string;
  readonly lei: string;
  readonly region: Region;
  /** Standing settlement instructions by currency: the one in force and the one it replaced. */
  readonly ssis: Readonly<Record<string, { readonly current: string; readonly previous: string }>>;
}

export interface Broker {
  readonly code: string;
  readonly name: string;
  /** How its confirmations of securities reach us; FX always comes by SWIFT MT300. */
  readonly channel: string;
  /** Whether its confirmations state the counterparty's name beside the LEI. */
  readonly sendsName: boolean;
  readonly entities: readonly BrokerEntity[];
  /** Relative share of the day's flow. */
  readonly weight: number;
}

export interface Book {
  readonly desk: string;
  readonly book: string;
  readonly accounts: readonly string[];
}

/** An instrument with what the generator needs to trade and price it. */
export interface Listing {
  readonly instrument: Instrument;
  /** The reference close the day's executions scatter around. */
  readonly close: number;
  /** Decimals our bookings quote it in (US Treasuries: on a 1/64 grid instead). */
  readonly decimals: number;
  readonly treasury: boolean;
  readonly calendar: CalendarSpec;
  /** The conventional settle date of a trade on the business date. */
  readonly settleDate: string;
  /** The settle date a broker would get by counting weekends only (differs across a local holiday). */
  readonly naiveSettleDate: string;
  /** The latest business day of its calendar on or before the business date. */
  readonly latestClose: string;
  /** Its price record; absent when the feed has none. */
  readonly price?: MarketPrice;
  /** Books that may hold it. */
  readonly books: readonly Book[];
  /** Relative share of the day's regular flow (0 = only ever traded by a design). */
  readonly weight: number;
  /** Regular lot: quantities of regular trades are multiples of it; designed ones never are. */
  readonly step: number;
  /** Finest quantity increment of a designed trade. */
  readonly unit: number;
  /** How a broker may quote it instead of its own id (`CUSIP`, `SEDOL`, `TICKER`, `PAIR`). */
  readonly aliases: Readonly<Record<string, string>>;
  /** The price is stamped in the market's late evening, so its UTC instant falls on the next day. */
  readonly lateStamp: boolean;
  /** Business days the price is older than the latest close (0 = fresh). */
  readonly staleDays: number;
}

export interface Universe {
  readonly businessDate: string;
  readonly listings: readonly Listing[];
  /** The regular universe (what regular trades draw from). */
  readonly tradable: readonly Listing[];
  /** Thin instruments for stale-price breaks, one per planned break, in plan order. */
  readonly staleListings: readonly Listing[];
  /** Thin instruments for the stale-price traps, one per planned trap, in plan order. */
  readonly staleTrapListings: readonly Listing[];
  readonly brokers: readonly Broker[];
  readonly books: readonly Book[];
  /** Accounts of other firms at our brokers: confirmations for them are not ours. */
  readonly foreignAccounts: readonly string[];
}

const BROKERS: readonly { code: string; name: string; regions: Region[]; weight: number }[] = [
  { code: "NBS", name: "Northbridge Securities", regions: ["US", "UK", "EU", "JP"], weight: 14 },
  { code: "HLP", name: "Halden & Pryce", regions: ["US", "UK", "EU"], weight: 12 },
  { code: "MCM", name: "Meridian Capital Markets", regions: ["US", "UK", "JP"], weight: 11 },
  { code: "OAK", name: "Oakmont Brokerage", regions: ["US", "UK"], weight: 8 },
  { code: "CSP", name: "Castellan Prime", regions: ["US", "UK", "EU"], weight: 10 },
  { code: "BWX", name: "Bluewater Execution", regions: ["US", "UK"], weight: 7 },
  { code: "KGM", name: "Kestrel Global Markets", regions: ["US", "UK", "EU", "JP"], weight: 12 },
  { code: "ALD", name: "Aldgate Partners", regions: ["UK", "EU"], weight: 6 },
  { code: "SND", name: "Sundial Securities", regions: ["US", "UK", "JP"], weight: 9 },
  { code: "TAM", name: "Tamarind Capital", regions: ["US", "UK", "EU"], weight: 7 },
];
const ENTITY_SUFFIX: Record<Region, string> = {
  US: "LLC",
  UK: "International plc",
  EU: "Europe SE",
  JP: "Japan Co., Ltd.",
};
/** LEI prefixes of the local operating units that issue in each region. */
const LOU_PREFIX: Record<Region, string> = { US: "5493", UK: "2138", EU: "5299", JP: "3538" };
const CHANNELS = ["SWIFT MT515", "CTM", "FIX", "SWIFT MT518", "email", "portal"];
const SETTLEMENT_CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CHF", "CAD"];

const BOOKS: readonly { desk: string; book: string }[] = [
  { desk: "EQUITIES", book: "EQ-CASH-AMER" },
  { desk: "EQUITIES", book: "EQ-CASH-EMEA" },
  { desk: "EQUITIES", book: "EQ-CASH-APAC" },
  { desk: "EQUITIES", book: "EQ-DELTA-ONE" },
  { desk: "RATES", book: "RATES-USD" },
  { desk: "RATES", book: "RATES-EUROPE" },
  { desk: "RATES", book: "RATES-JGB" },
  { desk: "CREDIT", book: "CREDIT-IG-USD" },
  { desk: "CREDIT", book: "CREDIT-IG-EUROPE" },
  { desk: "FX", book: "FX-SPOT-G10" },
  { desk: "FX", book: "FX-SPOT-ASIA" },
  { desk: "MACRO", book: "MACRO-GLOBAL" },
];

interface EquityTemplate {
  name: string;
  ticker: string;
  mic: string;
  country: string;
  currency: string;
  low: number;
  high: number;
}

const EQUITIES: readonly EquityTemplate[] = [
  {
    name: "Harborview Industries Inc",
    ticker: "HBVI.N",
    mic: "XNYS",
    country: "US",
    currency: "USD",
    low: 40,
    high: 180,
  },
  {
    name: "Calder Energy Corp",
    ticker: "CLDR.N",
    mic: "XNYS",
    country: "US",
    currency: "USD",
    low: 60,
    high: 140,
  },
  {
    name: "Pinecrest Financial Group Inc",
    ticker: "PCFG.N",
    mic: "XNYS",
    country: "US",
    currency: "USD",
    low: 20,
    high: 90,
  },
  {
    name: "Lumen Arc Systems Inc",
    ticker: "LMAR.OQ",
    mic: "XNAS",
    country: "US",
    currency: "USD",
    low: 150,
    high: 420,
  },
  {
    name: "Quillon Therapeutics Inc",
    ticker: "QLTX.OQ",
    mic: "XNAS",
    country: "US",
    currency: "USD",
    low: 8,
    high: 45,
  },
  {
    name: "Marlow & Finch plc",
    ticker: "MFIN.L",
    mic: "XLON",
    country: "GB",
    currency: "GBP",
    low: 2,
    high: 14,
  },
  {
    name: "Ravensworth Mining plc",
    ticker: "RVSM.L",
    mic: "XLON",
    country: "GB",
    currency: "GBP",
    low: 15,
    high: 48,
  },
  {
    name: "Kessler Automobilwerke AG",
    ticker: "KSAW.DE",
    mic: "XETR",
    country: "DE",
    currency: "EUR",
    low: 55,
    high: 130,
  },
  {
    name: "Rheinfeld Chemie AG",
    ticker: "RHCH.DE",
    mic: "XETR",
    country: "DE",
    currency: "EUR",
    low: 30,
    high: 85,
  },
  {
    name: "Societe Lumiere SA",
    ticker: "SLUM.PA",
    mic: "XPAR",
    country: "FR",
    currency: "EUR",
    low: 70,
    high: 210,
  },
  {
    name: "Vanderhoek Logistics NV",
    ticker: "VDHL.AS",
    mic: "XAMS",
    country: "NL",
    currency: "EUR",
    low: 18,
    high: 60,
  },
  {
    name: "Kuroda Precision Co Ltd",
    ticker: "6291.T",
    mic: "XTKS",
    country: "JP",
    currency: "JPY",
    low: 1800,
    high: 6500,
  },
  {
    name: "Hoshino Electric Corp",
    ticker: "6874.T",
    mic: "XTKS",
    country: "JP",
    currency: "JPY",
    low: 700,
    high: 2400,
  },
  {
    name: "Alpenrose Pharma AG",
    ticker: "ALPR.S",
    mic: "XSWX",
    country: "CH",
    currency: "CHF",
    low: 120,
    high: 320,
  },
  {
    name: "Zugerberg Insurance AG",
    ticker: "ZGBI.S",
    mic: "XSWX",
    country: "CH",
    currency: "CHF",
    low: 240,
    high: 560,
  },
  {
    name: "Northern Cedar Resources Ltd",
    ticker: "NCRL.TO",
    mic: "XTSE",
    country: "CA",
    currency: "CAD",
    low: 12,
    high: 75,
  },
];

/** Small caps and odd issues for the stale-price cases: each traded only where a case puts it. */
const THIN_EQUITIES: readonly EquityTemplate[] = [
  {
    name: "Brackenridge Tools Inc",
    ticker: "BRKT.N",
    mic: "XNYS",
    country: "US",
    currency: "USD",
    low: 4,
    high: 19,
  },
  {
    name: "Ottery Brewing plc",
    ticker: "OTBR.L",
    mic: "XLON",
    country: "GB",
    currency: "GBP",
    low: 1,
    high: 4,
  },
  {
    name: "Sagami Textile Co Ltd",
    ticker: "3582.T",
    mic: "XTKS",
    country: "JP",
    currency: "JPY",
    low: 300,
    high: 900,
  },
  {
    name: "Emmental Robotik AG",
    ticker: "EMRB.S",
    mic: "XSWX",
    country: "CH",
    currency: "CHF",
    low: 14,
    high: 40,
  },
  {
    name: "Lindqvist Medizintechnik AG",
    ticker: "LQMT.DE",
    mic: "XETR",
    country: "DE",
    currency: "EUR",
    low: 6,
    high: 22,
  },
  {
    name: "Prairie Lantern Energy Ltd",
    ticker: "PLEN.TO",
    mic: "XTSE",
    country: "CA",
    currency: "CAD",
    low: 2,
    high: 9,
  },
];

const FX_PAIRS: readonly { base: string; quote: string; rate: number; weight: number }[] = [
  { base: "EUR", quote: "USD", rate: 1.0842, weight: 5 },
  { base: "USD", quote: "JPY", rate: 154.32, weight: 5 },
  { base: "GBP", quote: "USD", rate: 1.2718, weight: 4 },
  { base: "USD", quote: "CHF", rate: 0.8817, weight: 3 },
  { base: "USD", quote: "CAD", rate: 1.3964, weight: 3 },
  { base: "EUR", quote: "JPY", rate: 167.31, weight: 3 },
  { base: "EUR", quote: "GBP", rate: 0.8526, weight: 2 },
  { base: "EUR", quote: "CHF", rate: 0.9558, weight: 2 },
];

/** The market's own time zone and the evening time its closing prices are stamped at. */
const ZONES: Readonly<Record<string, { zone: string; time: string }>> = {
  XNYS: { zone: "America/New_York", time: "17:30:00" },
  XNAS: { zone: "America/New_York", time: "17:30:00" },
  XTSE: { zone: "America/Toronto", time: "17:15:00" },
  XLON: { zone: "Europe/London", time: "17:10:00" },
  XETR: { zone: "Europe/Berlin", time: "17:45:00" },
  XPAR: { zone: "Europe/Paris", time: "17:45:00" },
  XAMS: { zone: "Europe/Amsterdam", time: "17:45:00" },
  XSWX: { zone: "Europe/Zurich", time: "17:40:00" },
  XTKS: { zone: "Asia/Tokyo", time: "18:00:00" },
  USD: { zone: "America/New_York", time: "17:00:00" },
  CAD: { zone: "America/Toronto", time: "17:00:00" },
  GBP: { zone: "Europe/London", time: "17:30:00" },
  EUR: { zone: "Europe/Berlin", time: "17:30:00" },
  CHF: { zone: "Europe/Zurich", time: "17:30:00" },
  JPY: { zone: "Asia/Tokyo", time: "18:00:00" },
  FX: { zone: "America/New_York", time: "17:00:00" },
};
/** A late stamp: the local date is the close's, the UTC instant already the next day. */
const LATE_TIME = "20:30:00";

/** What a new listing needs besides its instrument. */
interface ListingDraft {
  instrument: Instrument;
  close: number;
  decimals: number;
  books: string[];
  weight: number;
  step: number;
  unit: number;
  aliases: Record<string, string>;
  stamp: { zone: string; time: string };
  lateStamp?: boolean;
  staleDays?: number;
  noPrice?: boolean;
}

/** What stale-price cases need from the thin instruments, in plan order. */
export interface ThinPlan {
  /** Per stale-price break: the variant's market and how many business days old its price is. */
  readonly stale: readonly ThinSpec[];
  /** Per stale-price trap. */
  readonly traps: readonly ThinSpec[];
}

export interface ThinSpec {
  /** Index into the thin templates: `0` US, `1` UK, `2` Japan, `3` Switzerland, `4` Germany, `5` Canada, `bond:EUR`… */
  readonly market: string;
  readonly staleDays: number;
  readonly lateStamp?: boolean;
  readonly noPrice?: boolean;
}

/**
 * Builds the universe for a seed and business date.
 *
 * @example
 * const universe = buildUniverse(seededRandom(42, "universe"), "2026-11-24", { stale: [], traps: [] });
 * universe.tradable.length; // 41
 */
export function buildUniverse(rng: Random, businessDate: string, thin: ThinPlan): Universe {
  const year = Number(businessDate.slice(0, 4));
  const issued = new Set<string>();
  const books = BOOKS.map((b, i) => ({
    ...b,
    accounts: Array.from({ length: 2 + (i % 2) }, () => uniqueAccount(rng, issued)),
  }));
  const foreignAccounts = Array.from({ length: 4 }, () => uniqueAccount(rng, issued));
  const brokers = BROKERS.map((b): Broker => {
    const entities = b.regions.map((region): BrokerEntity => {
      const ssis: Record<string, { current: string; previous: string }> = {};
      for (const currency of SETTLEMENT_CURRENCIES) {
        const current = `${b.code}-${currency}-${digits(rng, 4)}`;
        let previous = current;
        while (previous === current) previous = `${b.code}-${currency}-${digits(rng, 4)}`;
        ssis[currency] = { current, previous };
      }
      return {
        name: `${b.name} ${ENTITY_SUFFIX[region]}`,
        lei: randomLei(rng, LOU_PREFIX[region]),
        region,
        ssis,
      };
    });
    return {
      code: b.code,
      name: b.name,
      channel: rng.pick(CHANNELS),
      sendsName: rng.chance(0.8),
      entities,
      weight: b.weight,
    };
  });

  const drafts: ListingDraft[] = [];
  const usCusipIssuers: string[] = [];
  EQUITIES.forEach((template, i) => {
    const draft = equityDraft(rng, template, issued, 1);
    if (template.country === "US") usCusipIssuers.push((draft.aliases.CUSIP as string).slice(0, 6));
    // Two regular listings carry late-evening stamps: dated by the close, in UTC the next day.
    if (i === 0) draft.lateStamp = true;
    drafts.push(draft);
  });
  drafts.push(...governmentDrafts(rng, year, issued));
  drafts.push(...corporateDrafts(rng, year, issued, usCusipIssuers));
  for (const pair of FX_PAIRS) {
    const id = `${pair.base}${pair.quote}`;
    const decimals = pair.quote === "JPY" ? 3 : 5;
    drafts.push({
      instrument: {
        instrumentId: id,
        idType: "CCY_PAIR",
        altIds: [`${pair.base}/${pair.quote}`],
        description: `${pair.base}/${pair.quote} spot`,
        currency: pair.quote,
        type: "FX_SPOT",
        baseCurrency: pair.base,
        quoteCurrency: pair.quote,
      },
      close: round(pair.rate * (1 + rng.between(-0.01, 0.01)), decimals),
      decimals,
      books:
        pair.quote === "JPY"
          ? ["FX-SPOT-G10", "FX-SPOT-ASIA", "MACRO-GLOBAL"]
          : ["FX-SPOT-G10", "MACRO-GLOBAL"],
      weight: pair.weight * 1.2,
      step: 100_000,
      unit: 1_000,
      aliases: { PAIR: `${pair.base}/${pair.quote}` },
      stamp: ZONES.FX as { zone: string; time: string },
      lateStamp: id === "USDCAD",
    });
  }

  // Drawn last, so that the regular universe does not depend on how many are planned.
  const lines = new Map<string, number>();
  const thinOf = (spec: ThinSpec, index: number) => {
    const line = lines.get(spec.market) ?? 0;
    lines.set(spec.market, line + 1);
    return thinDraft(rng, spec, index, line, issued, year);
  };
  const staleDrafts = thin.stale.map((spec, i) => thinOf(spec, i));
  const trapDrafts = thin.traps.map((spec, i) => thinOf(spec, thin.stale.length + i));

  const bookByName = new Map(books.map((b) => [b.book, b]));
  const finish = (draft: ListingDraft): Listing => finishListing(draft, businessDate, bookByName);
  const tradable = drafts.map(finish);
  const staleListings = staleDrafts.map(finish);
  const staleTrapListings = trapDrafts.map(finish);
  return {
    businessDate,
    listings: [...tradable, ...staleListings, ...staleTrapListings],
    tradable,
    staleListings,
    staleTrapListings,
    brokers,
    books,
    foreignAccounts,
  };
}

function finishListing(draft: ListingDraft, businessDate: string, books: ReadonlyMap<string, Book>): Listing {
  const { instrument } = draft;
  const calendar = calendarOf(instrument);
  const latestClose = latestBusinessDay(calendar, businessDate);
  const staleDays = draft.staleDays ?? 0;
  const priceDate = staleDays > 0 ? addBusinessDays(calendar, latestClose, -staleDays) : latestClose;
  const convention = settlementConvention(instrument, businessDate);
  const lateStamp = draft.lateStamp ?? false;
  const price: MarketPrice | undefined = draft.noPrice
    ? undefined
    : {
        instrumentId: instrument.instrumentId,
        // A stale price is an older close: a little away from today's.
        price:
          staleDays > 0
            ? roundPrice(draft.close * (1 - 0.004 * staleDays), draft.decimals, isUsTreasury(instrument))
            : draft.close,
        currency: instrument.currency,
        asOf: localStamp(priceDate, lateStamp ? LATE_TIME : draft.stamp.time, draft.stamp.zone),
        source: sourceOf(instrument),
      };
  return {
    instrument,
    close: draft.close,
    decimals: draft.decimals,
    treasury: isUsTreasury(instrument),
    calendar,
    settleDate: conventionalSettleDate(instrument, businessDate),
    naiveSettleDate: addBusinessDays("WEEKENDS", businessDate, convention.lagDays),
    latestClose,
    ...(price ? { price } : {}),
    books: draft.books.map((name) => {
      const book = books.get(name);
      if (!book) throw new RangeError(`no book ${name}`);
      return book;
    }),
    weight: draft.weight,
    step: draft.step,
    unit: draft.unit,
    aliases: draft.aliases,
    lateStamp,
    staleDays,
  };
}

function sourceOf(instrument: Instrument): string {
  switch (instrument.type) {
    case "EQUITY":
      return "EXCHANGE-CLOSE";
    case "GOVT_BOND":
      return "BOND-COMPOSITE-EOD";
    case "CORP_BOND":
      return "BOND-EVALUATED-EOD";
    case "FX_SPOT":
      return "FX-FIX-NY-1700";
  }
}

function equityDraft(rng: Random, t: EquityTemplate, issued: Set<string>, weight: number): ListingDraft {
  const aliases: Record<string, string> = { TICKER: t.ticker };
  let isin: string;
  switch (t.country) {
    case "US":
    case "CA": {
      const cusip = unique(issued, () => cusipOf(`${digits(rng, 3)}${alphanumeric(rng, 3)}`, "10"));
      aliases.CUSIP = cusip;
      isin = isinOf(t.country, cusip);
      break;
    }
    case "GB": {
      const sedol = unique(issued, () => randomSedol(rng));
      aliases.SEDOL = sedol;
      isin = isinOf("GB", `00${sedol}`);
      break;
    }
    case "DE":
      isin = isinOf("DE", `000${alphanumeric(rng, 6)}`);
      break;
    case "FR":
      isin = isinOf("FR", `0000${digits(rng, 5)}`);
      break;
    case "NL":
      isin = isinOf("NL", `00${digits(rng, 7)}`);
      break;
    case "JP":
      isin = isinOf("JP", `3${t.ticker.slice(0, 4)}0000`);
      break;
    default:
      isin = isinOf(t.country, `00${digits(rng, 7)}`);
  }
  issued.add(isin);
  const decimals = t.currency === "JPY" ? 0 : t.currency === "GBP" ? 3 : 2;
  const books =
    t.country === "US" || t.country === "CA"
      ? ["EQ-CASH-AMER", "EQ-DELTA-ONE"]
      : t.country === "JP"
        ? ["EQ-CASH-APAC", "EQ-DELTA-ONE"]
        : ["EQ-CASH-EMEA", "EQ-DELTA-ONE"];
  const stamp = ZONES[t.mic] as { zone: string; time: string };
  return {
    instrument: {
      instrumentId: isin,
      idType: "ISIN",
      altIds: Object.values(aliases),
      description: t.name,
      currency: t.currency,
      type: "EQUITY",
      mic: t.mic,
    },
    close: round(rng.between(t.low, t.high), decimals),
    decimals,
    books,
    weight,
    step: 100,
    unit: 1,
    aliases,
    stamp,
  };
}

function governmentDrafts(rng: Random, year: number, issued: Set<string>): ListingDraft[] {
  const drafts: ListingDraft[] = [];
  const treasuries = [
    { prefix: "91282C", coupon: 3.875, tenor: 2, months: "11-30" },
    { prefix: "91282C", coupon: 4.125, tenor: 10, months: "11-15" },
    { prefix: "912810", coupon: 4.625, tenor: 30, months: "11-15" },
  ];
  for (const t of treasuries) {
    const cusip = unique(issued, () => cusipOf(t.prefix, alphanumeric(rng, 2)));
    const maturity = `${year + t.tenor}-${t.months}`;
    drafts.push(
      bondDraft(rng, {
        id: isinOf("US", cusip),
        aliases: { CUSIP: cusip },
        type: "GOVT_BOND",
        currency: "USD",
        issuer: "United States Treasury",
        country: "US",
        coupon: t.coupon,
        maturity,
        description: `T ${t.coupon} ${maturity}`,
        books: ["RATES-USD", "MACRO-GLOBAL"],
        weight: 1.6,
      }),
    );
  }
  const others: {
    country: string;
    currency: string;
    issuer: string;
    coupon: number;
    tenor: number;
    books: string[];
    isin: () => { id: string; aliases: Record<string, string> };
  }[] = [
    {
      country: "GB",
      currency: "GBP",
      issuer: "United Kingdom Gilt",
      coupon: 4.25,
      tenor: 8,
      books: ["RATES-EUROPE", "MACRO-GLOBAL"],
      isin: () => {
        const sedol = randomSedol(rng);
        return { id: isinOf("GB", `00${sedol}`), aliases: { SEDOL: sedol } };
      },
    },
    {
      country: "GB",
      currency: "GBP",
      issuer: "United Kingdom Gilt",
      coupon: 1.75,
      tenor: 31,
      books: ["RATES-EUROPE"],
      isin: () => {
        const sedol = randomSedol(rng);
        return { id: isinOf("GB", `00${sedol}`), aliases: { SEDOL: sedol } };
      },
    },
    ...[2.6, 2.1].map((coupon, i) => ({
      country: "DE",
      currency: "EUR",
      issuer: "Bundesrepublik Deutschland",
      coupon,
      tenor: i === 0 ? 10 : 5,
      books: ["RATES-EUROPE", "MACRO-GLOBAL"],
      isin: () => ({ id: isinOf("DE", `0001102${digits(rng, 2)}`), aliases: {} }),
    })),
    ...[0.9, 1.7].map((coupon, i) => ({
      country: "JP",
      currency: "JPY",
      issuer: "Japan Government",
      coupon,
      tenor: i === 0 ? 10 : 20,
      books: ["RATES-JGB", "MACRO-GLOBAL"],
      isin: () => ({ id: isinOf("JP", `1${digits(rng, 6)}${alphanumeric(rng, 2)}`), aliases: {} }),
    })),
    {
      country: "CA",
      currency: "CAD",
      issuer: "Government of Canada",
      coupon: 3.25,
      tenor: 7,
      books: ["RATES-USD", "MACRO-GLOBAL"],
      isin: () => {
        const cusip = cusipOf("135087", alphanumeric(rng, 2));
        return { id: isinOf("CA", cusip), aliases: { CUSIP: cusip } };
      },
    },
    {
      country: "CH",
      currency: "CHF",
      issuer: "Swiss Confederation",
      coupon: 1.5,
      tenor: 12,
      books: ["RATES-EUROPE"],
      isin: () => ({ id: isinOf("CH", `00${digits(rng, 7)}`), aliases: {} }),
    },
  ];
  for (const o of others) {
    let drawn = o.isin();
    while (issued.has(drawn.id)) drawn = o.isin();
    issued.add(drawn.id);
    const maturity = `${year + o.tenor}-${o.country === "GB" ? "07-31" : "08-15"}`;
    drafts.push(
      bondDraft(rng, {
        id: drawn.id,
        aliases: drawn.aliases,
        type: "GOVT_BOND",
        currency: o.currency,
        issuer: o.issuer,
        country: o.country,
        coupon: o.coupon,
        maturity,
        description: `${o.issuer} ${o.coupon}% ${maturity}`,
        books: o.books,
        weight: 0.9,
      }),
    );
  }
  return drafts;
}

function corporateDrafts(
  rng: Random,
  year: number,
  issued: Set<string>,
  usIssuers: readonly string[],
): ListingDraft[] {
  const corporates = [
    {
      issuer: "Harborview Industries Inc",
      currency: "USD",
      coupon: 5.2,
      tenor: 7,
      cusipIssuer: usIssuers[0],
    },
    { issuer: "Lumen Arc Systems Inc", currency: "USD", coupon: 4.75, tenor: 10, cusipIssuer: usIssuers[3] },
    { issuer: "Kessler Automobilwerke Finance BV", currency: "EUR", coupon: 3.375, tenor: 5 },
    { issuer: "Societe Lumiere SA", currency: "EUR", coupon: 3.0, tenor: 8 },
    { issuer: "Marlow & Finch plc", currency: "GBP", coupon: 5.625, tenor: 6 },
    { issuer: "Alpenrose Pharma AG", currency: "CHF", coupon: 1.875, tenor: 9 },
  ];
  return corporates.map((c) => {
    let id: string;
    const aliases: Record<string, string> = {};
    if (c.currency === "USD" && c.cusipIssuer) {
      const cusip = unique(issued, () => cusipOf(c.cusipIssuer as string, `A${alphanumeric(rng, 1)}`));
      aliases.CUSIP = cusip;
      id = isinOf("US", cusip);
    } else if (c.currency === "CHF") {
      id = unique(issued, () => isinOf("CH", `1${digits(rng, 8)}`));
    } else {
      id = unique(issued, () => isinOf("XS", `2${digits(rng, 8)}`));
    }
    const maturity = `${year + c.tenor}-0${rng.int(1, 9)}-15`;
    return bondDraft(rng, {
      id,
      aliases,
      type: "CORP_BOND",
      currency: c.currency,
      issuer: c.issuer,
      coupon: c.coupon,
      maturity,
      description: `${c.issuer} ${c.coupon}% ${maturity}`,
      books: c.currency === "USD" ? ["CREDIT-IG-USD"] : ["CREDIT-IG-EUROPE"],
      weight: 0.6,
    });
  });
}

function bondDraft(
  rng: Random,
  b: {
    id: string;
    aliases: Record<string, string>;
    type: "GOVT_BOND" | "CORP_BOND";
    currency: string;
    issuer: string;
    country?: string;
    coupon: number;
    maturity: string;
    description: string;
    books: string[];
    weight: number;
  },
): ListingDraft {
  const instrument: Instrument = {
    instrumentId: b.id,
    idType: "ISIN",
    ...(Object.keys(b.aliases).length > 0 ? { altIds: Object.values(b.aliases) } : {}),
    description: b.description,
    currency: b.currency,
    type: b.type,
    issuer: b.issuer,
    coupon: b.coupon,
    maturity: b.maturity,
    ...(b.country ? { country: b.country } : {}),
  };
  const treasury = isUsTreasury(instrument);
  const stamp = ZONES[b.currency] as { zone: string; time: string };
  return {
    instrument,
    close: roundPrice(100 + rng.between(-7, 4), 3, treasury),
    decimals: 3,
    books: b.books,
    weight: b.weight,
    step: 50_000,
    unit: 1_000,
    aliases: b.aliases,
    stamp,
  };
}

/** A thin instrument; `line` counts earlier ones on the same market (each a share class of its own). */
function thinDraft(
  rng: Random,
  spec: ThinSpec,
  index: number,
  line: number,
  issued: Set<string>,
  year: number,
): ListingDraft {
  if (spec.market.startsWith("bond:")) {
    const currency = spec.market.slice(5);
    const issuer = `${["Greyfriars", "Osterlund", "Bellweather", "Quayside"][index % 4]} Capital Funding ${index + 1}`;
    const cusipIssuer = `${digits(rng, 3)}${alphanumeric(rng, 3)}`;
    let id: string;
    const aliases: Record<string, string> = {};
    if (currency === "USD") {
      const cusip = unique(issued, () => cusipOf(cusipIssuer, `A${alphanumeric(rng, 1)}`));
      aliases.CUSIP = cusip;
      id = isinOf("US", cusip);
    } else {
      id = unique(issued, () => isinOf("XS", `1${digits(rng, 8)}`));
    }
    const maturity = `${year + 3 + (index % 5)}-06-30`;
    const draft = bondDraft(rng, {
      id,
      aliases,
      type: "CORP_BOND",
      currency,
      issuer,
      coupon: 6.5,
      maturity,
      description: `${issuer} 6.5% ${maturity}`,
      books: currency === "USD" ? ["CREDIT-IG-USD"] : ["CREDIT-IG-EUROPE"],
      weight: 0,
    });
    return { ...draft, ...thinFlags(spec) };
  }
  const template = THIN_EQUITIES[Number(spec.market)] as EquityTemplate;
  const [symbol, suffix] = template.ticker.split(".") as [string, string];
  const letter = "BCDEFGHJKLMNPQRSTVWXYZ".charAt((line - 1) % 22);
  const ticker =
    template.country === "JP"
      ? `${3500 + index}.T` // a Japanese ISIN embeds the code: each line needs its own
      : line === 0
        ? template.ticker
        : `${symbol}${letter}.${suffix}`;
  const name = line === 0 ? template.name : `${template.name} Class ${letter}`;
  const draft = equityDraft(rng, { ...template, name, ticker }, issued, 0);
  return { ...draft, ...thinFlags(spec) };
}

function thinFlags(spec: ThinSpec): Partial<ListingDraft> {
  return {
    staleDays: spec.staleDays,
    lateStamp: spec.lateStamp ?? false,
    noPrice: spec.noPrice ?? false,
    weight: 0,
  };
}

function uniqueAccount(rng: Random, issued: Set<string>): string {
  return unique(issued, () => `ACC-${rng.int(10_000, 99_999)}`);
}

function unique(issued: Set<string>, draw: () => string): string {
  for (;;) {
    const value = draw();
    if (!issued.has(value)) {
      issued.add(value);
      return value;
    }
  }
}

/** `value` rounded half away from zero to `decimals` places. */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** A price on the instrument's grid: a Treasury's 1/64, else `decimals` places. */
export function roundPrice(value: number, decimals: number, treasury: boolean): number {
  return treasury ? Math.round(value * 64) / 64 : round(value, decimals);
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC, in minutes, at an instant. */
function offsetMinutes(timeZone: string, utcMs: number): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    offsetFormats.set(timeZone, format);
  }
  const name = format.formatToParts(new Date(utcMs)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === "-" ? -minutes : minutes;
}

/**
 * A local wall-clock time as an ISO 8601 timestamp with the zone's offset on that date: the date
 * as written is the market's own.
 *
 * @example
 * localStamp("2026-11-24", "17:30:00", "America/New_York"); // "2026-11-24T17:30:00-05:00"
 */
export function localStamp(date: string, time: string, timeZone: string): string {
  const naive = Date.parse(`${date}T${time}Z`);
  let offset = offsetMinutes(timeZone, naive);
  offset = offsetMinutes(timeZone, naive - offset * 60_000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${date}T${time}${sign}${hh}:${mm}`;
}

/** The region whose entity of a broker faces a trade in this currency. */
export function regionOf(currency: string): Region {
  switch (currency) {
    case "USD":
    case "CAD":
      return "US";
    case "GBP":
      return "UK";
    case "JPY":
      return "JP";
    default:
      return "EU";
  }
}

/** The broker's entity for a currency: its local one, else its London one, else its first. */
export function entityFor(broker: Broker, currency: string): BrokerEntity {
  const region = regionOf(currency);
  return (
    broker.entities.find((e) => e.region === region) ??
    broker.entities.find((e) => e.region === "UK") ??
    (broker.entities[0] as BrokerEntity)
  );
}
