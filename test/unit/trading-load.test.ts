import { createReadStream } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  applyMapping,
  DayFormatError,
  type DayStore,
  loadTradingDay,
  type Mapping,
  MappingSchema,
  readRecords,
} from "../../functions/trading/load/index.ts";
import {
  type Confirmation,
  ConfirmationSchema,
  type Instrument,
  InstrumentSchema,
  type MarketPrice,
  PriceSchema,
  RECORD_KINDS,
  type RecordKind,
  type TradeInput,
  TradeSchema,
} from "../../functions/trading/model/index.ts";

// A tiny local-file store: the five methods of the trading DataStore over plain paths ---------

interface TestStore extends DayStore {
  write(uri: string, body: string | Uint8Array, contentType?: string): Promise<void>;
  exists(uri: string): Promise<boolean>;
}

const store: TestStore = {
  async list(uri) {
    if (!(await stat(uri)).isDirectory()) return [uri];
    const entries = await readdir(uri, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => join(uri, e.name))
      .sort();
  },
  async open(uri) {
    await stat(uri);
    return createReadStream(uri, { highWaterMark: 16 * 1024 });
  },
  readText: (uri) => readFile(uri, "utf8"),
  write: (uri, body) => writeFile(uri, body),
  exists: (uri) =>
    stat(uri).then(
      () => true,
      () => false,
    ),
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-load-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes the files of a day into the test's folder; returns the folder. */
async function dayFolder(files: Record<string, string | Uint8Array>): Promise<string> {
  for (const [name, body] of Object.entries(files)) await store.write(join(dir, name), body);
  return dir;
}

// Factories ------------------------------------------------------------------------------

const LEI_BROKER = "5493001KJTIIGC8Y1R12";
const LEI_OTHER = "549300ABCDEFGHIJKL34";

const INSTRUMENTS: Instrument[] = [
  {
    instrumentId: "US0378331005",
    idType: "ISIN",
    altIds: ["037833100", "AAPL"],
    description: "Apple Inc., common",
    currency: "USD",
    type: "EQUITY",
    mic: "XNAS",
  },
  {
    instrumentId: "US91282CJL54",
    idType: "ISIN",
    currency: "USD",
    type: "GOVT_BOND",
    issuer: "United States Treasury",
    coupon: 4.5,
    maturity: "2033-11-15",
    country: "US",
  },
  {
    instrumentId: "EURUSD",
    idType: "CCY_PAIR",
    currency: "USD",
    type: "FX_SPOT",
    baseCurrency: "EUR",
    quoteCurrency: "USD",
  },
];

function aTrade(overrides: Partial<TradeInput> = {}): TradeInput {
  return {
    tradeId: "T-0001",
    desk: "EQ-CASH",
    book: "EQ-US-1",
    account: "ACC-7",
    broker: "GSCO",
    counterparty: { name: "Goldman Sachs & Co., LLC", lei: LEI_BROKER },
    ssiId: "SSI-GS-USD",
    instrumentId: "US0378331005",
    side: "BUY",
    quantity: 1000,
    price: 189.25,
    currency: "USD",
    tradeDate: "2026-11-24",
    settleDate: "2026-11-25",
    bookedAt: "2026-11-24T14:03:00Z",
    ...overrides,
  };
}

/** An amended trade: version 2 with its first version's price. */
const AMENDED = aTrade({
  tradeId: "T-0002",
  version: 2,
  status: "AMENDED",
  price: 189.5,
  updatedAt: "2026-11-24T15:00:00Z",
  versions: [
    { version: 1, validFrom: "2026-11-24T14:05:00Z", validTo: "2026-11-24T15:00:00Z", price: 189.25 },
  ],
});

const TRADES: TradeInput[] = [
  aTrade(),
  AMENDED,
  aTrade({
    tradeId: "00123",
    desk: "FX",
    book: "FX-1",
    instrumentId: "EURUSD",
    quantity: 5_000_000,
    price: 1.0845,
    counterAmount: 5_422_500,
    tradeDate: "2026-11-23",
    settleDate: "2026-11-25",
    counterparty: { name: "Other Bank", lei: LEI_OTHER },
  }),
];

function aConfirmation(overrides: Partial<Confirmation> = {}): Confirmation {
  return {
    confirmationId: "C-0001",
    broker: "GSCO",
    brokerRef: "GS-778899",
    tradeRef: "T-0001",
    channel: "CTM",
    receivedAt: "2026-11-24T16:30:00Z",
    account: "ACC-7",
    instrumentId: "US0378331005",
    side: "BUY",
    quantity: 1000,
    price: 189.25,
    currency: "USD",
    tradeDate: "2026-11-24",
    settleDate: "2026-11-25",
    counterparty: { lei: LEI_BROKER },
    ...overrides,
  };
}

const CONFIRMATIONS: Confirmation[] = [
  aConfirmation(),
  aConfirmation({ confirmationId: "C-0002", brokerRef: "GS-778900", tradeRef: "T-0002", quantity: 400 }),
];

const PRICES: MarketPrice[] = [
  {
    instrumentId: "US0378331005",
    price: 189.3,
    currency: "USD",
    asOf: "2026-11-24T21:00:00Z",
    source: "BBG",
  },
  {
    instrumentId: "EURUSD",
    price: 1.0851,
    currency: "USD",
    asOf: "2026-11-24T17:00:00-05:00",
    source: "WMR",
  },
];

const ROWS: Record<RecordKind, readonly object[]> = {
  instruments: INSTRUMENTS,
  trades: TRADES,
  confirmations: CONFIRMATIONS,
  prices: PRICES,
};

/** The rows as the schemas give them back (trades with their defaults filled). */
const EXPECTED = {
  instruments: INSTRUMENTS.map((r) => InstrumentSchema.parse(r)),
  trades: TRADES.map((r) => TradeSchema.parse(r)),
  confirmations: CONFIRMATIONS.map((r) => ConfirmationSchema.parse(r)),
  prices: PRICES.map((r) => PriceSchema.parse(r)),
};

// Writers for the tests' files ------------------------------------------------------------

const jsonl = (rows: readonly object[]) => `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`;

/** A row's leaves by dotted path (`counterparty.lei`, `versions.0.price`). */
function flatten(value: unknown, prefix = "", into: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === "object") {
    for (const [key, member] of Object.entries(value))
      flatten(member, prefix ? `${prefix}.${key}` : key, into);
  } else into[prefix] = value;
  return into;
}

