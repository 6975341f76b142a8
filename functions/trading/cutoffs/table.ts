import type { CalendarId } from "../calendars/index.ts";
import type { InstrumentType } from "../model/index.ts";

/** The day a cut-off falls on: the trade date (same-day affirmation) or the settlement date. */
export type CutoffAnchor = "trade-date" | "settle-date";

/** How the trade settles: delivery versus payment at a CSD, through CLS, or FX paid gross. */
export type SettlementType = "DVP" | "CLS" | "FX_GROSS";

/** Which trades a cut-off is for: every field stated must match. */
export interface CutoffMatch {
  readonly type?: InstrumentType;
  readonly settlementType: SettlementType;
  /** Securities: the instrument's calendar (`calendarOf`: an equity's venue, a bond's currency). */
  readonly calendar?: CalendarId;
  /** GOVT_BOND: a US Treasury (settles on Fedwire, not at DTC). */
  readonly usTreasury?: boolean;
}

/** One row of the cut-off table: the last moment an exception can be fixed and still settle on time. */
export interface CutoffRow {
  readonly id: string;
  /** For people: what closes and where. */
  readonly name: string;
  readonly match: CutoffMatch;
  readonly anchor: CutoffAnchor;
  /** Wall-clock time, `HH:MM`, in {@link CutoffRow.zone}. */
  readonly time: string;
  /** IANA time zone the time is stated in. */
  readonly zone: string;
}

/** Currencies CLS settles: an FX trade in two of them settles there, else it is paid gross. */
export const CLS_CURRENCIES: ReadonlySet<string> = new Set([
  "AUD",
  "CAD",
  "CHF",
  "DKK",
  "EUR",
  "GBP",
  "HKD",
  "HUF",
  "ILS",
  "JPY",
  "KRW",
  "MXN",
  "NOK",
  "NZD",
  "SEK",
  "SGD",
  "USD",
  "ZAR",
]);

/** The zone of each calendar's market: where a cut-off without a row of its own is stated. */
export const CALENDAR_ZONES: Readonly<Record<CalendarId, string>> = {
  US: "America/New_York",
  XNYS: "America/New_York",
  US_BONDS: "America/New_York",
  UK: "Europe/London",
  TARGET: "Europe/Berlin",
  JP: "Asia/Tokyo",
  CH: "Europe/Zurich",
  CA: "America/Toronto",
  WEEKENDS: "UTC",
};

/**
 * The cut-offs, as data: a trade's row is the first whose `match` fits. These are the defaults a
 * middle office starts from — the published deadlines of each market's CSD, payment system or
 * CLS as commonly operated — and reviews with its custodians; changing one is editing a row.
 * A securities trade with no row of its market falls to {@link DEFAULT_SECURITIES_CUTOFF}.
 */
export const CUTOFFS: readonly CutoffRow[] = [
  // Under T+1 a US trade must be affirmed on trade date to make the night settlement cycle.
  {
    id: "US_DTC_AFFIRMATION",
    name: "DTC same-day affirmation (US equities and corporate bonds)",
    match: { settlementType: "DVP", calendar: "XNYS" },
    anchor: "trade-date",
    time: "21:00",
    zone: "America/New_York",
  },
  {
    id: "US_FEDWIRE_SECURITIES",
    name: "Fedwire Securities transfers (US Treasuries)",
    match: { type: "GOVT_BOND", settlementType: "DVP", usTreasury: true },
    anchor: "settle-date",
    time: "15:00",
    zone: "America/New_York",
  },
  {
    id: "US_DTC_AFFIRMATION_BONDS",
    name: "DTC same-day affirmation (US dollar corporate bonds)",
    match: { type: "CORP_BOND", settlementType: "DVP", calendar: "US_BONDS" },
    anchor: "trade-date",
    time: "21:00",
    zone: "America/New_York",
  },
  {
    id: "CA_CDS_MATCHING",
    name: "CDS institutional trade matching (Canada)",
    match: { settlementType: "DVP", calendar: "CA" },
    anchor: "settle-date",
    time: "03:59",
    zone: "America/Toronto",
  },
  {
    id: "UK_CREST_DVP",
    name: "CREST DvP settlement (UK)",
    match: { settlementType: "DVP", calendar: "UK" },
    anchor: "settle-date",
    time: "14:55",
    zone: "Europe/London",
  },
  {
    id: "EU_T2S_DVP",
    name: "T2S DvP settlement (euro area)",
    match: { settlementType: "DVP", calendar: "TARGET" },
    anchor: "settle-date",
    time: "16:00",
    zone: "Europe/Berlin",
  },
  {
    id: "CH_SIX_SIS_DVP",
    name: "SIX SIS DvP settlement (Switzerland)",
    match: { settlementType: "DVP", calendar: "CH" },
    anchor: "settle-date",
    time: "16:00",
    zone: "Europe/Zurich",
  },
  {
    id: "JP_JASDEC_DVP",
    name: "JASDEC DvP settlement (Japan)",
    match: { settlementType: "DVP", calendar: "JP" },
    anchor: "settle-date",
    time: "14:00",
    zone: "Asia/Tokyo",
  },
  // CLS takes instructions for a value date until midnight Central European Time at its start.
  {
    id: "FX_CLS_INSTRUCTIONS",
    name: "CLS instruction cut-off (FX)",
    match: { type: "FX_SPOT", settlementType: "CLS" },
    anchor: "settle-date",
    time: "00:00",
    zone: "Europe/Paris",
  },
  // Paid gross, the payment must leave by the morning of the value date in the settlement centre.
  {
    id: "FX_GROSS_PAYMENT",
    name: "Gross FX payment (non-CLS currency)",
    match: { type: "FX_SPOT", settlementType: "FX_GROSS" },
    anchor: "settle-date",
    time: "10:00",
    zone: "UTC",
  },
];

/** A securities market without a row: its CSD's afternoon, in its own zone, on settlement date. */
export const DEFAULT_SECURITIES_CUTOFF = { time: "14:00", anchor: "settle-date" as CutoffAnchor };
