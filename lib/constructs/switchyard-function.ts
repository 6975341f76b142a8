import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { type Policy, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { DISABLE_ASSET_STAGING_CONTEXT } from "aws-cdk-lib/cx-api";
import { Construct } from "constructs";
import { bundleLambdaSync } from "../bundling/bundle-sync.ts";
import { HANDLER_MODULE } from "../bundling/options.ts";

export { CREATE_REQUIRE_BANNER } from "../bundling/options.ts";

/**
 * The repository root, where relative entries are resolved, whatever the cwd (in the published
 * package, `switchyard/cdk` built by scripts/build.ts to the same depth, the package's root).
 */
const REPO_ROOT = resolve(import.meta.dirname, "../..");

/** X-Ray's write actions have no resource-level permissions: the only wildcard a function role may hold. */
const XRAY_ACTIONS = new Set(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]);

export interface SwitchyardFunctionProps {
  /** Handler file, absolute or relative to the repository root, e.g. `functions/handlers/health.ts`. */
  readonly entry: string;
  /** Exported handler name (default `handler`). */
  readonly handler?: string;
  readonly description?: string;
  /** Variables the handler reads through `#config` `readEnv()`; set by the stack, never hard-coded. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Default 30 s. */
  readonly timeout?: Duration;
  /** Default 1024 MB: on ARM64 it also buys CPU, and the LangGraph bundle's import takes ~260 ms. */
  readonly memorySize?: number;
  /** Default one month; the log group outlives the stack (RETAIN) for audit, expiring by this. */
  readonly logRetention?: RetentionDays;
  /** Reserved concurrency, to protect downstream systems (default: unreserved). */
  readonly reservedConcurrentExecutions?: number;
  /** Packages left out of the bundle (loaded at run time only if ever needed, e.g. unused model providers). */
  readonly externalModules?: readonly string[];
}

/**
 * A Lambda function with Switchyard's house defaults: Node.js 24 on ARM64, its code built by
 * `lib/bundling` (the esbuild configuration the engine bench measures: ESM, minified, `node24`,
 * lazy chunks, source maps beside; one build per handler and externals in a synth, shared by
 * every function that runs that handler), X-Ray active tracing, its own log group with a set
 * retention, and a role that holds only what it is granted (no `AWSLambdaBasicExecutionRole`: it may write to its own log group alone).
 *
 * Grant access through {@link SwitchyardFunction.function} (e.g. `table.grantReadWriteData(fn.function)`).
 * A validation fails synth if anything but X-Ray is granted on `Resource: "*"`, which keeps the
 * one cdk-nag acknowledgement here (`AwsSolutions-IAM5[Resource::*]`) from hiding anything else.
 *
 * @example
 * const health = new SwitchyardFunction(this, "Health", {
 *   entry: "functions/handlers/health.ts",
 *   environment: { SWITCHYARD_STAGE: "dev" },
 * });
 * health.function.functionArn;
 */
export class SwitchyardFunction extends Construct {
  readonly function: LambdaFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: SwitchyardFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, "Logs", {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Our own role instead of the default one, which attaches the AWS-managed
    // AWSLambdaBasicExecutionRole (logs on every log group in the account).
    this.role = new Role(this, "Role", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `Execution role of ${this.node.path}`,
    });
    this.logGroup.grantWrite(this.role);

    const entry = isAbsolute(props.entry) ? props.entry : join(REPO_ROOT, props.entry);
    this.function = new LambdaFunction(this, "Function", {
      // Stacks a `cdk deploy <stack>` leaves out are not bundled (as CDK's own asset bundling).
      code: Code.fromAsset(
        Stack.of(this).bundlingRequired
          ? bundleLambdaSync(
              { entry, external: props.externalModules ?? [] },
              { keep: Boolean(this.node.tryGetContext(DISABLE_ASSET_STAGING_CONTEXT)) },
            )
          : unbundledPlaceholder(),
      ),
      handler: `${HANDLER_MODULE}.${props.handler ?? "handler"}`,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      environment: { ...props.environment },
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    });

    Validations.of(this.role).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no " +
        "resource-level permissions; SwitchyardFunction fails synth if any other action gets Resource '*'.",
    });
    this.node.addValidation({ validate: () => this.wildcardGrantsBeyondXRay() });
  }

  /** Actions the role's default policy (where grants land) allows on every resource, X-Ray excepted. */
  private wildcardGrantsBeyondXRay(): string[] {
    const policy = this.role.node.tryFindChild("DefaultPolicy") as Policy | undefined;
    if (!policy) return [];
    const document = Stack.of(this).resolve(policy.document) as { Statement?: PolicyStatementJson[] };
    const offending = (document.Statement ?? [])
      .filter((s) => s.Effect === "Allow" && asList(s.Resource).includes("*"))
      .flatMap((s) => asList(s.Action).map(String))
      .filter((action) => !XRAY_ACTIONS.has(action));
    return offending.length === 0
      ? []
      : [
          `${this.node.path}: ${offending.join(", ")} granted on Resource '*'. Scope the grant to ` +
            "resource ARNs; only X-Ray may use '*' here.",
        ];
  }
}

let placeholder: string | undefined;

/** The asset of a function whose stack this synth does not deploy: one empty directory per process. */
function unbundledPlaceholder(): string {
  if (!placeholder) {
    placeholder = mkdtempSync(join(tmpdir(), "switchyard-unbundled-"));
    writeFileSync(join(placeholder, "README"), "Not bundled: this stack was not selected for deployment.\n");
  }
  return placeholder;
}

interface PolicyStatementJson {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