function csvCell(value: unknown): string {
  if (value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV with a header of every dotted path any row has, in first-seen order. */
function csv(rows: readonly object[]): string {
  const flat = rows.map((r) => flatten(r));
  const headers = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  const lines = [headers.join(","), ...flat.map((r) => headers.map((h) => csvCell(r[h])).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}

/** The DayFormatError a promise rejects with (fails the test if it resolves or throws another). */
async function formatError(promise: Promise<unknown>): Promise<DayFormatError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DayFormatError);
  return error as DayFormatError;
}

async function readAll(uri: string, kind: RecordKind, mapping?: Mapping) {
  const reads = [];
  for await (const read of readRecords(store, uri, kind, mapping)) reads.push(read);
  return reads;
}

// Formats ---------------------------------------------------------------------------------

describe("formats", () => {
  const writers: Record<string, (kind: RecordKind) => [string, string]> = {
    "JSON array": (kind) => [`${kind}.json`, JSON.stringify(ROWS[kind], null, 2)],
    "JSON object": (kind) => [`${kind}.json`, JSON.stringify({ [kind]: ROWS[kind] })],
    "JSON Lines (.jsonl)": (kind) => [`${kind}.jsonl`, jsonl(ROWS[kind])],
    "JSON Lines (.ndjson)": (kind) => [`${kind}.ndjson`, jsonl(ROWS[kind]).replaceAll("\n", "\r\n")],
    CSV: (kind) => [`${kind}.csv`, csv(ROWS[kind])],
  };

  it.each(Object.keys(writers))("loads every kind from %s", async (format) => {
    // Prepare
    const write = writers[format] as (kind: RecordKind) => [string, string];
    const uri = await dayFolder(Object.fromEntries(RECORD_KINDS.map(write)));
    // Act
    const { day, quarantine, files } = await loadTradingDay(store, uri);
    // Assess
    expect(quarantine).toEqual([]);
    expect(day).toEqual({ businessDate: "2026-11-24", ...EXPECTED });
    expect(files).toEqual(RECORD_KINDS.map((kind) => join(dir, write(kind)[0])));
  });

  it("reads one kind's file with readRecords, row by row with its line", async () => {
    // Prepare
    const uri = join(
      await dayFolder({ "confirmations.jsonl": `\n${jsonl(CONFIRMATIONS)}` }),
      "confirmations.jsonl",
    );
    // Act
    const reads = await readAll(uri, "confirmations");
    // Assess
    expect(reads).toEqual([
      { line: 2, record: EXPECTED.confirmations[0] },
      { line: 3, record: EXPECTED.confirmations[1] },
    ]);
  });

  it("loads an explicit list of files, and a day with only trades", async () => {
    // Prepare
    await dayFolder({ "trades.csv": csv(TRADES), "notes.txt": "not part of the day" });
    // Act
    const { day, files } = await loadTradingDay(store, [join(dir, "trades.csv")]);
    // Assess
    expect(day.trades).toEqual(EXPECTED.trades);
    expect(day.instruments).toEqual([]);
    expect(files).toEqual([join(dir, "trades.csv")]);
  });

  it("reads gzipped files of each format through zlib", async () => {
    // Prepare
    const uri = await dayFolder({
      "instruments.json.gz": gzipSync(JSON.stringify(INSTRUMENTS)),
      "trades.csv.gz": gzipSync(csv(TRADES)),
      "confirmations.jsonl.gz": gzipSync(jsonl(CONFIRMATIONS)),
      "prices.ndjson.gz": gzipSync(jsonl(PRICES)),
    });
    // Act
    const { day, quarantine } = await loadTradingDay(store, uri);
    // Assess
    expect(quarantine).toEqual([]);
    expect(day).toEqual({ businessDate: "2026-11-24", ...EXPECTED });
  });
});

// CSV ---------------------------------------------------------------------------------------

describe("CSV", () => {
  it("nests dotted headers, keeps an earlier version, and converts by the schema, not by the look", async () => {
    // Prepare
    const text = [
      "tradeId,version,status,desk,book,account,broker,counterparty.name,counterparty.lei,ssiId,instrumentId,side,quantity,price,currency,tradeDate,settleDate,bookedAt,updatedAt,versions.0.version,versions.0.validFrom,versions.0.validTo,versions.0.price",
      `00123,2,AMENDED,0042,B1,A1,GSCO,"Goldman Sachs & Co., LLC",${LEI_BROKER},SSI-1,US0378331005,SELL, 1000 ,1.5e2,usd,2026-11-24,2026-11-25,2026-11-24T14:03:00Z,2026-11-24T15:00:00Z,1,2026-11-24T14:03:00Z,2026-11-24T15:00:00Z,149.5`,
    ].join("\n");
    const uri = join(await dayFolder({ "trades.csv": text }), "trades.csv");
    // Act
    const [read] = await readAll(uri, "trades");
    // Assess
    expect(read).toMatchObject({
      line: 2,
      record: {
        tradeId: "00123",
        version: 2,
        desk: "0042",
        counterparty: { name: "Goldman Sachs & Co., LLC", lei: LEI_BROKER },
        quantity: 1000,
        price: 150,
        currency: "USD",
        versions: [
          { version: 1, validFrom: "2026-11-24T14:03:00Z", validTo: "2026-11-24T15:00:00Z", price: 149.5 },
        ],
      },
    });
  });

  it("reads quoted fields holding commas, quotes and line breaks, and numbers lines by where records start", async () => {
    // Prepare: line 2 holds a record spanning lines 2–4; line 5 is empty; line 6 has a bad date.
    const text = [
      "instrumentId,idType,currency,type,mic,description",
      'US0378331005,ISIN,USD,EQUITY,XNAS,"Apple Inc., ""common""',
      "",
      'two lines"',
      "",
      "US5949181045,ISIN,DOLLAR,EQUITY,XNAS,Microsoft",
    ].join("\n");
    const uri = join(await dayFolder({ "instruments.csv": text }), "instruments.csv");
    // Act
    const reads = await readAll(uri, "instruments");
    // Assess
    expect(reads[0]).toMatchObject({ line: 2, record: { description: 'Apple Inc., "common"\n\ntwo lines' } });
    expect(reads[1]).toEqual({
      line: 6,
      quarantined: {
        file: uri,
        line: 6,
        field: "currency",
        reason: 'must be a three-letter ISO 4217 currency code; got "DOLLAR"',
        recordId: "US5949181045",
      },
    });
  });

  it("treats empty cells as absent and follows the instrument type to convert a bond's coupon", async () => {
    // Prepare
    const uri = join(await dayFolder({ "instruments.csv": csv(INSTRUMENTS) }), "instruments.csv");
    // Act
    const reads = await readAll(uri, "instruments");
    // Assess
    expect(reads.map((r) => ("record" in r ? r.record : r))).toEqual(EXPECTED.instruments);
  });

  it("quarantines a row with more or fewer cells than the header, and skips rows of blank cells", async () => {
    // Prepare
    const row = csv([PRICES[0] as MarketPrice]).split("\r\n")[1];
    const text = [
      "instrumentId,price,currency,asOf,source",
      `${row},extra`,
      ",,,,",
      `${row}`,
      "EURUSD,1.08",
    ].join("\n");
    const uri = join(await dayFolder({ "prices.csv": text }), "prices.csv");
    // Act
    const reads = await readAll(uri, "prices");
    // Assess
    expect(reads).toEqual([
      {
        line: 2,
        quarantined: {
          file: uri,
          line: 2,
          field: "",
          reason: "has 6 cells; the header has 5",
          recordId: "US0378331005",
        },
      },
      { line: 4, record: EXPECTED.prices[0] },
      {
        line: 5,
        quarantined: {
          file: uri,
          line: 5,
          field: "",
          reason: "has 2 cells; the header has 5",
          recordId: "EURUSD",
        },
      },
    ]);
  });
});

// Mapping -------------------------------------------------------------------------------------

describe("mapping", () => {
  /** An OMS blotter export: its own headers, B/S sides, a column we have no use for. */
  const OMS_CSV = [
    "Trade ID,B/S,Qty,Px,Ccy,Trade Dt,Settle Dt,Desk,Book,Acct,Exec Broker,Cpty,Cpty LEI,SSI,ISIN,Booked,Trader",
    `T-9001,B,"1000",189.25,USD,2026-11-24,2026-11-25,EQ-CASH,EQ-US-1,ACC-7,GSCO,"Goldman, Sachs",${LEI_BROKER},SSI-GS-USD,US0378331005,2026-11-24T14:03:00Z,jdoe`,
    `T-9002,S,250,189.40,USD,2026-11-24,2026-11-25,EQ-CASH,EQ-US-1,ACC-7,GSCO,"Goldman, Sachs",${LEI_BROKER},SSI-GS-USD,US0378331005,2026-11-24T14:10:00Z,`,
    `T-9003,X,250,189.40,USD,2026-11-24,2026-11-25,EQ-CASH,EQ-US-1,ACC-7,GSCO,"Goldman, Sachs",${LEI_BROKER},SSI-GS-USD,US0378331005,2026-11-24T14:10:00Z,`,
  ].join("\n");

  /** A CTM allocation export: nested party, AllocRef for our trade id, no channel. */
  const CTM_JSONL = jsonl([
    {
      MatchId: "CTM-1",
      ExecBroker: "GSCO",
      ExecRef: "GS-1",
      AllocRef: "T-9001",
      Acct: "ACC-7",
      Sec: { ISIN: "US0378331005" },
      BuySell: "B",
      Qty: 1000,
      Px: 189.25,
      Ccy: "USD",
      TD: "2026-11-24",
      SD: "2026-11-25",
      Received: "2026-11-24T16:30:00Z",
      Party: { LEI: LEI_BROKER, Name: "GS" },
      Status: "MATCHED",
    },
  ]);

  const MAPPING: Mapping = {
    trades: {
      fields: {
        "Trade ID": "tradeId",
        "B/S": "side",
        Qty: "quantity",
        Px: "price",
        Ccy: "currency",
        "Trade Dt": "tradeDate",
        "Settle Dt": "settleDate",
        Desk: "desk",
        Book: "book",
        Acct: "account",
        "Exec Broker": "broker",
        Cpty: "counterparty.name",
        "Cpty LEI": "counterparty.lei",
        SSI: "ssiId",
        ISIN: "instrumentId",
        Booked: "bookedAt",
      },
      values: { side: { B: "BUY", S: "SELL" } },
      constants: { status: "NEW" },
    },
    confirmations: {
      fields: {
        MatchId: "confirmationId",
        ExecBroker: "broker",
        ExecRef: "brokerRef",
        AllocRef: "tradeRef",
        Acct: "account",
        "Sec.ISIN": "instrumentId",
        BuySell: "side",
        Qty: "quantity",
        Px: "price",
        Ccy: "currency",
        TD: "tradeDate",
        SD: "settleDate",
        Received: "receivedAt",
        "Party.LEI": "counterparty.lei",
      },
      values: { side: { B: "BUY", S: "SELL" } },
      constants: { channel: "CTM" },
    },
  };

  it("loads an OMS CSV export and a CTM JSON Lines export through the day's mapping.json", async () => {
    // Prepare
    const uri = await dayFolder({
      "trades.csv": OMS_CSV,
      "confirmations.jsonl": CTM_JSONL,
      "mapping.json": JSON.stringify(MAPPING, null, 2),
    });
    // Act
    const { day, quarantine, files } = await loadTradingDay(store, uri);
    // Assess
    expect(day.trades.map((t) => [t.tradeId, t.side, t.quantity, t.status, t.counterparty.name])).toEqual([
      ["T-9001", "BUY", 1000, "NEW", "Goldman, Sachs"],
      ["T-9002", "SELL", 250, "NEW", "Goldman, Sachs"],
    ]);
    expect(day.confirmations).toEqual([
      aConfirmation({ confirmationId: "CTM-1", brokerRef: "GS-1", tradeRef: "T-9001" }),
    ]);
    expect(quarantine).toEqual([
      {
        file: join(dir, "trades.csv"),
        line: 4,
        field: "side",
        reason: 'Invalid option: expected one of "BUY"|"SELL"; got "X"',
        recordId: "T-9003",
      },
    ]);
    expect(files).toEqual([
      join(dir, "mapping.json"),
      join(dir, "trades.csv"),
      join(dir, "confirmations.jsonl"),
    ]);
  });

  it("takes the mapping option (an object or a file's URI) over the day's mapping.json", async () => {
    // Prepare
    await dayFolder({ "trades.csv": OMS_CSV, "mapping.json": "{ not even JSON" });
    const mappingUri = `${dir}-oms.json`;
    await store.write(mappingUri, JSON.stringify(MAPPING));
    try {
      // Act
      const byObject = await loadTradingDay(store, dir, { mapping: MAPPING });
      const byUri = await loadTradingDay(store, dir, { mapping: mappingUri });
      // Assess
      expect(byObject.day.trades).toHaveLength(2);
      expect(byUri.day).toEqual(byObject.day);
      expect(byUri.files).toEqual([mappingUri, join(dir, "trades.csv")]);
    } finally {
      await rm(mappingUri, { force: true });
    }
  });

  it("applies fields, then value maps, then constants where the row left the field absent", () => {
    // Act
    const row = applyMapping(
      { "Trade ID": "T1", Side: "S", Party: { LEI: LEI_BROKER }, Channel: "SWIFT", Ignored: 1 },
      {
        fields: { "Trade ID": "tradeRef", Side: "side", "Party.LEI": "counterparty.lei", Channel: "channel" },
        values: { side: { B: "BUY", S: "SELL" } },
        constants: { channel: "CTM", account: "ACC-7" },
      },
    );
    // Assess
    expect(row).toEqual({
      tradeRef: "T1",
      side: "SELL",
      counterparty: { lei: LEI_BROKER },
      channel: "SWIFT",
      account: "ACC-7",
    });
  });

  it("refuses a mapping naming a field the kind does not have, or one field twice", () => {
    // Act
    const result = MappingSchema.safeParse({
      trades: { fields: { Ref: "tradRef", A: "desk", B: "desk" }, constants: { "counterparty.leix": "x" } },
    });
    // Assess
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["trades.fields.Ref", '"tradRef" is not a field of trades'],
      ["trades.fields.B", '"desk" is already mapped from "A"'],
      ["trades.constants.counterparty.leix", '"counterparty.leix" is not a field of trades'],
    ]);
  });
});

