import type { SynthesizedStack, Template } from "./stage-plan.ts";

/** CloudFormation: resources per template. */
export const MAX_RESOURCES = 500;
/** CloudFormation: bytes of a template (uploaded through S3, as `cdk deploy` does). */
export const MAX_TEMPLATE_BYTES = 1_048_576;
/** IAM: characters of all inline policies of one role together, whitespace excluded. */
export const MAX_ROLE_INLINE_CHARS = 10_240;
/** An intrinsic (Ref, GetAtt, an import) counted as the longest ARN it could become. */
const RESOLVED = "x".repeat(140);
/** Pseudo parameters at their longest values (partition aws-iso-b, a 14-character region, an account id). */
const PSEUDO: Readonly<Record<string, number>> = {
  "AWS::Partition": 9,
  "AWS::Region": 14,
  "AWS::AccountId": 12,
  "AWS::URLSuffix": 13,
};

/** The largest figure of one kind, and where. */
export interface Largest {
  readonly where: string;
  readonly value: number;
}

export interface StackLimitsReport {
  readonly resources: Largest;
  readonly bytes: Largest;
  readonly roleInlineChars: Largest;
  /** Every limit a stack or role breaks, e.g. `switchyard-dev-ops: 512 resources (limit 500)`. */
  readonly violations: readonly string[];
}

/**
 * Measures synthesized stacks against the limits CloudFormation and IAM enforce only at deploy:
 * resources and bytes per template, and each role's inline policies (intrinsics counted at an
 * ARN's length, so a passing role passes once resolved).
 *
 * @example
 * stackLimits(synthesizeStage({ stage: "dev" })).violations; // []
 */
export function stackLimits(stacks: readonly SynthesizedStack[]): StackLimitsReport {
  const violations: string[] = [];
  let resources: Largest = { where: "", value: 0 };
  let bytes: Largest = { where: "", value: 0 };
  let roleInlineChars: Largest = { where: "", value: 0 };
  for (const s of stacks) {
    const count = Object.keys(s.template.Resources ?? {}).length;
    if (count >= MAX_RESOURCES)
      violations.push(`${s.stackName}: ${count} resources (limit ${MAX_RESOURCES})`);
    if (s.templateBytes >= MAX_TEMPLATE_BYTES)
      violations.push(`${s.stackName}: ${s.templateBytes} bytes (limit ${MAX_TEMPLATE_BYTES})`);
    if (count > resources.value) resources = { where: s.stackName, value: count };
    if (s.templateBytes > bytes.value) bytes = { where: s.stackName, value: s.templateBytes };
    for (const [role, chars] of inlinePolicyChars(s.template)) {
      const where = `${s.stackName}/${role}`;
      if (chars >= MAX_ROLE_INLINE_CHARS)
        violations.push(`${where}: inline policies of ${chars} characters (limit ${MAX_ROLE_INLINE_CHARS})`);
      if (chars > roleInlineChars.value) roleInlineChars = { where, value: chars };
    }
  }
  return { resources, bytes, roleInlineChars, violations };
}

/** Characters of each role's inline policies together (its own and attached AWS::IAM::Policy), by logical id. */
export function inlinePolicyChars(template: Template): Map<string, number> {
  const chars = new Map<string, number>();
  const add = (role: string, doc: unknown) =>
    chars.set(role, (chars.get(role) ?? 0) + JSON.stringify(rendered(doc)).length);
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    if (r.Type === "AWS::IAM::Role") {
      for (const p of (r.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? [])
        add(id, p.PolicyDocument);
    }
    if (r.Type === "AWS::IAM::Policy") {
      for (const role of (r.Properties?.Roles as { Ref?: string }[] | undefined) ?? [])
        if (role.Ref) add(role.Ref, r.Properties?.PolicyDocument);
    }
  }
  return chars;
}

/** A policy document as IAM would count it: joins flattened, pseudo parameters and other intrinsics at their longest. */
function rendered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rendered);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    const join = o["Fn::Join"] as [string, unknown[]] | undefined;
    if (join) return join[1].map((p) => (typeof p === "string" ? p : String(rendered(p)))).join(join[0]);
    const pseudo = typeof o.Ref === "string" ? PSEUDO[o.Ref] : undefined;
    if (pseudo) return "x".repeat(pseudo);
    const keys = Object.keys(o);
    if (keys.length === 1 && (keys[0]?.startsWith("Fn::") || keys[0] === "Ref")) return RESOLVED;
    return Object.fromEntries(keys.map((k) => [k, rendered(o[k])]));
  }
  return value;
}

/**
 * `count` copies of `workflow` under distinct names of the longest length allowed (40
 * characters), so ARN lists in shared policies and rules are their largest.
 */
export function manyWorkflows<W extends { readonly name: string }>(
  workflow: W,
  count: number,
): Record<string, W> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => {
      const suffix = `-${String(i).padStart(3, "0")}`;
      const name = `${workflow.name.padEnd(40 - suffix.length, "x")}${suffix}`;
      return [name, { ...workflow, name }];
    }),
  );
}
