import { describe, expect, it } from "vitest";
import { datedInput, executionInputFor, localDate } from "#ingress";

describe("a scheduled run's {businessDate}", () => {
  it("is the scheduled time's date in the schedule's time zone, in every string of the input", () => {
    // 18:00 New York on 24 November 2026 is 23:00 UTC; at 19:30 New York it is already the 25th in UTC.
    const request = {
      input: {
        data: { uri: "s3://b/incoming/{businessDate}/", mapping: "s3://b/maps/{businessDate}.json" },
        partitionSize: 5,
      },
      requestedAt: "2026-11-25T00:30:00Z",
      timeZone: "America/New_York",
    };
    expect(datedInput(request)).toEqual({
      data: { uri: "s3://b/incoming/2026-11-24/", mapping: "s3://b/maps/2026-11-24.json" },
      partitionSize: 5,
    });
  });

  it("is the UTC date without a time zone, and leaves input without the token untouched", () => {
    expect(datedInput({ input: { out: "{businessDate}" }, requestedAt: "2026-11-25T00:30:00Z" })).toEqual({
      out: "2026-11-25",
    });
    const input = { dataset: { trades: 10 } };
    expect(datedInput({ input, requestedAt: "2026-11-25T00:30:00Z" })).toBe(input);
    expect(localDate("2026-03-29T23:30:00Z", "Asia/Tokyo")).toBe("2026-03-30");
  });

  it("reaches the execution input the dispatcher starts", () => {
    const execution = executionInputFor({
      runId: "reconciliation_0d7c1a6e",
      workflow: "reconciliation",
      input: { data: { uri: "s3://b/incoming/{businessDate}/" } },
      source: "schedule",
      requestedAt: "2026-11-24T23:00:00Z",
      timeZone: "America/New_York",
    });
    expect(execution).toMatchObject({ input: { data: { uri: "s3://b/incoming/2026-11-24/" } } });
  });
});