// Quarantine --------------------------------------------------------------------------------

describe("quarantine", () => {
  it("quarantines each kind of bad row with its file, line, field, reason and id, and loads the rest", async () => {
    // Prepare: line 1 good; each later line has one fault.
    const rows = [
      aTrade({ tradeId: "T-1" }),
      { ...aTrade({ tradeId: "T-2" }), desk: undefined },
      aTrade({ tradeId: "T-3", tradeDate: "2026-02-30" }),
      aTrade({ tradeId: "T-4", quantity: -5 }),
      aTrade({ tradeId: "T-5", side: "BOUGHT" as "BUY" }),
      aTrade({ tradeId: "T-6", counterparty: { name: "X", lei: " " } }),
      aTrade({ tradeId: "T-1", price: 1 }),
      { ...aTrade({ tradeId: "T-7" }), trader: "jdoe" },
      [1, 2, 3],
    ];
    const uri = await dayFolder({ "trades.jsonl": jsonl(rows) });
    const file = join(dir, "trades.jsonl");
    // Act
    const { day, quarantine } = await loadTradingDay(store, uri);
    // Assess
    expect(day.trades.map((t) => t.tradeId)).toEqual(["T-1"]);
    expect(quarantine).toEqual([
      {
        file,
        line: 2,
        field: "desk",
        reason: "Invalid input: expected string, received undefined",
        recordId: "T-2",
      },
      {
        file,
        line: 3,
        field: "tradeDate",
        reason: 'must be a calendar date YYYY-MM-DD; got "2026-02-30"',
        recordId: "T-3",
      },
      {
        file,
        line: 4,
        field: "quantity",
        reason: "Too small: expected number to be >0; got -5",
        recordId: "T-4",
      },
      {
        file,
        line: 5,
        field: "side",
        reason: 'Invalid option: expected one of "BUY"|"SELL"; got "BOUGHT"',
        recordId: "T-5",
      },
      {
        file,
        line: 6,
        field: "counterparty.lei",
        reason: 'Too small: expected string to have >=1 characters; got " "',
        recordId: "T-6",
      },
      { file, line: 7, field: "tradeId", reason: "duplicate id, first on line 1", recordId: "T-1" },
      {
        file,
        line: 8,
        field: "trader",
        reason:
          'unknown field: not in the canonical model (a mapping file maps an export\'s own fields); got "jdoe"',
        recordId: "T-7",
      },
      { file, line: 9, field: "", reason: "Invalid input: expected object, received array; got [1,2,3]" },
    ]);
  });

  it("names an unknown CSV column as the field, and numbers JSON array rows by position", async () => {
    // Prepare
    const trades = csv([{ ...aTrade(), Trader: "jdoe" }]);
    const confirmations = JSON.stringify([
      aConfirmation(),
      aConfirmation({ confirmationId: "C-0002", price: 0 }),
    ]);
    const uri = await dayFolder({ "trades.csv": trades, "confirmations.json": confirmations });
    // Act
    const { quarantine } = await loadTradingDay(store, uri, { businessDate: "2026-11-24" });
    // Assess
    expect(quarantine.map((q) => [q.file, q.line, q.field, q.recordId])).toEqual([
      [join(dir, "trades.csv"), 2, "Trader", "T-0001"],
      [join(dir, "confirmations.json"), 2, "price", "C-0002"],
    ]);
  });

  it("reads null as absent, and refuses a __proto__ member as an unknown field, inheriting nothing", async () => {
    // Prepare
    const withProto = (trade: object, proto: object) =>
      JSON.stringify(trade).replace(/}$/, `, "__proto__": ${JSON.stringify(proto)}}`);
    const { desk: _, ...deskless } = aTrade({ tradeId: "T-2" });
    const uri = await dayFolder({
      "trades.jsonl": [
        JSON.stringify({ ...aTrade(), counterAmount: null, updatedAt: null }),
        withProto(deskless, { desk: "EQ-CASH" }),
        withProto(aTrade({ tradeId: "T-3" }), {}),
      ].join("\n"),
    });
    // Act
    const { day, quarantine } = await loadTradingDay(store, uri);
    // Assess
    expect(day.trades).toEqual([TradeSchema.parse(aTrade())]);
    expect(quarantine.map((q) => [q.line, q.field, q.recordId])).toEqual([
      [2, "desk", "T-2"],
      [3, "__proto__", "T-3"],
    ]);
  });

  it("quotes at most 80 characters of a refused value", async () => {
    // Prepare
    const uri = await dayFolder({ "trades.jsonl": jsonl([aTrade({ currency: "U".repeat(200) })]) });
    // Act
    const { quarantine } = await loadTradingDay(store, uri, { businessDate: "2026-11-24" });
    // Assess
    const quoted = quarantine[0]?.reason.split("; got ")[1] ?? "";
    expect(quoted).toHaveLength(80);
    expect(quoted.startsWith('"UUU')).toBe(true);
    expect(quoted.endsWith("…")).toBe(true);
  });

  it("does not quarantine rows that name an unknown instrument: matching judges those", async () => {
    // Prepare
    const uri = await dayFolder({
      "instruments.json": JSON.stringify(INSTRUMENTS),
      "trades.jsonl": jsonl([aTrade({ instrumentId: "XS0000000001" })]),
    });
    // Act
    const { day, quarantine } = await loadTradingDay(store, uri);
    // Assess
    expect(quarantine).toEqual([]);
    expect(day.trades).toHaveLength(1);
  });
});

