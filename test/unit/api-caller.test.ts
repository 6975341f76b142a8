import { describe, expect, it } from "vitest";
import { approverOf, type ProxyEvent } from "#api";

/** Who an answer is from: the authenticated caller as API Gateway hands it over, marked by how. */

const withContext = (requestContext: ProxyEvent["requestContext"]) => ({ requestContext }) as ProxyEvent;

describe("approverOf", () => {
  it("names an IAM caller by its principal ARN, else its caller id, marked iam:", () => {
    // Act
    const byArn = approverOf(
      withContext({ identity: { userArn: "arn:aws:iam::123456789012:user/jane", caller: "AIDAJANE" } }),
      "iam",
    );
    const byCaller = approverOf(
      withContext({ identity: { userArn: null, caller: "AROAEXAMPLE:raj" } }),
      "iam",
    );
    // Assess
    expect(byArn).toBe("iam:arn:aws:iam::123456789012:user/jane");
    expect(byCaller).toBe("iam:AROAEXAMPLE:raj");
  });

  it("names a Cognito user by the pool's sub (stable, unlike a username), marked cognito:", () => {
    // Act
    const user = approverOf(
      withContext({
        authorizer: { claims: { sub: "7f1c2d3e-0000-4000-8000-000000000001", username: "jane" } },
      }),
      "cognito",
    );
    // Assess
    expect(user).toBe("cognito:7f1c2d3e-0000-4000-8000-000000000001");
  });

  it("keeps the local server's loopback caller as it is marked", () => {
    // Act / Assess
    expect(approverOf(withContext({ identity: { userArn: "local:loopback", caller: "local" } }), "iam")).toBe(
      "local:loopback",
    );
  });

  it("refuses a request without an authenticated caller (401), whatever its body says", () => {
    // Act
    const attempts = [
      () => approverOf(withContext({ identity: { userArn: " ", caller: "" } }), "iam"),
      () => approverOf(withContext({ identity: { userArn: "arn:aws:iam::1:user/x" } }), "cognito"),
      () => approverOf(withContext({ authorizer: { claims: { sub: "" } } }), "cognito"),
    ];
    // Assess
    for (const attempt of attempts) {
      expect(attempt).toThrow(expect.objectContaining({ code: "Switchyard.Unauthenticated", status: 401 }));
    }
  });
});
