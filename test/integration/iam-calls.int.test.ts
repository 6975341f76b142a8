/**
 * IAM, proven offline: every AWS call the Lambdas' code makes in the stage's flows — API, data
 * arrival, MSK consumer, dispatcher, each workflow's start / node / commit functions, failed runs,
 * notifier, dead-letter redrive — recorded with SDK middleware on the embedded AWS, then judged by
 * `@cloud-copilot/iam-simulate` against the synthesized templates: the function role's identity
 * policies, the target's resource policy and, on encrypted targets, the KMS key policy for what the
 * service asks of the key. Any implicit or explicit deny fails, naming function, action and resource.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { iamRequests } from "../fixtures/iam/calls.ts";
import { callerName, type IamRequest, type IamVerdict, PolicyEvaluator } from "../fixtures/iam/evaluate.ts";
import type { SdkCall } from "../fixtures/iam/recorder.ts";
import { stageFunction, synthesizeIamStage } from "../fixtures/iam/stage.ts";
import { AUDIT_KEY_PLACEHOLDER, type StageFunction, type StageView } from "../fixtures/iam/stage-policies.ts";

const RECORDER = "test/fixtures/iam/record-calls.ts";

let calls: SdkCall[];
let stage: StageView;
let functions: StageFunction[];
let evaluator: PolicyEvaluator;

/** Each distinct request once, with the functions' requests on the keys of what they touch. */
function requestsOf(recorded: readonly SdkCall[]): IamRequest[] {
  const seen = new Map<string, IamRequest>();
  for (const call of recorded) {
    const caller = stageFunction(functions, call.function);
    for (const { action, resource } of iamRequests(call)) {
      const request: IamRequest = { caller, action, resource };
      for (const r of [request, ...evaluator.keyRequests(request)]) {
        seen.set(`${callerName(r.caller)}|${r.action}|${r.resource}|${JSON.stringify(r.context ?? {})}`, r);
      }
    }
  }
  return [...seen.values()];
}

/**
 * The stage's audit signing key: the one `SIGN_VERIFY` key, whose ARN CDK sets as every engine
 * function's `AUDIT_SIGNING_KEY_ID` (checked here, so the substitution below is what deploys).
 */
