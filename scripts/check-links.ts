/**
 * The repository cites and links only itself: a cloner has nothing outside it. This check scans
 * every tracked `*.md` file and the comments of every tracked `*.ts` file and reports:
 *
 * - a Markdown link (inline, autolink or reference definition) to a path outside the repository
 *   or to a file git does not track;
 * - a relative path that climbs out of the repository through its parent folders;
 * - a mention of a `*.md` file that is not in the repository;
 * - a citation of the old shared documents (DESIGN, STYLE, PITFALLS) or of the shared folder
 *   beside the repository;
 * - an `http(s)://` address, except loopback (`localhost`, `127.0.0.1`) examples and, in code
 *   comments, AWS service endpoints (`*.amazonaws.com`) shown as example values.
 *
 * Exits 1 listing `file:line: problem` for each finding; part of `npm run check`.
 *
 * ```sh
 * npx tsx scripts/check-links.ts
 * ```
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export interface Finding {
  /** Repository-relative path, `/`-separated. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly problem: string;
}

export interface Repository {
  /** Whether a repository-relative path (`/`-separated, no leading `./`) is a tracked file or a folder holding one. */
  has(path: string): boolean;
}

/** Names whose mention is a citation of documents that live outside the repository. */
const OUTSIDE_CITATION = /\b(?:STYLE|DESIGN|PITFALLS)\.md\b|\.\.\/shared\b/g;
const MARKDOWN_LINK = /!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)/;
const URL = /\bhttps?:\/\/[^\s<>()[\]"'`]+/g;
const PARENT_PATH = /(?<![\w./~@-])((?:\.\.\/)+[\w.@~-][\w./@~-]*)/g;
const MD_MENTION = /(?<![\w./~@:-])((?:\.{1,2}\/)*[\w@~-][\w.@~-]*(?:\/[\w.@~-]+)*\.md)\b(?!\.?\w)/g;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The findings in one file's text: all of a `*.md` file, the comments of a `*.ts` file; other
 * files have none.
 *
 * @example
 * findingsIn("docs/api.md", "See [the builder](../functions/engine/asl.ts).", { has: () => false });
 * // [{ file: "docs/api.md", line: 1, problem: "links to ../functions/engine/asl.ts, which is not
 * //    in the repository (missing or untracked)" }]
 */
export function findingsIn(file: string, text: string, repo: Repository): Finding[] {
  if (file.endsWith(".md")) return markdownFindings(file, text, repo);
  if (/\.[cm]?tsx?$/.test(file)) {
    if (!/\.md\b|\.\.\/|\]\(|https?:\/\//.test(text)) return []; // nothing to find: skip parsing
    return commentsOf(file, text).flatMap((c) => lineFindings(file, c.line, c.text, repo, "comment"));
  }
  return [];
}

function markdownFindings(file: string, text: string, repo: Repository): Finding[] {
  const findings: Finding[] = [];
  let fence: string | undefined;
  text.split(/\r?\n/).forEach((line, i) => {
    const opener = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (opener && (fence === undefined || (opener[0] === fence[0] && opener.length >= fence.length))) {
      fence = fence === undefined ? opener : undefined;
    }
    findings.push(...lineFindings(file, i + 1, line, repo, fence === undefined ? "markdown" : "code"));
  });
  return findings;
}

type Context = "markdown" | "code" | "comment";

/** One line's findings; `markdown` lines also have their links checked (not lines inside a code fence). */
function lineFindings(
  file: string,
  line: number,
  text: string,
  repo: Repository,
  context: Context,
): Finding[] {
  const problems: string[] = [];
  const cited = new Set<string>();
  for (const m of text.matchAll(OUTSIDE_CITATION)) {
    cited.add(m[0]);
    problems.push(`cites ${m[0]}, which is outside the repository`);
  }
  for (const m of text.matchAll(URL)) {
    if (!allowedUrl(m[0], context)) problems.push(`links outside the repository: ${m[0]}`);
  }
  const linked = new Set<string>();
  if (context !== "code") {
    const targets = [...text.matchAll(MARKDOWN_LINK)].map((m) => m[1] as string);
    const reference = REFERENCE_DEFINITION.exec(text)?.[1];
    if (reference) targets.push(reference);
    for (const target of targets) {
      linked.add(target);
      const problem = targetProblem(file, target, repo);
      if (problem && !isCited(target, cited)) problems.push(problem);
    }
  }
  for (const m of text.matchAll(PARENT_PATH)) {
    const path = m[1] as string;
    if (linked.has(path) || isCited(path, cited)) continue;
    if (resolveFrom(file, path) === undefined) problems.push(`${path} climbs out of the repository`);
  }
  for (const m of text.matchAll(MD_MENTION)) {
    const path = m[1] as string;
    if (linked.has(path) || isCited(path, cited) || isInsideUrl(text, m.index ?? 0)) continue;
    const inFolder = resolveFrom(file, path);
    if (inFolder === undefined) continue; // climbs out: reported above
    // Relative to the file's folder, or (without a leading `./` or `../`) to the repository root.
    const atRoot = path.startsWith(".") ? undefined : posix.normalize(path);
    if (!repo.has(inFolder) && !(atRoot !== undefined && repo.has(atRoot))) {
      problems.push(`mentions ${path}, which is not in the repository (missing or untracked)`);
    }
  }
  return [...new Set(problems)].map((problem) => ({ file, line, problem }));
}

function isCited(path: string, cited: ReadonlySet<string>): boolean {
  for (const c of cited) if (path.includes(c)) return true;
  return false;
}

function isInsideUrl(text: string, index: number): boolean {
  for (const m of text.matchAll(URL)) {
    const start = m.index ?? 0;
    if (index >= start && index < start + m[0].length) return true;
  }
  return false;
}

function allowedUrl(url: string, context: Context): boolean {
  // Not `new URL()`: examples hold placeholders (`http://127.0.0.1:$PORT`) it refuses.
  const host = /^https?:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url)?.[1]?.toLowerCase() ?? "";
  if (LOOPBACK_HOSTS.has(host)) return true;
  return context === "comment" && (host === "amazonaws.com" || host.endsWith(".amazonaws.com"));
}

/** Why a Markdown link target is wrong, if it is (http(s) addresses are checked as URLs). */
function targetProblem(file: string, target: string, repo: Repository): string | undefined {
  if (target.startsWith("#")) return undefined;
  if (/^https?:\/\//i.test(target)) return undefined;
  if (SCHEME.test(target) || target.startsWith("//")) return `links outside the repository: ${target}`;
  const path = safeDecode(target.replace(/[?#].*$/, ""));
  const resolved = path.startsWith("/") ? posix.normalize(path.slice(1) || ".") : resolveFrom(file, path);
  if (resolved === undefined || resolved.startsWith("../"))
    return `${target} resolves outside the repository`;
  if (resolved !== "." && !repo.has(resolved.replace(/\/$/, ""))) {
    return `links to ${target}, which is not in the repository (missing or untracked)`;
  }
  return undefined;
}

/** `path` relative to `file`'s folder, repository-relative; undefined when it climbs out. */
function resolveFrom(file: string, path: string): string | undefined {
  const joined = posix.normalize(posix.join(posix.dirname(file), path));
  return joined === ".." || joined.startsWith("../") ? undefined : joined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Every comment of a TypeScript file, with the line it starts on. */
export function commentsOf(file: string, text: string): { line: number; text: string }[] {
  const kind = file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const ranges = new Map<number, ts.CommentRange>();
  const collect = (pos: number) => {
    for (const r of ts.getLeadingCommentRanges(text, pos) ?? []) ranges.set(r.pos, r);
    for (const r of ts.getTrailingCommentRanges(text, pos) ?? []) ranges.set(r.pos, r);
  };
  // Every token's leading trivia, so no comment is missed; JSDoc nodes are comments themselves.
  const visit = (node: ts.Node) => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    collect(node.pos);
    collect(node.end);
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  return [...ranges.values()]
    .sort((a, b) => a.pos - b.pos)
    .flatMap((r) => {
      const first = source.getLineAndCharacterOfPosition(r.pos).line + 1;
      return text
        .slice(r.pos, r.end)
        .split(/\r?\n/)
        .map((t, i) => ({ line: first + i, text: t }));
    });
}

/** Tracked files and the folders that hold them, from `git ls-files` at `root`. */
export function trackedRepository(root: string): { files: string[]; repo: Repository } {
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 })
    .split("\0")
    .filter((f) => f !== "");
  const paths = new Set<string>();
  for (const f of files) {
    paths.add(f);
    for (let d = posix.dirname(f); d !== "."; d = posix.dirname(d)) paths.add(d);
  }
  return { files, repo: { has: (p) => paths.has(p) } };
}

/** The findings of the whole repository at `root`. */
export function checkRepository(root: string): Finding[] {
  const { files, repo } = trackedRepository(root);
  return files
    .filter((f) => /\.(?:md|[cm]?tsx?)$/.test(f) && existsSync(posix.join(root, f)))
    .flatMap((f) => findingsIn(f, readFileSync(posix.join(root, f), "utf8"), repo));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const root = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();
  const findings = checkRepository(root);
  for (const f of findings) console.error(`${f.file}:${f.line}: ${f.problem}`);
  if (findings.length > 0) {
    console.error(
      `check-links: ${findings.length} finding(s); the repository must cite and link only itself.`,
    );
    process.exit(1);
  }
  console.log("check-links: no links or citations outside the repository.");
}
