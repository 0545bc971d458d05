/**
 * @module Decides, by policy, what to do with a Pending private endpoint connection: the first rule whose
 * match holds wins; when none does, the policy's default action applies (rule name `default`).
 * `explainDecision` gives the same decision with a trace: each rule, each criterion, and why.
 *
 * `decide` is total and pure over `ConnectionFacts` (see `connectionFactsOf`): it returns a decision and
 * never throws. Each criterion holds, fails, or is unknown when the facts lack what it needs (group ids no
 * side could tell, an endpoint id that does not parse). A rule matches only when its criteria all hold and
 * its `not` block, if any, certainly fails: an unknown criterion, inside `not` or not, keeps the rule from
 * matching, so missing data never decides anything.
 */

import type { Decision } from "../domain";
import { normalizeResourceId } from "../resourceId";
import { capRequestMessage } from "./connectionFacts";
import type { ConnectionFacts } from "./connectionFacts";
import { matchesGlob } from "./glob";
import { compileRequestMessagePattern } from "./requestMessagePattern";
import { DEFAULT_RULE_NAME } from "./schema";
import type { Policy, PolicyAction, PolicyCriteria, PolicyMatch, PolicyRule } from "./schema";

/** The name written at the start of every description, so people can tell who decided. */
export const APP_NAME = "privatelink-autopilot";

/**
 * The longest `privateLinkServiceConnectionState.description` we write, in UTF-16 code units.
 *
 * The specs set no limit: the common type (azure-rest-api-specs common-types/resource-management
 * privatelinks.json, `PrivateLinkServiceConnectionState.description`) is a plain string without maxLength.
 * The same field carries the requester's message while Pending, and for that message Microsoft.Network
 * documents "Restricted to 140 chars" (`requestMessage`) while resource providers enforce their own, lower
 * limits: PostgreSQL rejects more than 128 ("Request Message may only be a maximum of 128 characters",
 * Azure/azure-sdk-for-go#14739; the Terraform provider notes the limit varies by service,
 * hashicorp/terraform-provider-azurerm#25610). We keep to the lowest limit seen, 128, so that no provider
 * rejects the approval for its description.
 */
export const DESCRIPTION_MAX_LENGTH = 128;

const DEFAULT_REASON = "no rule matched";
const ELLIPSIS = "...";

/** Whether a criterion holds for the facts; `unknown` when the facts lack what it needs. */
export type Verdict = "holds" | "fails" | "unknown";

/** One criterion of a rule, evaluated. */
export interface CriterionTrace {
  /** The criterion's key, e.g. `groupIds`. */
  criterion: keyof PolicyCriteria;
  /** True for a criterion inside the rule's `not` block. */
  negated: boolean;
  verdict: Verdict;
  /** What was compared, in words: `blob (from the endpoint) is listed`. */
  why: string;
}

/** One rule, evaluated. */
export interface RuleTrace {
  name: string;
  action: PolicyAction;
  matched: boolean;
  criteria: CriterionTrace[];
  /** Why the rule matched or not, in words. */
  why: string;
}

/** A decision with the trace that led to it: every rule in order, matched or not and why. */
export interface DecisionTrace {
  decision: Decision;
  rules: RuleTrace[];
}

/** The parts of a policy that decide Pending connections. */
export type DecidingPolicy = Pick<Policy, "defaultAction" | "rules">;

/** Decides what to do with one connection. Total, deterministic and free of I/O. */
export function decide(policy: DecidingPolicy, facts: ConnectionFacts): Decision {
  for (const rule of policy.rules) if (traceRule(rule, facts).matched) return decision(rule.action, rule.name, rule.reason);
  return decision(policy.defaultAction, DEFAULT_RULE_NAME, DEFAULT_REASON);
}

