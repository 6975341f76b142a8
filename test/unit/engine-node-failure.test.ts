import { describe, expect, it } from "vitest";
import {
  langGraphRetryOn,
  NON_RETRYABLE,
  NonRetryableError,
  nodeFailure,
  RECURSION_LIMIT_CODE,
  reportedTaskError,
} from "#engine";
import { getWorkflow } from "#workflows";
import { pricingDownWorkflow, refusedRetryWorkflow, signOffWorkflow } from "../fixtures/graphs.ts";

const rejected = () =>
  Object.assign(new Error("counterparty rejected the booking"), {
    name: "Demo.Rejected",
    code: "Demo.Rejected",
  });

/** What a node Lambda throws (functions/engine/retry.ts): the node's retryOn is the one rule, on AWS too. */
describe("nodeFailure", () => {
  it("wraps an error the node's own retryOn refuses under the one code the ASL never retries", () => {
    const failure = nodeFailure(refusedRetryWorkflow(), "book", rejected());

    expect(failure).toBeInstanceOf(NonRetryableError);
    expect(failure).toMatchObject({ name: NON_RETRYABLE, innerCode: "Demo.Rejected" });
  });

  it("leaves an error the node's retryOn accepts for the node's ASL Retry", () => {
    const outage = Object.assign(new Error("pricing service unavailable"), {
      name: "PricingUnavailableError",
    });

    expect(nodeFailure(pricingDownWorkflow(), "pricing", outage)).toBe(outage);
  });

  it("asks LangGraph's default retryOn when the policy names none: a 409 is refused", () => {
    const conflict = Object.assign(new Error("conflict"), { status: 409 });

    expect(nodeFailure(pricingDownWorkflow(), "pricing", conflict)).toMatchObject({ innerCode: "Error" });
  });

  it("leaves a node without any retry alone, and names a coded error by its code", () => {
    const coded = Object.assign(new Error("no vote"), { code: "Triage.InvalidDecision" });
    const failure = nodeFailure(signOffWorkflow(), "book", coded);

    expect(failure).toBe(coded);
    expect(coded.name).toBe("Triage.InvalidDecision");
  });

  it("refuses a malformed approval in triage's effect nodes through their retryOn alone", () => {
    const triage = getWorkflow("triage");
    const bad = Object.assign(new Error("not a stamped vote"), { code: "Triage.InvalidDecision" });

    expect(nodeFailure(triage, "human_approval", bad)).toMatchObject({
      innerCode: "Triage.InvalidDecision",
    });
  });

  it("names LangGraph's recursion error by LangGraph's code", () => {
    const error = Object.assign(new Error("Recursion limit of 25 reached"), {
      lc_error_code: RECURSION_LIMIT_CODE,
    });

    expect(nodeFailure(refusedRetryWorkflow(), "book", error)).toMatchObject({ name: RECURSION_LIMIT_CODE });
  });
});

describe("langGraphRetryOn", () => {
  it.each([
    ["a plain error", new Error("boom"), true],
    ["HTTP 429", Object.assign(new Error("slow"), { status: 429 }), true],
    ["HTTP 503 in a response", Object.assign(new Error("down"), { response: { status: 503 } }), true],
    ["HTTP 400", Object.assign(new Error("bad"), { status: 400 }), false],
    ["a cancellation", new Error("Cancelled by the caller"), false],
    ["an AbortError", Object.assign(new Error("aborted"), { name: "AbortError" }), false],
    ["GraphValueError", Object.assign(new Error("x"), { name: "GraphValueError" }), false],
    ["an aborted connection", Object.assign(new Error("x"), { code: "ECONNABORTED" }), false],
    ["an exhausted quota", Object.assign(new Error("x"), { error: { code: "insufficient_quota" } }), false],
  ])("%s → %s", (_name, error, retried) => {
    expect(langGraphRetryOn(error)).toBe(retried);
  });
});

describe("reportedTaskError", () => {
  it("reads a wrapped failure back under the node's own code, from Lambda's JSON cause", () => {
    const cause = JSON.stringify({
      errorType: NON_RETRYABLE,
      errorMessage: "Demo.Rejected: counterparty rejected: twice",
      trace: [],
    });

    expect(reportedTaskError({ Error: NON_RETRYABLE, Cause: cause })).toEqual({
      code: "Demo.Rejected",
      message: "counterparty rejected: twice",
    });
  });

  it("keeps any other failure as reported, and names a missing one", () => {
    expect(reportedTaskError({ Error: "States.Timeout", Cause: "Task timed out" })).toEqual({
      code: "States.Timeout",
      message: "Task timed out",
    });
    expect(reportedTaskError(undefined)).toEqual({ code: "Switchyard.TaskFailed", message: "task failed" });
  });
});
