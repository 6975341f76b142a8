import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkRepository, commentsOf, findingsIn, type Repository } from "../../scripts/check-links.ts";

// The names the checker refuses, assembled here so this file does not itself cite them.
const DESIGN = ["DESIGN", "md"].join(".");
const STYLE = ["STYLE", "md"].join(".");
const PITFALLS = ["PITFALLS", "md"].join(".");
const SHARED = ["..", "shared"].join("/");

/** A repository holding exactly `files` (and the folders above them). */
function repoOf(...files: string[]): Repository {
  const paths = new Set<string>();
  for (const f of files) {
    const parts = f.split("/");
    for (let i = 1; i <= parts.length; i++) paths.add(parts.slice(0, i).join("/"));
  }
  return { has: (p) => paths.has(p) };
}

const REPO = repoOf("README.md", "docs/architecture.md", "docs/api.md", "functions/engine/asl.ts");

describe("findingsIn: Markdown", () => {
  it("reports a relative link out of the repository, a link to a missing file, and a citation", () => {
    const text = [
      "# Guide",
      `See [the design](${SHARED}/${DESIGN}) for the full design.`,
      "Also [the engine](engine.md) and [a secret](../../etc/passwd).",
      `House rules: ${STYLE} §3.`,
    ].join("\n");

    const findings = findingsIn("docs/guide.md", text, REPO);

    expect(findings).toEqual([
      { file: "docs/guide.md", line: 2, problem: `cites ${SHARED}, which is outside the repository` },
      { file: "docs/guide.md", line: 2, problem: `cites ${DESIGN}, which is outside the repository` },
      {
        file: "docs/guide.md",
        line: 3,
        problem: "links to engine.md, which is not in the repository (missing or untracked)",
      },
      { file: "docs/guide.md", line: 3, problem: "../../etc/passwd resolves outside the repository" },
      { file: "docs/guide.md", line: 4, problem: `cites ${STYLE}, which is outside the repository` },
    ]);
  });

  it("accepts links to tracked files, folders and anchors, and loopback examples", () => {
    const text = [
      "Read [the architecture](architecture.md#the-layout), [the API](./api.md) and [the house](../README.md).",
      "Code lives in [functions](../functions/engine/) and [the builder](/functions/engine/asl.ts).",
      "Jump to [a section](#guide). Local server: http://127.0.0.1:3000/runs and <http://localhost:3000>.",
      "Mentioned: docs/architecture.md and `docs/api.md`.",
    ].join("\n");

    expect(findingsIn("docs/guide.md", text, REPO)).toEqual([]);
  });

  it("refuses addresses outside the repository, in prose and in code blocks alike", () => {
    const text = [
      "Spec: [semconv](https://opentelemetry.io/docs/specs/semconv/).",
      "```sh",
      "curl https://abc.execute-api.us-east-1.amazonaws.com/prod/runs",
      "curl http://127.0.0.1:3000/metrics",
      "```",
      "Mail [us](mailto:ops@example.com).",
    ].join("\n");

    expect(findingsIn("README.md", text, REPO).map((f) => [f.line, f.problem])).toEqual([
      [1, "links outside the repository: https://opentelemetry.io/docs/specs/semconv/"],
      [3, "links outside the repository: https://abc.execute-api.us-east-1.amazonaws.com/prod/runs"],
      [6, "links outside the repository: mailto:ops@example.com"],
    ]);
  });

  it("does not read links inside a code fence, but still reads citations there", () => {
    const text = ["```ts", `const x = fns[0](arg); // see ${SHARED}/${STYLE}`, "```"].join("\n");

    expect(findingsIn("docs/guide.md", text, REPO).map((f) => f.problem)).toEqual([
      `cites ${SHARED}, which is outside the repository`,
      `cites ${STYLE}, which is outside the repository`,
    ]);
  });
});

describe("findingsIn: TypeScript comments", () => {
  it("reads comments only: a citation in a comment is reported, the same text in a string is not", () => {
    const text = [
      `const label = \`see ${DESIGN} and ${SHARED}\`; // citation in a string: fine`,
      "/**",
      ` * Typed errors (${PITFALLS}), and see docs/missing.md.`,
      " */",
      'const url = "https://example.com/x"; // see docs/architecture.md, "The layout"',
      "// Queue URL example: https://sqs.eu-west-1.amazonaws.com/123456789012/q",
      "// Spec: https://example.com/spec",
    ].join("\n");

    const findings = findingsIn("functions/x/y.ts", text, REPO);

    expect(findings.map((f) => [f.line, f.problem])).toEqual([
      [3, `cites ${PITFALLS}, which is outside the repository`],
      [3, "mentions docs/missing.md, which is not in the repository (missing or untracked)"],
      [7, "links outside the repository: https://example.com/spec"],
    ]);
  });

  it("finds every comment (trailing, before a closing bracket), none in templates or regexes", () => {
    const text = [
      "const a = [",
      "  1, // first",
      "  // last, before the bracket: ../../../outside/x.md",
      "];",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal.
      "const t = `${a.length} // not a comment`;",
      "const r = /\\/\\/ not a comment either/; /* block */",
    ].join("\n");

    expect(commentsOf("x.ts", text).map((c) => [c.line, c.text.trim()])).toEqual([
      [2, "// first"],
      [3, "// last, before the bracket: ../../../outside/x.md"],
      [6, "/* block */"],
    ]);
    expect(findingsIn("x.ts", text, REPO).map((f) => f.problem)).toEqual([
      "../../../outside/x.md climbs out of the repository",
    ]);
  });
});

describe("the repository", () => {
  it("cites and links only itself", () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));

    expect(checkRepository(root)).toEqual([]);
  });
});
