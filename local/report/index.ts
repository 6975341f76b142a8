export { type ReportData, renderReport } from "./html.ts";
export { formatSpanTree, readTrace, type StoredSpan, storeSpans, writeTrace } from "./spans.ts";
export { writeRunReport } from "./write.ts";