/** The same decision as `decide`, with every rule evaluated and explained, those after the winner too. */
export function explainDecision(policy: DecidingPolicy, facts: ConnectionFacts): DecisionTrace {
  const rules = policy.rules.map((rule) => traceRule(rule, facts));
  const winner = policy.rules.find((_, i) => rules[i]?.matched === true);
  return { decision: winner === undefined ? decision(policy.defaultAction, DEFAULT_RULE_NAME, DEFAULT_REASON) : decision(winner.action, winner.name, winner.reason), rules };
}

/**
 * The description written onto the connection: app, outcome, rule and reason, on one line and at most
 * `DESCRIPTION_MAX_LENGTH` long. When too long the reason is cut first, then the rule name; the app name
 * always stays.
 */
export function describeDecision(action: PolicyAction, ruleName: string, reason: string): string {
  const outcome = action === "approve" ? "approved" : action === "reject" ? "rejected" : "left pending";
  const head = `${APP_NAME} ${outcome} (rule ${oneLine(ruleName)}): `;
  return truncate(head + oneLine(reason), DESCRIPTION_MAX_LENGTH);
}

function decision(action: PolicyAction, ruleName: string, reason: string): Decision {
  return { action, ruleName, reason, description: describeDecision(action, ruleName, reason) };
}

/** The criteria in the order the trace lists them (the schema's order). */
const CRITERIA = [
  "targetResourceTypes",
  "groupIds",
  "endpointSubscriptions",
  "endpointResourceGroups",
  "endpointNames",
  "targetResourceIds",
  "targetResourceGroups",
  "targetTags",
  "requestMessage",
] as const satisfies readonly (keyof PolicyCriteria)[];

function traceRule(rule: PolicyRule, facts: ConnectionFacts): RuleTrace {
  const match: PolicyMatch = rule.match ?? {};
  const positive = evaluateAll(match, facts, false);
  const negated = match.not === undefined ? [] : evaluateAll(match.not, facts, true);
  const all = allOf(positive);
  // The not block holds as a whole only when all of its criteria do; the rule needs it certainly not to.
  const notBlock = match.not === undefined ? "fails" : allOf(negated);
  const matched = all === "holds" && notBlock === "fails";
  let why: string;
  if (positive.length === 0 && match.not === undefined) why = "empty match: takes every connection";
  else if (matched) why = match.not === undefined ? "every criterion holds" : positive.length === 0 ? "the not block fails" : "every criterion holds and the not block fails";
  else if (all === "fails") why = `not matched: ${names(positive, "fails")} failed`;
  else if (all === "unknown") why = `not matched: ${names(positive, "unknown")} cannot be evaluated, the facts lack what it needs`;
  else if (notBlock === "holds") why = "not matched: every criterion of the not block holds";
  else why = `not matched: the not block's ${names(negated, "unknown")} cannot be evaluated, the facts lack what it needs`;
  return { name: rule.name, action: rule.action, matched, criteria: [...positive, ...negated], why };
}

function allOf(traces: readonly CriterionTrace[]): Verdict {
  if (traces.some((t) => t.verdict === "fails")) return "fails";
  return traces.some((t) => t.verdict === "unknown") ? "unknown" : "holds";
}

function names(traces: readonly CriterionTrace[], verdict: Verdict): string {
  return traces.filter((t) => t.verdict === verdict).map((t) => t.criterion).join(", ");
}

function evaluateAll(criteria: PolicyCriteria, facts: ConnectionFacts, negated: boolean): CriterionTrace[] {
  const traces: CriterionTrace[] = [];
  for (const criterion of CRITERIA) {
    if (criteria[criterion] === undefined) continue;
    const [verdict, why] = evaluate(criterion, criteria, facts);
    traces.push({ criterion, negated, verdict, why });
  }
  return traces;
}

type Evaluation = [Verdict, string];

const unknown = (what: string): Evaluation => ["unknown", `${what} is not known`];
const verdictOf = (holds: boolean, yes: string, no: string): Evaluation => (holds ? ["holds", yes] : ["fails", no]);

