/**
 * @module Fault injection for ARM requests: 429 with Retry-After; 400, 403 (`AuthorizationFailed`
 * naming the action), 404, 409, 500 or 503 in ARM's words; added latency or a dropped connection;
 * chosen by seeded probability or by an exact sequence, for requests matching a method and a path regex.
 */
import { ArmError, resourceNotFound } from "./armError";
import { seededRandom, stableGuid } from "./random";

export const INJECTABLE_STATUSES = [400, 403, 404, 409, 500, 503] as const;
export type InjectableStatus = (typeof INJECTABLE_STATUSES)[number];

export type FaultAction =
  | { type: "throttle"; retryAfterSeconds?: number }
  /** `code` and `message` replace ARM's defaults for the status. */
  | { type: "error"; status: InjectableStatus; code?: string; message?: string }
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
    for (const action of [...(rule.sequence ?? []), ...(rule.action !== undefined ? [rule.action] : [])]) {
      if (action.type === "error" && !INJECTABLE_STATUSES.includes(action.status)) {
        throw new RangeError(`Fault rule: error status ${String(action.status)} must be one of ${INJECTABLE_STATUSES.join(", ")}`);
      }
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

/** The RBAC action a request performs, e.g. `Microsoft.Network/privateDnsZones/A/write` or `.../listKeys/action`. */
export function actionOf(method: string, segments: readonly string[]): string {
  const at = segments.findIndex((s) => s.toLowerCase() === "providers");
  const path = at >= 0 ? segments.slice(at + 2) : segments;
  const namespace = at >= 0 ? (segments[at + 1] ?? "") : "Microsoft.Resources";
  const verb = method === "GET" ? "read" : method === "DELETE" ? "delete" : method === "POST" ? "action" : "write";
  // A POST names its action in the last segment: `.../batchAccounts/acct/listKeys`.
  const named = method === "POST" && path.length % 2 === 1 ? path.slice(0, -1) : path;
  const types = named.filter((_, i) => i % 2 === 0);
  const action = method === "POST" && named.length < path.length ? `${path.at(-1)}/action` : verb;
  return [namespace, ...types, action].join("/");
}

/** The ARM error an injected `error` fault answers with, worded as ARM words it. */
export function injectedError(fault: Extract<FaultAction, { type: "error" }>, method: string, segments: readonly string[], principal: string): ArmError {
  const scope = `/${segments.join("/")}`;
  let error: ArmError;
  if (fault.status === 403) {
    error = new ArmError(
      403,
      "AuthorizationFailed",
      `The client '${principal}' with object id '${stableGuid(`principal|${principal}`)}' does not have authorization to perform action '${actionOf(method, segments)}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  } else if (fault.status === 404) {
    const at = segments.findIndex((s) => s.toLowerCase() === "providers");
    const rg = segments.findIndex((s) => s.toLowerCase() === "resourcegroups");
    const type = at >= 0 ? [segments[at + 1], ...segments.slice(at + 2).filter((_, i) => i % 2 === 0)].join("/") : "Microsoft.Resources/subscriptions";
    error = resourceNotFound(type, segments.at(-1) ?? "", rg >= 0 ? segments[rg + 1] : undefined);
  } else {
    const code = { 400: "BadRequest", 409: "Conflict", 500: "InternalServerError", 503: "ServiceUnavailable" }[fault.status];
    error = new ArmError(fault.status, code, `Injected ${fault.status} ${code}.`);
  }
  return fault.code === undefined && fault.message === undefined ? error : new ArmError(error.status, fault.code ?? error.code, fault.message ?? error.message);
}
