import { describe, expect, it } from "vitest";
import {
  type ApprovalRule,
  type ApprovalSubject,
  askOf,
  DEFAULT_APPROVAL_POLICY,
  describeAsk,
  type FourEyesAsk,
  fourEyesAskIn,
  policyFor,
  stampAnswers,
  stampVote,
  tally,
  type Vote,
} from "#agents";

/** The four-eyes rules on their own: no graph, no clock but the ones given. */

const AT = "2026-11-24T15:00:00.000Z";
const LATER = new Date("2026-11-24T17:00:00.000Z");
const DEADLINE = "2026-11-24T16:00:00.000Z";

const RULES: readonly ApprovalRule[] = [
  { name: "large", workflow: "triage", minAmountUsd: 50e6, approvers: 2, exclude: ["requester", "proposer"] },
  {
    name: "bond-cancel",
    workflow: "triage",
    actions: ["cancel_booking"],
    instrumentTypes: ["GOVT_BOND"],
    approvers: 2,
    exclude: ["proposer"],
  },
  { name: "rates-desk", workflow: "triage", desks: ["RATES"], approvers: 3, exclude: ["requester"] },
];

const subject = (over: Partial<ApprovalSubject> = {}): ApprovalSubject => ({
  workflow: "triage",
  action: "amend_price",
  amountUsd: 2e6,
  instrumentType: "EQUITY",
  desk: "Cash Equities",
  ...over,
});

const vote = (by: string, decision: Vote["decision"] = "approve", at = AT): Vote => ({ decision, by, at });

/** Two of them, neither the requester (ops.req) nor the proposing agent. */
const twoOf = (approvals: Vote[] = [], deadline?: string): FourEyesAsk =>
  askOf(
    { rule: "large", approvers: 2, exclude: ["requester", "proposer"] },
    { requester: "local:ops.req", proposer: "agent:triage.fixer" },
    approvals,
    deadline,
  );

describe("policyFor", () => {
  it("picks the rule by amount, action with instrument type, and desk; the strictest of several wins", () => {
    // Act
    const small = policyFor(RULES, subject());
    const large = policyFor(RULES, subject({ amountUsd: 51e6 }));
    const bondCancel = policyFor(RULES, subject({ action: "cancel_booking", instrumentType: "GOVT_BOND" }));
    const equityCancel = policyFor(RULES, subject({ action: "cancel_booking" }));
    const largeOnRates = policyFor(RULES, subject({ amountUsd: 51e6, desk: "RATES" }));
    const otherWorkflow = policyFor(RULES, subject({ workflow: "investigation", amountUsd: 51e6 }));
    // Assess
    expect(small).toEqual(DEFAULT_APPROVAL_POLICY);
    expect(large).toEqual({ rule: "large", approvers: 2, exclude: ["requester", "proposer"] });
    expect(bondCancel).toEqual({ rule: "bond-cancel", approvers: 2, exclude: ["proposer"] });
    expect(equityCancel.rule).toBe("default");
    expect(largeOnRates).toEqual({ rule: "rates-desk", approvers: 3, exclude: ["requester"] });
    expect(otherWorkflow.rule).toBe("default");
  });
});

describe("tally", () => {
  it("waits after one of two approvals, and is met by a second, distinct approver (M of N)", () => {
    // Act
    const first = tally(twoOf(), vote("iam:arn:aws:iam::123456789012:user/jane"));
    const second = tally(twoOf([...first.approvals]), vote("cognito:7f1c-raj"));
    // Assess
    expect(first.outcome).toBe("waiting");
    expect(twoOf([...first.approvals]).needed).toBe(1);
    expect(second).toEqual({
      outcome: "approved",
      approvals: [vote("iam:arn:aws:iam::123456789012:user/jane"), vote("cognito:7f1c-raj")],
    });
  });

  it("refuses self-approval: the requester and the proposer do not count, even as the last approver", () => {
    // Act
    const byRequester = tally(twoOf([vote("local:ops.jane")]), vote("local:ops.req"));
    const byProposer = tally(twoOf(), vote("agent:triage.fixer"));
    // Assess
    expect(byRequester).toMatchObject({
      outcome: "refused",
      error: { code: "FourEyes.Excluded", status: 403 },
    });
    expect(byRequester.approvals).toEqual([vote("local:ops.jane")]);
    expect(byProposer).toMatchObject({ outcome: "refused", error: { code: "FourEyes.Excluded" } });
  });

  it("refuses the same approver twice: one person is not four eyes", () => {
    // Act
    const again = tally(twoOf([vote("local:ops.jane")]), vote("local:ops.jane"));
    // Assess
    expect(again).toMatchObject({
      outcome: "refused",
      error: { code: "FourEyes.AlreadyApproved", status: 409 },
    });
    expect(again.approvals).toHaveLength(1);
  });

  it("ends the action on a rejection by any allowed approver, approvals given before it notwithstanding", () => {
    // Act
    const rejected = tally(twoOf([vote("local:ops.jane")]), vote("local:ops.raj", "reject"));
    // Assess
    expect(rejected).toMatchObject({ outcome: "rejected", by: { by: "local:ops.raj" } });
  });

  it("refuses an answer given after the deadline, approve and reject alike", () => {
    // Prepare
    const ask = twoOf([], DEADLINE);
    // Act
    const lateApprove = tally(ask, vote("local:ops.jane", "approve", LATER.toISOString()));
    const lateReject = tally(ask, vote("local:ops.jane", "reject", LATER.toISOString()));
    const onTime = tally(ask, vote("local:ops.jane", "approve", DEADLINE));
    // Assess
    expect(lateApprove).toMatchObject({ outcome: "refused", error: { code: "FourEyes.DeadlinePassed" } });
    expect(lateReject).toMatchObject({ outcome: "refused", error: { code: "FourEyes.DeadlinePassed" } });
    expect(onTime.outcome).toBe("waiting");
  });
});