function evaluate(criterion: (typeof CRITERIA)[number], c: PolicyCriteria, facts: ConnectionFacts): Evaluation {
  switch (criterion) {
    case "targetResourceTypes":
      return listed(c.targetResourceTypes ?? [], facts.targetResourceType, "the target's type", sameText);
    case "groupIds": {
      const groupIds = facts.groupIds ?? [];
      if (groupIds.length === 0) return ["unknown", "the requested group ids are not known (the resource side carries none and the endpoint could not be read)"];
      const from = facts.groupIdsSource === undefined || facts.groupIdsSource === "unknown" ? "" : ` (from the ${facts.groupIdsSource})`;
      const missing = groupIds.filter((g) => !(c.groupIds ?? []).some((allowed) => sameText(allowed, g)));
      return verdictOf(missing.length === 0, `${groupIds.join(", ")}${from} ${groupIds.length === 1 ? "is" : "are"} listed`, `${missing.join(", ")}${from} ${missing.length === 1 ? "is" : "are"} not listed`);
    }
    case "endpointSubscriptions":
      return listed(c.endpointSubscriptions ?? [], facts.endpointSubscriptionId, "the endpoint's subscription", sameText);
    case "endpointResourceGroups":
      return listed(c.endpointResourceGroups ?? [], facts.endpointResourceGroup, "the endpoint's resource group", matchesGlob);
    case "endpointNames":
      return listed(c.endpointNames ?? [], facts.endpointName, "the endpoint's name", matchesGlob);
    case "targetResourceIds":
      return listed(c.targetResourceIds ?? [], facts.targetResourceId, "the target's id", (id, wanted) => tryNormalize(id) !== undefined && tryNormalize(id) === tryNormalize(wanted));
    case "targetResourceGroups":
      return listed(c.targetResourceGroups ?? [], facts.targetResourceGroup, "the target's resource group", matchesGlob);
    case "targetTags": {
      if (facts.targetTags === undefined) return unknown("the target's tags");
      const tags = new Map(Object.entries(facts.targetTags).map(([name, value]) => [name.toLowerCase(), value] as const));
      // ARM tag names are case-insensitive; values are not.
      const missing = Object.entries(c.targetTags ?? {}).filter(([name, value]) => {
        const actual = tags.get(name.toLowerCase());
        return actual === undefined || (value !== "*" && actual !== value);
      });
      const shown = (entries: [string, string][]) => entries.map(([name, value]) => `${name}=${value}`).join(", ");
      return verdictOf(missing.length === 0, `the target has ${shown(Object.entries(c.targetTags ?? {}))}`, `the target lacks ${shown(missing)}`);
    }
    case "requestMessage": {
      if (facts.requestMessage === undefined) return unknown("the request message");
      const message = capRequestMessage(facts.requestMessage);
      const { pattern } = compileRequestMessagePattern(c.requestMessage ?? "");
      return verdictOf(pattern?.test(message) === true, `${JSON.stringify(message)} matches`, `${JSON.stringify(message)} does not match`);
    }
  }
}

/** Whether a known value is one of the entries; unknown when the value is. */
function listed(entries: readonly string[], value: string | undefined, what: string, same: (value: string, entry: string) => boolean): Evaluation {
  if (value === undefined || value === "") return unknown(what);
  return verdictOf(entries.some((e) => same(value, e)), `${what} ${value} is listed`, `${what} ${value} is not listed`);
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function tryNormalize(id: string): string | undefined {
  try {
    return normalizeResourceId(id);
  } catch {
    return undefined;
  }
}

/** Control characters and line breaks become single spaces: the description is one line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return String(text).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, " ").trim();
}

/** Cuts `text` to at most `max` UTF-16 code units, never inside a surrogate pair, ending in "...". */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - ELLIPSIS.length;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return text.slice(0, cut).trimEnd() + ELLIPSIS;
}