// Whole-file failures --------------------------------------------------------------------------

describe("files that cannot be read refuse the load", () => {
  const trades = jsonl([aTrade()]);

  it.each([
    [
      "a JSON syntax error",
      { "trades.json": '[\n  {"tradeId": "T1",\n    "desk": x }\n]' },
      "trades.json",
      3,
      13,
      "not valid JSON",
    ],
    [
      "a JSON Lines line that is not JSON",
      { "trades.jsonl": `${trades}\n{"tradeId": ` },
      "trades.jsonl",
      3,
      13,
      "not valid JSON",
    ],
    [
      "a JSON top level of the wrong shape",
      { "trades.json": '{"rows": []}' },
      "trades.json",
      1,
      undefined,
      "expected a JSON array of trades",
    ],
    [
      "an unterminated CSV quote",
      { "trades.csv": `${csv([aTrade()])}T2,"open\n\n` },
      "trades.csv",
      3,
      undefined,
      "unterminated quote",
    ],
    [
      "a CSV without its header row",
      { "trades.csv": csv([aTrade()]).split("\r\n").slice(1).join("\n") },
      "trades.csv",
      1,
      undefined,
      "header row is missing",
    ],
    [
      "a CSV header naming a column twice",
      { "trades.csv": "tradeId,desk,tradeId\n" },
      "trades.csv",
      1,
      undefined,
      'repeats the header "tradeId"',
    ],
    [
      "CSV headers one inside another",
      { "trades.csv": "tradeId,counterparty,counterparty.lei\n" },
      "trades.csv",
      1,
      undefined,
      'header "counterparty.lei" lies inside header "counterparty"',
    ],
    [
      "a mapped CSV without its header row",
      { "trades.csv": "T1,B,100\n", "mapping.json": '{"trades": {"fields": {"Trade ID": "tradeId"}}}' },
      "trades.csv",
      1,
      undefined,
      "none of the mapped source fields of trades: the header row is missing",
    ],
    ["an empty CSV", { "trades.csv": "" }, "trades.csv", 1, undefined, "no header row"],
    [
      "a gzip file that is not gzip",
      { "trades.csv.gz": "tradeId\nT1\n" },
      "trades.csv.gz",
      undefined,
      undefined,
      "not a valid gzip file",
    ],
    [
      "a file the day has no use for",
      { "trades.jsonl": trades, "notes.txt": "hello" },
      "notes.txt",
      undefined,
      undefined,
      "not a file of a trading day",
    ],
    [
      "two files for one kind",
      { "trades.jsonl": trades, "trades.csv": csv([aTrade()]) },
      "trades.jsonl",
      undefined,
      undefined,
      "a second trades file",
    ],
    [
      "a manifest with a bad date",
      { "trades.jsonl": trades, "manifest.json": '{\n  "businessDate": "2026-13-01"\n}' },
      "manifest.json",
      2,
      3,
      "businessDate: must be a calendar date",
    ],
    [
      "a manifest with an unknown key",
      { "trades.jsonl": trades, "manifest.json": '{"businessDate": "2026-11-24", "desk": "EQ"}' },
      "manifest.json",
      1,
      32,
      "desk: unknown key",
    ],
    [
      "a mapping that fails validation",
      { "trades.jsonl": trades, "mapping.json": '{\n "trades": {\n  "fields": {"Ref": "tradRef"}\n }\n}' },
      "mapping.json",
      3,
      14,
      'trades.fields.Ref: "tradRef" is not a field of trades',
    ],
  ] as const)("for %s", async (_, files, file, line, column, reason) => {
    // Prepare
    const uri = await dayFolder(files);
    // Act
    const error = await formatError(loadTradingDay(store, uri));
    // Assess
    expect(error.code).toBe("Trading.BadFile");
    expect({ file: error.file, line: error.line, column: error.column }).toEqual({
      file: join(dir, file),
      line,
      column,
    });
    expect(error.reason).toContain(reason);
    const at = [join(dir, file), line, column].filter((x) => x !== undefined).join(":");
    expect(error.message).toBe(`${at}: ${error.reason}`);
  });

  it("for a day with no trades file", async () => {
    // Prepare
    const uri = await dayFolder({ "confirmations.jsonl": jsonl(CONFIRMATIONS) });
    // Act
    const error = await formatError(loadTradingDay(store, uri));
    // Assess
    expect(error.file).toBe(dir);
    expect(error.reason).toMatch(/^no trades file/);
  });

  it("for a file in a subfolder of the day", async () => {
    // Prepare: a store that lists its subfolders' files, as S3 and the local store do.
    const uri = await dayFolder({ "trades.jsonl": trades });
    const nested = join(dir, "archive", "trades.csv");
    const listing: DayStore = { ...store, list: async () => [join(dir, "trades.jsonl"), nested] };
    // Act
    const error = await formatError(loadTradingDay(listing, uri));
    // Assess
    expect(error.file).toBe(nested);
    expect(error.reason).toBe("in a subfolder: a day is the files of one folder");
  });

  it("for a mapping option that fails validation", async () => {
    // Prepare
    const uri = await dayFolder({ "trades.jsonl": trades });
    // Act
    const error = await formatError(
      loadTradingDay(store, uri, { mapping: { trades: { fields: { Qty: "qty" } } } as Mapping }),
    );
    // Assess
    expect(error.file).toBe("mapping option");
    expect(error.reason).toBe('trades.fields.Qty: "qty" is not a field of trades');
  });
});

