/**
 * @module Loads a policy file (YAML or JSON) and validates it against the schema, reporting every problem
 * at once, each with its path (`rules[2].match.groupIds`), what was expected and what was found.
 */

import { LineCounter, parseDocument } from "yaml";
import type { Document } from "yaml";
import type { z } from "zod";
import { didYouMean } from "./closest";
import { knownKeysAt, PolicySchema } from "./schema";
import type { Policy } from "./schema";

/** One problem in a policy file. */
export interface PolicyIssue {
  /** Where: `rules[2].match.groupIds`, `(root)` for the document itself. */
  path: string;
  /** What was expected and what was found. */
  message: string;
  /** 1-based line in the file, when known. */
  line?: number;
}

/** Every problem found in a policy file, in one error. */
export class PolicyError extends TypeError {
  override readonly name = "PolicyError";
  readonly issues: readonly PolicyIssue[];
  readonly source: string | undefined;

  constructor(issues: readonly PolicyIssue[], source?: string, options?: ErrorOptions) {
    const where = source === undefined ? "" : ` in ${source}`;
    const lines = issues.map((i) => `  ${i.path}: ${i.message}${i.line === undefined ? "" : ` (line ${i.line})`}`);
    super(`Invalid policy${where}: ${issues.length} ${issues.length === 1 ? "problem" : "problems"}\n${lines.join("\n")}`, options);
    this.issues = issues;
    this.source = source;
  }
}

export interface LoadPolicyOptions {
  /** `json` parses strictly as JSON; `yaml` (the default) also reads JSON, which is a subset of YAML. */
  format?: "yaml" | "json";
  /** Where the text came from (a file name), for messages. */
  source?: string;
}

const ROOT = "(root)";

/** Parses and validates a policy. Throws one `PolicyError` listing every problem. */
export function loadPolicy(text: string, options: LoadPolicyOptions = {}): Policy {
  const { format = options.source?.toLowerCase().endsWith(".json") ? "json" : "yaml", source } = options;
  if (typeof text !== "string") throw new PolicyError([{ path: ROOT, message: `expected the policy text as a string, got ${typeof text}` }], source);
  const { value, document, lineCounter } = format === "json" ? parseJson(text, source) : parseYaml(text, source);
  const result = PolicySchema.safeParse(value);
  if (result.success) return result.data;
  const issues = withoutFalseCatchAlls(result.error.issues).flatMap(rawIssues).map((issue) => toPolicyIssue(issue, document, lineCounter));
  // In file order, which is how people fix them.
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  throw new PolicyError(issues, source, { cause: result.error });
}

interface Parsed {
  value: unknown;
  document?: Document;
  lineCounter?: LineCounter;
}

function parseJson(text: string, source: string | undefined): Parsed {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new PolicyError([{ path: ROOT, message: `expected valid JSON: ${message}` }], source, { cause });
  }
}

function parseYaml(text: string, source: string | undefined): Parsed {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const issues = document.errors.map((error) => {
      const line = lineCounter.linePos(error.pos[0]).line;
      return { path: ROOT, message: `expected valid YAML: ${error.message}`, line };
    });
    throw new PolicyError(issues, source, { cause: document.errors[0] });
  }
  try {
    // Bounded alias expansion guards against "billion laughs" documents.
    return { value: document.toJS({ maxAliasCount: 100 }) as unknown, document, lineCounter };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new PolicyError([{ path: ROOT, message: `expected valid YAML with few aliases: ${message}` }], source, { cause });
  }
}

/** A validation issue with its path still as keys, before the path is formatted. */
interface RawIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * A rule whose only fault is a misspelt key (`mach:` for `match:`) looks like a catch-all; its key is
 * reported, not every later rule as "never reached".
 */
function withoutFalseCatchAlls(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const misspelt = new Set(issues.filter((i) => i.code === "unrecognized_keys" && i.path.length === 2 && i.path[0] === "rules").map((i) => i.path[1]));
  return issues.filter((i) => !(i.code === "custom" && misspelt.has((i.params as { catchAll?: number } | undefined)?.catchAll)));
}

function rawIssues(issue: z.core.$ZodIssue): RawIssue[] {
  if (issue.code !== "unrecognized_keys") return [{ path: issue.path, message: issue.message }];
  const known = knownKeysAt(issue.path) ?? [];
  return issue.keys.map((key) => ({ path: [...issue.path, key], message: `unknown key${didYouMean(key, known)}; expected one of ${known.join(", ")}` }));
}

function toPolicyIssue(issue: RawIssue, document: Document | undefined, lineCounter: LineCounter | undefined): PolicyIssue {
  const path = formatPath(issue.path);
  if (document === undefined || lineCounter === undefined || issue.path.length === 0) return { path, message: issue.message };
  // The deepest node on the path that exists: a missing key points at the mapping that lacks it.
  for (let length = issue.path.length; length >= 1; length--) {
    const node = document.getIn(issue.path.slice(0, length), true) as { range?: [number, number, number] } | undefined;
    if (node?.range !== undefined) return { path, message: issue.message, line: lineCounter.linePos(node.range[0]).line };
  }
  return { path, message: issue.message };
}

/** `rules[2].match.groupIds`; keys that are not identifiers are quoted: `targetTags["cost center"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (typeof part === "string" && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) out += out === "" ? part : `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out === "" ? ROOT : out;
}
