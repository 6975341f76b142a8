import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * No credential in the repository: every tracked (and not ignored) text file is scanned for
 * credential-shaped literals. Secrets belong in `.env` locally (git-ignored) and in Secrets
 * Manager / SSM in AWS. A hit names the file, line and kind — never the value.
 */
const CREDENTIAL_PATTERNS: readonly { kind: string; pattern: RegExp }[] = [
  { kind: "AWS access key id", pattern: /\b(AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/ },
  {
    kind: "AWS secret access key",
    pattern: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+]{40}\b/i,
  },
  { kind: "private key", pattern: /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/ },
  { kind: "Slack webhook", pattern: /hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/ },
  { kind: "Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: "OpenAI/Anthropic API key", pattern: /\bsk-(proj-|ant-)?[A-Za-z0-9_-]{32,}/ },
  { kind: "GitHub token", pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { kind: "JSON web token", pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
  {
    kind: "password or secret literal",
    pattern: /\b(password|passwd|secret|api_?key|token)["']?\s*[:=]\s*["'][^"'\s${}<>]{12,}["']/i,
  },
];

/** Files git would commit: tracked plus untracked-but-not-ignored, so a new file is checked before its commit. */
function repositoryFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: new URL("../..", import.meta.url),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return out
    .split("\0")
    .filter(
      (f) => f !== "" && !/(^|\/)package-lock\.json$|\.(png|jpe?g|gif|ico|pdf|zip|gz|parquet)$/i.test(f),
    );
}

/** AWS's documentation placeholders (the access key id ending `…EXAMPLE`, `…EXAMPLEKEY`) are public and never valid. */
const DOCUMENTED_EXAMPLE = /EXAMPLE/;

function findCredentials(text: string): { line: number; kind: string }[] {
  const hits: { line: number; kind: string }[] = [];
  text.split("\n").forEach((content, i) => {
    for (const { kind, pattern } of CREDENTIAL_PATTERNS) {
      const found = pattern.exec(content)?.[0];
      if (found && !DOCUMENTED_EXAMPLE.test(found)) hits.push({ line: i + 1, kind });
    }
  });
  return hits;
}

describe("credentials in source", () => {
  it("no file in the repository holds a credential-like literal", () => {
    const root = new URL("../../", import.meta.url);
    const hits = repositoryFiles().flatMap((file) => {
      let text: string;
      try {
        text = readFileSync(new URL(file, root), "utf8");
      } catch {
        return []; // deleted in the work tree
      }
      return findCredentials(text).map((h) => `${file}:${h.line} ${h.kind}`);
    });

    expect(hits).toEqual([]);
  });

  it("the scanner is live: it finds each kind in a synthetic sample", () => {
    // Built at run time so this file never holds a credential-shaped literal itself.
    const samples = [
      `const id = "${"AKIA"}${"Q".repeat(16)}";`,
      `aws_secret_access_key = ${"a1B2".repeat(10)}`,
      `-----BEGIN ${"RSA "}PRIVATE KEY-----`,
      `https://hooks.slack.com/${"services"}/T0${"1"}/B0${"2"}/${"x".repeat(24)}`,
      `${"xoxb"}-123456789012-abcdef`,
      `${"sk-"}${"a".repeat(40)}`,
      `${"ghp"}_${"A".repeat(36)}`,
      `${"eyJ"}hbGciOiJIUzI1.${"eyJ"}zdWIiOiIxMjM0.c2lnbmF0dXJlX2hlcmU`,
      `password: "${"hunter2hunter2"}"`,
    ];
    for (const sample of samples) expect(findCredentials(sample), sample.slice(0, 12)).toHaveLength(1);
    expect(findCredentials('secret: process.env.OPENAI_API_KEY ?? ""')).toEqual([]);
    expect(findCredentials(`accessKeyId: "${"AKIA"}IOSFODNN7${"EXAMPLE"}"`)).toEqual([]);
  });

  it(".env is git-ignored, and .env.example assigns no value", () => {
    const ignored = execFileSync("git", ["check-ignore", "-q", ".env"], {
      cwd: new URL("../..", import.meta.url),
      stdio: "ignore",
    });
    expect(ignored).toBeNull();
    const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    const assigned = example.split("\n").filter((l) => /^[A-Z0-9_]+=\S/.test(l));
    expect(assigned).toEqual([]);
  });
});
