export * from "./common.ts";
export * from "./confirmation.ts";
export * from "./day.ts";
export * from "./instrument.ts";
export * from "./price.ts";
export * from "./trade.ts";
