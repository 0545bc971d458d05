/**
 * @module Fault injection for ARM requests: 429 with Retry-After, 500, 503, added latency or a
 * dropped connection, chosen by seeded probability or by an exact sequence, for requests matching a
 * method and a path regex.
 */
import { seededRandom } from "./random";

export type FaultAction =
  | { type: "throttle"; retryAfterSeconds?: number }
  | { type: "error"; status: 500 | 503 }
  | { type: "latency"; ms: number }
  | { type: "drop" }
  | { type: "pass" };

export interface FaultRule {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Regex source matched against the request path (any when absent). */
  path?: string;
  /** Exact sequence: the n-th matching request gets `sequence[n]`; the rule ends after the last. */
  sequence?: FaultAction[];
  /** Probability mode: each matching request gets `action` with this probability. */
  probability?: number;
  action?: FaultAction;
  seed?: number;
  /** Probability mode: stop after this many injected faults. */
  times?: number;
}

interface ActiveRule {
  rule: FaultRule;
  pathRegex?: RegExp;
  random: () => number;
  matched: number;
  injected: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  /** Adds a rule; rules are consulted in the order they were added, the first that fires wins. */
  add(rule: FaultRule): void {
    if (rule.sequence === undefined && rule.action === undefined) {
      throw new TypeError("Fault rule: expected either sequence (FaultAction[]) or action with probability");
    }
    if (rule.probability !== undefined && (rule.probability < 0 || rule.probability > 1)) {
      throw new RangeError(`Fault rule: probability ${rule.probability} must be between 0 and 1`);
    }
    let pathRegex: RegExp | undefined;
    if (rule.path !== undefined) {
      try {
        pathRegex = new RegExp(rule.path, "i");
      } catch (cause) {
        throw new TypeError(`Fault rule: path ${JSON.stringify(rule.path)} is not a valid regular expression`, { cause });
      }
    }
    this.rules.push({ rule, ...(pathRegex ? { pathRegex } : {}), random: seededRandom(rule.seed ?? 1), matched: 0, injected: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this request, if any. */
  pick(method: string, path: string): FaultAction | undefined {
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (active.pathRegex !== undefined && !active.pathRegex.test(path)) continue;
      if (rule.sequence !== undefined) {
        const action = rule.sequence[active.matched];
        if (action === undefined) continue;
        active.matched++;
        if (action.type === "pass") return undefined;
        return action;
      }
      if (rule.times !== undefined && active.injected >= rule.times) continue;
      active.matched++;
      if (active.random() < (rule.probability ?? 1)) {
        active.injected++;
        return rule.action;
      }
    }
    return undefined;
  }
}
