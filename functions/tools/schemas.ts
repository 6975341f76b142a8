import { z } from "zod";

/** Shared pieces of the tools' input schemas, so every tool words the same mistake the same way. */
export const TradeIdSchema = z.string().min(1, "tradeId must not be empty").describe("Internal trade id");
export const InstrumentIdSchema = z
  .string()
  .regex(/^[A-Z]{2}[A-Z0-9]{9}\d$/, "instrumentId must be an ISIN, e.g. US0378331005")
  .describe("Instrument ISIN");
export const DeskSchema = z.string().min(1, "desk must not be empty").describe("Desk name, e.g. Rates");