describe("stampVote", () => {
  it("stamps the authenticated approver and the clock on the caller's decision and comment", () => {
    // Act
    const stamped = stampVote(
      twoOf(),
      { decision: "approve", comment: "checked" },
      "local:ops.jane",
      new Date(AT),
    );
    const bare = stampVote(twoOf(), "reject", "local:ops.jane", new Date(AT));
    // Assess
    expect(stamped).toEqual({ decision: "approve", comment: "checked", by: "local:ops.jane", at: AT });
    expect(bare).toEqual({ decision: "reject", by: "local:ops.jane", at: AT });
  });

  it("refuses an answer that names its approver or time, never overwriting it silently", () => {
    // Act
    const withBy = () =>
      stampVote(twoOf(), { decision: "approve", by: "local:ops.raj" }, "local:ops.jane", new Date(AT));
    const withAt = () => stampVote(twoOf(), { decision: "approve", at: AT }, "local:ops.jane", new Date(AT));
    // Assess
    expect(withBy).toThrow(
      expect.objectContaining({ code: "FourEyes.IdentityInAnswer", status: 400, field: "by" }),
    );
    expect(withAt).toThrow(expect.objectContaining({ code: "FourEyes.IdentityInAnswer", field: "at" }));
  });

  it("refuses what is not a decision: a missing or unknown decision, an unknown field, a non-object", () => {
    // Act
    const errors = [{ decision: "maybe" }, {}, { decision: "approve", extra: 1 }, "maybe", null].map(
      (answer) => {
        try {
          stampVote(twoOf(), answer, "local:ops.jane", new Date(AT));
          return undefined;
        } catch (err) {
          return (err as { code?: string }).code;
        }
      },
    );
    // Assess
    expect(errors).toEqual(Array(5).fill("FourEyes.InvalidAnswer"));
  });

  it("refuses an excluded, repeated or late approver before anything is passed on", () => {
    // Prepare
    const ask = twoOf([vote("local:ops.jane")], DEADLINE);
    const codeOf = (by: string, now: Date) => {
      try {
        stampVote(ask, { decision: "approve" }, by, now);
        return "accepted";
      } catch (err) {
        return (err as { code?: string }).code;
      }
    };
    // Act / Assess
    expect(codeOf("local:ops.req", new Date(AT))).toBe("FourEyes.Excluded");
    expect(codeOf("local:ops.jane", new Date(AT))).toBe("FourEyes.AlreadyApproved");
    expect(codeOf("local:ops.raj", LATER)).toBe("FourEyes.DeadlinePassed");
    expect(codeOf("local:ops.raj", new Date(AT))).toBe("accepted");
  });
});

describe("stampAnswers", () => {
  const approval = { id: "a".repeat(32), value: { question: "Apply?", fourEyes: twoOf() } };
  const plain = { id: "b".repeat(32), value: { question: "Which day?" } };

  it("stamps a single answer to the one approval, and passes answers to other interrupts unchanged", () => {
    // Act
    const single = stampAnswers(
      [approval],
      [{ taskId: "__null__", value: { decision: "reject" } }],
      "local:x",
      new Date(AT),
    );
    const byId = stampAnswers(
      [approval, plain],
      [
        { taskId: approval.id, value: { decision: "approve" } },
        { taskId: plain.id, value: "2026-11-24" },
      ],
      "local:x",
      new Date(AT),
    );
    const other = stampAnswers(
      [plain],
      [{ taskId: "__null__", value: { by: "anyone" } }],
      "local:x",
      new Date(AT),
    );
    // Assess
    expect(single).toEqual({ decision: "reject", by: "local:x", at: AT });
    expect(byId).toEqual({
      [approval.id]: { decision: "approve", by: "local:x", at: AT },
      [plain.id]: "2026-11-24",
    });
    expect(other).toEqual({ by: "anyone" });
  });
});

describe("describeAsk and fourEyesAskIn", () => {
  it("says who approved, how many more are needed, who may not, and until when", () => {
    // Prepare
    const ask = twoOf([vote("local:ops.jane")], DEADLINE);
    // Act
    const line = describeAsk(ask);
    // Assess
    expect(line).toBe(
      "1 of 2 approvals (local:ops.jane, rule large); 1 more from anyone but local:ops.req (requester), agent:triage.fixer (proposer), local:ops.jane; until 2026-11-24T16:00:00.000Z",
    );
    expect(fourEyesAskIn({ fourEyes: ask })).toBe(ask);
    expect(fourEyesAskIn({ question: "Apply?" })).toBeUndefined();
    expect(fourEyesAskIn("approve")).toBeUndefined();
  });
});
