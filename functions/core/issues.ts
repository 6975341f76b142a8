import type { z } from "zod";

/** One field a request, event or file got wrong: where (`body.input.dataset.trades`) and why. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** Where the parsed value sits: the request part (`body`, `query`) and the path inside it (`input`). */
export interface IssueScope {
  /** Leads `path` only: `body`, `query`, `header.idempotency-key`. */
  readonly part?: string;
  /** Leads both `path` and the field a message names: `["input"]` for a workflow's input. */
  readonly at?: readonly string[];
}

/** Most issues reported for one value: a body of 10,000 unknown keys gets a bounded answer. */
export const MAX_ISSUES = 20;
/** Longest field name echoed back: a 60 KB key is named by its first characters. */
const MAX_NAME = 64;

/**
 * A zod error as field issues, the one rule for every entry point (API, CLI `--input`, queue
 * and Kafka events): an unknown key is one issue per key, `unknown field <name>`, naming the
 * field from the value's root (`unknown field input.tradeDate`), never silently dropped; every
 * other issue keeps zod's message. At most {@link MAX_ISSUES}, the last saying how many more.
 *
 * @example
 * fieldIssues(TriageInput.safeParse({ tradeDate: "x" }).error!, { part: "body", at: ["input"] });
 * // [{ path: "body.input.tradeDate", message: "unknown field input.tradeDate" }]
 */
export function fieldIssues(error: z.ZodError, scope: IssueScope = {}): FieldIssue[] {
  const at = scope.at ?? [];
  const lead = scope.part ? [scope.part, ...at] : [...at];
  const issues = error.issues.flatMap((issue): FieldIssue[] => {
    const inner = issue.path.map((p) => nameOf(String(p)));
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => {
        const field = [...at, ...inner, nameOf(key)];
        return {
          path: [...lead, ...inner, nameOf(key)].join("."),
          message: `unknown field ${field.join(".")}`,
        };
      });
    }
    return [{ path: [...lead, ...inner].join("."), message: issue.message }];
  });
  if (issues.length <= MAX_ISSUES) return issues;
  const more = issues.length - (MAX_ISSUES - 1);
  return [...issues.slice(0, MAX_ISSUES - 1), { path: lead.join("."), message: `and ${more} more issues` }];
}

/**
 * The issues as one line for an error message: an unknown-field issue by its message alone
 * (it names the field), any other as `path: message`.
 *
 * @example
 * issueSummary([{ path: "body.input.tradeDate", message: "unknown field input.tradeDate" }]); // "unknown field input.tradeDate"
 */
export function issueSummary(issues: readonly FieldIssue[]): string {
  return issues
    .map((i) => (i.message.startsWith("unknown field ") || !i.path ? i.message : `${i.path}: ${i.message}`))
    .join("; ");
}

/**
 * A field name as an issue echoes it: whole up to 64 characters, else its first 64 and `…`.
 *
 * @example
 * nameOf("k".repeat(400)) === `${"k".repeat(64)}…`; // true
 */
export function nameOf(key: string): string {
  return key.length <= MAX_NAME ? key : `${key.slice(0, MAX_NAME)}…`;
}
