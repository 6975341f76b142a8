import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App } from "aws-cdk-lib";
import type { WorkflowDefinition } from "#engine";
import { workflows as registered } from "#workflows";
import { defineSwitchyard } from "./switchyard-app.ts";

/** A CloudFormation template, as far as the plan reads it. */
export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
}
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}

/** One synthesized stack: its name, template and what the CDK bootstrap must provide. */
export interface SynthesizedStack {
  readonly stackName: string;
  readonly template: Template;
  /** Bytes of the template as CloudFormation receives it. */
  readonly templateBytes: number;
  /** The bootstrap stack version the stack's synthesizer requires (absent for legacy synthesis). */
  readonly requiresBootstrapStackVersion?: number;
}

/**
 * The context key that tells CDK which stacks to bundle assets for; an empty list skips every
 * bundle (the templates are the same but for asset hashes), so a plan synthesizes in seconds.
 */
const BUNDLING_STACKS = "aws:cdk:bundling-stacks";

/**
 * cdk.json's flag for CDK's own template validation at synth (property limits, e.g. a rule's
 * 512-character description): most of a large synth's time.
 */
const VALIDATE_TEMPLATES = "@aws-cdk/core:validateAgainstDefaultRules";

export interface SynthesizeOptions {
  /** Run CDK's template validation as `cdk synth` does (default true); off only to measure sizes fast. */
  readonly validateTemplates?: boolean;
}

/** cdk.json's context: the feature flags `cdk synth` runs with, so the templates are the deployed ones. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(resolve(import.meta.dirname, "../cdk.json"), "utf8")) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * Synthesizes a stage as `cdk synth` would (the same `defineSwitchyard`, cdk.json's context
 * overridden by the given one, e.g. `{ stage: "prod", modelProvider: "bedrock", … }`),
 * without bundling the Lambdas, and returns its stacks. What a deploy will ask of an account
 * (reserved concurrency, fixed names, bootstrap version) is read from these templates, never
 * restated by hand.
 *
 * @example
 * const stacks = synthesizeStage({ stage: "dev" });
 * stacks.map((s) => s.stackName); // ["switchyard-dev-core", "switchyard-dev-ops", …]
 */
export function synthesizeStage(
  context: Record<string, unknown>,
  workflows?: Readonly<Record<string, WorkflowDefinition>>,
  options: SynthesizeOptions = {},
): SynthesizedStack[] {
  const outdir = mkdtempSync(join(tmpdir(), "switchyard-plan-"));
  try {
    const app = new App({
      outdir,
      context: {
        ...cdkJsonContext(),
        ...context,
        [BUNDLING_STACKS]: [],
        ...(options.validateTemplates === false ? { [VALIDATE_TEMPLATES]: false } : {}),
      },
    });
    // cdk-nag is `cdk synth`'s gate (test/unit/cdk-nag.test.ts), not part of what a plan reads.
    defineSwitchyard(app, { nag: false, workflows: workflows ?? registered });
    return app.synth().stacks.map((s) => {
      const properties = s.manifest.properties as { requiresBootstrapStackVersion?: number } | undefined;
      return {
        stackName: s.stackName,
        template: s.template as Template,
        templateBytes: Buffer.byteLength(JSON.stringify(s.template)),
        ...(properties?.requiresBootstrapStackVersion
          ? { requiresBootstrapStackVersion: properties.requiresBootstrapStackVersion }
          : {}),
      };
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** What a stage's first deploy needs from the account, read from its templates. */
export interface StagePlan {
  readonly stackNames: readonly string[];
  /** The highest bootstrap version any stack requires. */
  readonly bootstrapVersion: number;
  /** Reserved concurrency the Lambdas claim, in total, and by function (logical id in its stack). */
  readonly reservedConcurrency: number;
  readonly reservations: readonly {
    readonly stack: string;
    readonly function: string;
    readonly reserved: number;
  }[];
  /** Resources kept when their stack goes, with names fixed by the stage: a leftover collides. */
  readonly retainedNames: readonly RetainedName[];
  /** Whether a stack sets the region's API Gateway CloudWatch role (`AWS::ApiGateway::Account`). */
  readonly setsApiGatewayAccountRole: boolean;
}

export interface RetainedName {
  readonly kind: "table" | "log group" | "bucket";
  readonly name: string;
  readonly stack: string;
}

/** The property that names each kind of retained resource the doctor can look up. */
const NAME_PROPERTY: Readonly<Record<string, { kind: RetainedName["kind"]; property: string }>> = {
  "AWS::DynamoDB::Table": { kind: "table", property: "TableName" },
  "AWS::Logs::LogGroup": { kind: "log group", property: "LogGroupName" },
  "AWS::S3::Bucket": { kind: "bucket", property: "BucketName" },
};

/** Deletion policies that leave the resource behind when its stack is deleted. */
const KEPT_ON_DELETE = new Set(["Retain", "RetainExceptOnCreate"]);

/**
 * The plan of a stage from its synthesized stacks.
 *
 * @example
 * planOf(synthesizeStage({ stage: "dev" })).reservedConcurrency; // 0 unless nodes reserve some
 */
export function planOf(stacks: readonly SynthesizedStack[]): StagePlan {
  const reservations: { stack: string; function: string; reserved: number }[] = [];
  const retainedNames: RetainedName[] = [];
  let setsApiGatewayAccountRole = false;
  for (const s of stacks) {
    for (const [id, resource] of Object.entries(s.template.Resources ?? {})) {
      const reserved = resource.Properties?.ReservedConcurrentExecutions;
      if (resource.Type === "AWS::Lambda::Function" && typeof reserved === "number") {
        reservations.push({ stack: s.stackName, function: id, reserved });
      }
      if (resource.Type === "AWS::ApiGateway::Account") setsApiGatewayAccountRole = true;
      const naming = NAME_PROPERTY[resource.Type];
      const name = naming ? resource.Properties?.[naming.property] : undefined;
      // A name built from tokens (e.g. the account id) is still fixed per stage, but only a
      // literal can be looked up before deploy; the stage's names are literals.
      if (naming && typeof name === "string" && KEPT_ON_DELETE.has(resource.DeletionPolicy ?? "")) {
        retainedNames.push({ kind: naming.kind, name, stack: s.stackName });
      }
    }
  }
  return {
    stackNames: stacks.map((s) => s.stackName),
    bootstrapVersion: Math.max(0, ...stacks.map((s) => s.requiresBootstrapStackVersion ?? 0)),
    reservedConcurrency: reservations.reduce((sum, r) => sum + r.reserved, 0),
    reservations,
    retainedNames,
    setsApiGatewayAccountRole,
  };
}