function auditKeyArn(): string {
  const keys = stage.resourcesOfType("AWS::KMS::Key").filter((k) => k.properties.KeyUsage === "SIGN_VERIFY");
  expect(keys).toHaveLength(1);
  const [key] = keys;
  if (!key) throw new Error("no audit signing key in the stage");
  const arn = stage.arnOf(key.stack, key.logicalId);
  const set = stage
    .resourcesOfType("AWS::Lambda::Function")
    .map((f) => (f.properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables)
    .filter((v) => v?.AUDIT_SIGNING_KEY_ID !== undefined)
    .map((v) => v?.AUDIT_SIGNING_KEY_ID);
  expect(set.length).toBeGreaterThan(0);
  expect(new Set(set)).toEqual(new Set([arn]));
  return arn;
}

/** The recorded calls with the recording's placeholder key replaced by the stage's audit key. */
function withStageAuditKey(recorded: SdkCall[]): SdkCall[] {
  const arn = auditKeyArn();
  return recorded.map((c) =>
    c.client === "KMSClient" && c.input.KeyId === AUDIT_KEY_PLACEHOLDER
      ? { ...c, input: { ...c.input, KeyId: arn } }
      : c,
  );
}

function denial(v: IamVerdict): string {
  return `${callerName(v.request.caller)}: ${v.request.action} on ${v.request.resource} → ${v.result}${v.errors ? ` ${v.errors}` : ""}`;
}

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "switchyard-iam-"));
  try {
    const out = join(dir, "calls.json");
    // The flows run in a process of their own (handlers bind their environment at import) while
    // this one synthesizes the stage.
    const recording = promisify(execFile)(process.execPath, ["--import", "tsx", RECORDER, out], {
      maxBuffer: 64 * 1024 * 1024,
    });
    stage = synthesizeIamStage();
    functions = stage.functions();
    evaluator = new PolicyEvaluator(stage);
    await recording;
    calls = withStageAuditKey(JSON.parse(await readFile(out, "utf8")) as SdkCall[]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);

describe("IAM, proven offline", () => {
  it("allows every AWS call the Lambdas make in the stage's flows, and the key use each implies", async () => {
    const requests = requestsOf(calls);
    const verdicts = await Promise.all(requests.map((r) => evaluator.evaluate(r)));
    const denied = verdicts.filter((v) => v.result !== "Allowed").map(denial);
    const pairs = new Set(requests.map((r) => `${r.action} ${r.resource}`));
    const recordedFunctions = new Set(calls.map((c) => c.function));
    console.log(
      `IAM, proven offline: ${calls.length} SDK calls from ${recordedFunctions.size} functions → ` +
        `${requests.length} requests, ${pairs.size} distinct action/resource pairs checked, ${denied.length} denied`,
    );

    expect(denied).toEqual([]);
    expect(calls.length).toBeGreaterThan(150);
  });

  it("records the calls of every Lambda the flows drive, each one a function of the stage", () => {
    const recorded = new Set(calls.map((c) => c.function));
    for (const name of [
      "api",
      "dispatcher",
      "data-arrived",
      "trade-events",
      "failed-run",
      "notifier",
      "triage: start",
      "triage: node detect",
      "triage: commit",
      "reconciliation: node partition",
      "reconciliation: node match",
      "reconciliation: node summarize",
      "investigation: node supervisor",
    ]) {
      expect(recorded.has(name), name).toBe(true);
    }
    // Every recorded name resolves to exactly one deployed function (throws otherwise).
    expect(new Set([...recorded].map((n) => stageFunction(functions, n).logicalId)).size).toBe(recorded.size);
  });

  it("records what the checkpoint reads really ask for: BatchGetItem from the API, not only GetItem", () => {
    const api = calls.filter((c) => c.function === "api").map((c) => c.operation);
    expect(api).toContain("BatchGetItem");
    expect(calls.some((c) => c.client === "SFNClient" && c.operation === "StartExecution")).toBe(true);
    expect(calls.some((c) => c.client === "SecretsManagerClient" && c.operation === "GetSecretValue")).toBe(
      true,
    );
  });

  it("denies, naming function, action and resource, what a role was not granted", async () => {
    const node = stageFunction(functions, "triage: node detect");
    const api = stageFunction(functions, "api");
    const verdicts = await Promise.all(
      [
        // Nodes write runs/ and generated/, never the desk's incoming files.
        {
          caller: node,
          action: "s3:PutObject",
          resource: "arn:aws:s3:::switchyard-dev-data/incoming/2026-11-24/trades.csv",
        },
        // The API starts runs through the queue, never Step Functions itself.
        {
          caller: api,
          action: "states:StartExecution",
          resource: "arn:aws:states:us-east-1:123456789012:stateMachine:switchyard-dev-triage",
        },
        // A node's role has no key use through SQS.
        ...evaluator.keyRequests({
          caller: node,
          action: "sqs:SendMessage",
          resource: "arn:aws:sqs:us-east-1:123456789012:switchyard-dev-requests",
        }),
      ].map((r) => evaluator.evaluate(r)),
    );
    expect(verdicts.map((v) => v.result)).toEqual([
      "ImplicitlyDenied",
      "ImplicitlyDenied",
      "ImplicitlyDenied",
      "ImplicitlyDenied",
    ]);
    expect(denial(verdicts[0] as IamVerdict)).toMatch(
      /^Switchyard dev triage: node detect \(TriageNodedetectFunction\w+\): s3:PutObject on arn:aws:s3:::switchyard-dev-data\/incoming\/2026-11-24\/trades\.csv → ImplicitlyDenied$/,
    );
  });

  it("lets a state machine start executions of itself only (continue-as-new's Continue state)", async () => {
    const machineArn = (name: string) =>
      `arn:aws:states:us-east-1:123456789012:stateMachine:switchyard-dev-${name}`;
    const machine = stage
      .resourcesOfType("AWS::StepFunctions::StateMachine")
      .find((m) => m.properties.StateMachineName === "switchyard-dev-triage");
    if (!machine) throw new Error("no triage state machine in the stage");
    const roleArn = String(machine.properties.RoleArn);
    const roleName = roleArn.split("/").pop() ?? "";
    const identityPolicies = stage
      .resourcesOfType("AWS::IAM::Policy")
      .filter((p) => ((p.properties.Roles as string[]) ?? []).includes(roleName))
      .map((p) => ({ name: p.logicalId, policy: p.properties.PolicyDocument as never }));
    expect(identityPolicies.length).toBeGreaterThan(0);
    const caller = {
      stack: machine.stack,
      logicalId: machine.logicalId,
      description: "triage state machine",
      arn: machineArn("triage"),
      roleArn,
      identityPolicies,
    };
    const verdicts = await Promise.all(
      [machineArn("triage"), machineArn("reconciliation")].map((resource) =>
        evaluator.evaluate({ caller, action: "states:StartExecution", resource }),
      ),
    );
    expect(verdicts.map((v) => v.result)).toEqual(["Allowed", "ImplicitlyDenied"]);
  });

  it("refuses to judge a call it cannot map, rather than passing it", () => {
    expect(() =>
      iamRequests({ function: "api", client: "EC2Client", operation: "RunInstances", input: {} }),
    ).toThrow(/no IAM mapping for EC2Client.RunInstances/);
    expect(() => stageFunction(functions, "triage: node nowhere")).toThrow(/names 0 functions/);
  });
});
