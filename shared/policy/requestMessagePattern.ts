/**
 * @module Compiles a rule's `requestMessage` pattern on RE2 (`re2js`, a pure-JS port): matching takes
 * time linear in the message, whatever the pattern, because the message is written by whoever asks for
 * the connection. RE2 syntax is Go's (`regexp/syntax`): no lookaround, no backreferences, no possessive
 * quantifiers; such patterns are refused when the policy loads, naming the construct.
 */

import { RE2JS } from "re2js";

export type CompiledPattern = { pattern: RE2JS; problem?: undefined } | { pattern?: undefined; problem: string };

const cache = new Map<string, CompiledPattern>();

/** The compiled pattern, or why RE2 cannot take it (the parser's message names the construct). */
export function compileRequestMessagePattern(source: string): CompiledPattern {
  let compiled = cache.get(source);
  if (compiled === undefined) {
    try {
      compiled = { pattern: RE2JS.compile(source) };
    } catch (error) {
      compiled = { problem: error instanceof Error ? error.message : String(error) };
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(source, compiled);
  }
  return compiled;
}