// Streaming ---------------------------------------------------------------------------------------

describe("streaming", () => {
  it("streams a 50,000-row JSON Lines file a chunk at a time, never reading ahead of the rows", async () => {
    // Prepare: a store that makes the file as it is read, 500 rows a chunk, counting chunks made.
    const ROWS_TOTAL = 50_000;
    const ROWS_PER_CHUNK = 500;
    let chunksMade = 0;
    const generating: DayStore = {
      list: async (uri) => [uri],
      readText: async () => "",
      async open() {
        return (async function* () {
          for (let start = 0; start < ROWS_TOTAL; start += ROWS_PER_CHUNK) {
            chunksMade++;
            const rows = Array.from({ length: ROWS_PER_CHUNK }, (_, i) =>
              aTrade({ tradeId: `T-${start + i}`, quantity: start + i + 1 }),
            );
            yield new TextEncoder().encode(jsonl(rows));
          }
        })();
      },
    };
    // Act
    let records = 0;
    let chunksAtFirstRecord = 0;
    for await (const read of readRecords(generating, "s3://bucket/day/trades.jsonl", "trades")) {
      if (records === 0) chunksAtFirstRecord = chunksMade;
      if ("record" in read) records++;
    }
    // Assess
    expect(records).toBe(ROWS_TOTAL);
    expect(chunksMade).toBe(ROWS_TOTAL / ROWS_PER_CHUNK);
    expect(chunksAtFirstRecord).toBeLessThanOrEqual(2);
  });

  it("loads a 50,000-row gzipped CSV from disk", async () => {
    // Prepare
    const rows = Array.from({ length: 50_000 }, (_, i) => aTrade({ tradeId: `T-${i}` }));
    const uri = await dayFolder({ "trades.csv.gz": gzipSync(csv(rows)) });
    // Act
    const { day, quarantine } = await loadTradingDay(store, uri);
    // Assess
    expect(quarantine).toEqual([]);
    expect(day.trades).toHaveLength(50_000);
    expect(day.trades.at(-1)?.tradeId).toBe("T-49999");
  });
});

