/**
 * @module Case-insensitive glob matching for policy criteria on names: `*` is any run of characters
 * (including none), `?` is exactly one; every other character is literal and the whole name must match.
 * Nothing else is glob syntax here: character classes (`[a-z]`), braces (`{a,b}`), escapes (`\`),
 * negation (`!`) and `**` are refused by `globProblem` (and so when a policy loads) instead of being
 * taken as literals. Matching runs on RE2 (linear time), as names are chosen by whoever asks.
 */

import { RE2JS } from "re2js";

const UNSUPPORTED: readonly [RegExp, string][] = [
  [/\*\*/, "** (one * already matches any run of characters)"],
  [/[[\]]/, "character classes [...]"],
  [/[{}]/, "braces {...}"],
  [/\\/, "escapes \\"],
  [/!/, "negation ! (use a not: block)"],
];

/** What is wrong with a glob pattern, or `undefined` when it uses only the supported syntax. */
export function globProblem(pattern: string): string | undefined {
  const found = UNSUPPORTED.filter(([test]) => test.test(pattern)).map(([, what]) => what);
  return found.length === 0 ? undefined : `unsupported glob syntax: ${found.join(", ")}; only * and ? are wildcards`;
}

const cache = new Map<string, RE2JS | null>();

/** True when `name` matches the glob `pattern`, ignoring case; false for a pattern `globProblem` refuses. */
export function matchesGlob(name: string, pattern: string): boolean {
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    const source = [...pattern].map((c) => (c === "*" ? ".*" : c === "?" ? "." : RE2JS.quote(c))).join("");
    compiled = globProblem(pattern) === undefined ? RE2JS.compile(source, RE2JS.CASE_INSENSITIVE | RE2JS.DOTALL) : null;
    // Policies hold few patterns; the bound only stops a pathological caller from growing it forever.
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, compiled);
  }
  return compiled !== null && compiled.testExact(name);
}
