/**
 * @module `privatelink-autopilot explain`: shows how a policy decides a connection, rule by rule and
 * criterion by criterion. The facts come from ARM (a connection id, or an endpoint id for each of its
 * connections), read the way a run reads them (`readConnectionFacts`), or offline from a JSON file in
 * the `ConnectionFacts` shape, so a policy can be tested in a pipeline.
 */

import { readFileSync } from "node:fs";
import type { ConnectionStatus } from "../shared/domain";
import { ConnectionFactsSchema, explainDecision, formatPath } from "../shared/policy";
import type { ConnectionFacts, DecisionTrace, Policy } from "../shared/policy";
import { parentResourceId, resourceTypeOf, sameResourceId } from "../shared/resourceId";
import type { ArmClients } from "../shared/azure/clients";
import { getConnection, getLinkTarget, listConnections } from "../shared/azure/connections";
import { getPrivateEndpoint } from "../shared/azure/privateEndpoints";
import { readConnectionFacts } from "../orchestrations/readConnectionFacts";
import type { CliIo } from "./cliIo";
import { CLI_SCHEMA_VERSION } from "./cliIo";

/** One connection explained. */
export interface Explanation extends DecisionTrace {
  facts: ConnectionFacts;
  /** The connection's status when read from ARM; the app decides only Pending ones. */
  status?: ConnectionStatus;
}

/** Reads and checks a facts file; throws a `TypeError` naming each problem. */
export function readFactsFile(path: string): ConnectionFacts {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch (cause) {
    throw new TypeError(`${path}: expected a JSON file of connection facts: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const parsed = ConnectionFactsSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${formatPath(i.code === "unrecognized_keys" ? [...i.path, i.keys.join(", ")] : i.path)}: ${i.code === "unrecognized_keys" ? "unknown key" : i.message}`);
    throw new TypeError(`${path}: invalid connection facts: ${problems.length} ${problems.length === 1 ? "problem" : "problems"}\n${problems.join("\n")}`);
  }
  const facts: ConnectionFacts = {};
  for (const [key, v] of Object.entries(parsed.data)) if (v !== undefined) Object.assign(facts, { [key]: v });
  return facts;
}

/** The explanations for a connection id, or for every connection of an endpoint id; empty when there is none. */
export async function explainById(clients: ArmClients, policy: Policy, id: string, subscriptionIds: readonly string[]): Promise<Explanation[]> {
  if (resourceTypeOf(id).toLowerCase() === "microsoft.network/privateendpoints") {
    const endpoint = await getPrivateEndpoint(clients, id, { details: false });
    const explanations: Explanation[] = [];
    for (const link of endpoint?.links ?? []) {
      const target = await getLinkTarget(clients, link.targetResourceId);
      const connection = target && (await listConnections(clients, target.id)).find((c) => sameResourceId(c.privateEndpointId, id));
      if (target === undefined || connection === undefined) continue;
      const facts = await readConnectionFacts(clients, connection, target, { subscriptionIds, ...(endpoint === undefined ? {} : { endpoint }) });
      explanations.push({ facts, status: connection.status, ...explainDecision(policy, facts) });
    }
    return explanations;
  }
  const connection = await getConnection(clients, id);
  const resourceId = parentResourceId(id);
  const target = resourceId === undefined ? undefined : await getLinkTarget(clients, resourceId);
  if (connection === undefined || target === undefined) return [];
  const facts = await readConnectionFacts(clients, connection, target, { subscriptionIds });
  return [{ facts, status: connection.status, ...explainDecision(policy, facts) }];
}

/** Prints explanations as text or, with `json`, as one document. */
export function printExplanations(explanations: readonly Explanation[], policySource: string, options: { json: boolean }, io: CliIo): void {
  if (options.json) {
    io.out(JSON.stringify({ schemaVersion: CLI_SCHEMA_VERSION, policy: policySource, explanations }, null, 2));
    return;
  }
  explanations.forEach((e, index) => {
    if (index > 0) io.out("");
    for (const line of explanationLines(e, policySource)) io.out(line);
  });
}

const MARK = { holds: "holds  ", fails: "fails  ", unknown: "unknown" } as const;

function explanationLines(e: Explanation, policySource: string): string[] {
  const f = e.facts;
  const lines = [
    `connection  ${f.connectionId ?? "(not given)"}`,
    `endpoint    ${f.endpointId ?? ([f.endpointSubscriptionId, f.endpointResourceGroup, f.endpointName].filter(Boolean).join(" / ") || "(not known)")}`,
  ];
  if (e.status !== undefined) lines.push(`status      ${e.status}${e.status === "Pending" ? "" : " (the app decides only Pending connections)"}`);
  lines.push(
    `target      ${f.targetResourceId ?? f.targetResourceType ?? "(not known)"}`,
    `groupIds    ${f.groupIds?.length ? `${f.groupIds.join(", ")} (from the ${f.groupIdsSource ?? "facts"})` : "not known (the resource side carries none and the endpoint could not be read)"}`,
    `message     ${f.requestMessage === undefined ? "(not known)" : JSON.stringify(f.requestMessage)}`,
    `policy      ${policySource}`,
    "rules",
  );
  if (e.rules.length === 0) lines.push("  (none)");
  const winner = e.rules.findIndex((r) => r.matched);
  e.rules.forEach((rule, index) => {
    const outcome = !rule.matched ? rule.why : index === winner ? "MATCHED, decides" : `matches too, but rule ${winner + 1} decided first`;
    lines.push(`  ${index + 1}. ${rule.name} -> ${rule.action}: ${outcome}`);
    for (const c of rule.criteria) lines.push(`       ${MARK[c.verdict]}  ${c.negated ? "not." : ""}${c.criterion}: ${c.why}`);
  });
  const d = e.decision;
  lines.push(`decision    ${d.action} by rule ${d.ruleName}: ${d.reason}`, `description ${d.description}`);
  return lines;
}