// Business date ------------------------------------------------------------------------------------

describe("business date", () => {
  const trades = jsonl([
    aTrade({ tradeDate: "2026-11-23" }),
    aTrade({ tradeId: "T-2", tradeDate: "2026-11-24" }),
  ]);
  const manifest = JSON.stringify({ businessDate: "2026-11-25" });

  it("is the option's first", async () => {
    const uri = await dayFolder({ "trades.jsonl": trades, "manifest.json": manifest });
    const { day, files } = await loadTradingDay(store, uri, { businessDate: "2026-11-26" });
    expect(day.businessDate).toBe("2026-11-26");
    expect(files).toEqual([join(dir, "manifest.json"), join(dir, "trades.jsonl")]);
  });

  it("then the manifest's", async () => {
    const uri = await dayFolder({ "trades.jsonl": trades, "manifest.json": manifest });
    const { day } = await loadTradingDay(store, uri);
    expect(day.businessDate).toBe("2026-11-25");
  });

  it("then the latest trade date among the valid trades", async () => {
    const late = jsonl([{ ...aTrade({ tradeId: "T-3", tradeDate: "2026-12-01" }), desk: "" }]);
    const uri = await dayFolder({ "trades.jsonl": `${trades}${late}` });
    const { day, quarantine } = await loadTradingDay(store, uri);
    expect(day.businessDate).toBe("2026-11-24");
    expect(quarantine).toHaveLength(1);
  });

  it("cannot be found for a day without a valid trade", async () => {
    const uri = await dayFolder({ "trades.csv": csv([{ ...aTrade(), desk: "" }]) });
    const error = await formatError(loadTradingDay(store, uri));
    expect(error.file).toBe(join(dir, "trades.csv"));
    expect(error.reason).toMatch(/^no valid trade to date the day by/);
    await expect(loadTradingDay(store, uri, { businessDate: "2026-11-24" })).resolves.toMatchObject({
      day: { businessDate: "2026-11-24", trades: [] },
    });
  });

  it("refuses an option that is not a date", async () => {
    const uri = await dayFolder({ "trades.jsonl": trades });
    const error = await formatError(loadTradingDay(store, uri, { businessDate: "24/11/2026" }));
    expect(error.file).toBe("businessDate option");
  });
});
