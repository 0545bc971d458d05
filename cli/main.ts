#!/usr/bin/env node
/**
 * @module The read-only what-if CLI: `privatelink-autopilot plan` reads a real tenant (or the emulator)
 * the way a drift sweep does, and prints what the app would decide and which records it would change;
 * `privatelink-autopilot explain <connection id>` shows which rule decides a connection and why.
 * It never changes anything.
 */

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig, Settings } from "../shared/config";
import type { Config } from "../shared/config";
import { decide } from "../shared/policy";
import { parentResourceId } from "../shared/resourceId";
import { createArmClients, defaultCredential, StaticTokenCredential } from "../shared/azure/clients";
import type { ArmClients } from "../shared/azure/clients";
import { getConnection, getLinkTarget } from "../shared/azure/connections";
import { PolicyStore } from "../orchestrations/policyStore";
import { planScope } from "../orchestrations/planScope";
import { resolveScope } from "../orchestrations/scope";
import { summarizeConflict, summarizeRecord } from "../orchestrations/runReport";

const USAGE = `Usage:
  privatelink-autopilot plan [--json] [--subscription <guid>]
  privatelink-autopilot explain <connection id> [--json]

Reads only; changes nothing. Configuration comes from the app settings in the environment
(AUTOPILOT_SUBSCRIPTIONS and/or AUTOPILOT_MANAGEMENT_GROUP, AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS,
AUTOPILOT_OWNER_ID, AUTOPILOT_POLICY_PATH or AUTOPILOT_POLICY; see docs/configuration.md).
Credentials: DefaultAzureCredential (e.g. after az login).`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The CLI's ARM clients: read-only, so it cannot write whatever a command does. */
export function clientsFor(config: Config): ArmClients {
  const { endpoint, caFile, staticToken } = config.arm;
  return createArmClients({
    endpoint,
    credential: staticToken !== undefined ? new StaticTokenCredential(staticToken) : defaultCredential(),
    ...(caFile !== undefined ? { ca: readFileSync(caFile, "utf8") } : {}),
    // The CLI only reads: its clients refuse every write, as a dry run's do.
    readOnly: true,
  });
}

function table(rows: string[][]): string[] {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ")}`);
}

async function plan(config: Config, options: { json: boolean; subscription?: string }, io: CliIo): Promise<number> {
  const clients = clientsFor(config);
  const { policy } = new PolicyStore(config.policy).current();
  if (config.managementGroupId !== undefined) io.err(`.. resolving management group ${config.managementGroupId}`);
  const scope = await resolveScope(clients, config);
  if (scope.managementGroup !== undefined) {
    io.err(`.. ${scope.subscriptionIds.length} subscriptions in scope (${scope.listed.length} listed, ${scope.managementGroup.subscriptionIds.length} from management group ${scope.managementGroup.id})`);
  }
  const only = options.subscription?.toLowerCase();
  if (only !== undefined && !scope.subscriptionIds.includes(only)) {
    io.err(`--subscription ${options.subscription}: not in scope; expected one of ${scope.subscriptionIds.join(", ") || "(none)"}`);
    return 2;
  }
  const scopePlan = await planScope(clients, config, { subscriptionIds: only !== undefined ? [only] : scope.subscriptionIds, onProgress: (m) => io.err(`.. ${m}`) });
  const decisions = [];
  for (const { resourceId, connections } of scopePlan.pending) {
    const target = await getLinkTarget(clients, resourceId);
    if (target === undefined) continue;
    for (const connection of connections) decisions.push({ connectionId: connection.id, endpointId: connection.privateEndpointId, ...decide(policy, connection, { target }) });
  }
  const { changes } = scopePlan;
  if (options.json) {
    io.out(JSON.stringify({ scope: scope.managementGroup === undefined ? { subscriptionIds: scope.subscriptionIds } : { subscriptionIds: scope.subscriptionIds, managementGroup: scope.managementGroup.id }, counts: scopePlan.counts, decisions, create: changes.create.map(summarizeRecord), update: changes.update.map((u) => summarizeRecord(u.after)), delete: changes.delete.map(summarizeRecord), conflicts: changes.conflicts.map(summarizeConflict), unchanged: changes.unchanged.length, errors: scopePlan.errors }, null, 2));
    return 0;
  }
  const c = scopePlan.counts;
  io.out(`Read ${c.endpoints} private endpoints in ${c.subscriptions} subscriptions, ${c.recordSets} record sets in ${c.zones} zones, ${c.linkTargets} PaaS resources.`);
  io.out(`\nDecisions for Pending connections (${decisions.length}):`);
  io.out(decisions.length === 0 ? "  none" : table([["ACTION", "RULE", "CONNECTION", "REASON"], ...decisions.map((d) => [d.action, d.ruleName, d.connectionId, d.reason])]).join("\n"));
  const record = (r: ReturnType<typeof summarizeRecord>) => [r.type, `${r.name}.${r.zone}`, r.value];
  const dnsRows = [
    ...changes.delete.map((r) => ["delete", ...record(summarizeRecord(r))]),
    ...changes.update.map((u) => ["update", ...record(summarizeRecord(u.after))]),
    ...changes.create.map((r) => ["create", ...record(summarizeRecord(r))]),
  ];
  io.out(`\nDNS record changes (${dnsRows.length}; ${changes.unchanged.length} owned records already right):`);
  io.out(dnsRows.length === 0 ? "  none" : table([["CHANGE", "TYPE", "NAME", "VALUE"], ...dnsRows]).join("\n"));
  if (changes.conflicts.length > 0) {
    io.out(`\nConflicts, left alone (${changes.conflicts.length}):`);
    io.out(table([["TYPE", "NAME", "REASON", "DETAIL"], ...changes.conflicts.map((x) => [x.record.type, `${x.record.name}.${x.record.zone}`, x.reason, x.detail])]).join("\n"));
  }
  for (const e of scopePlan.errors) io.out(`\nerror: ${e.target}: ${e.message}`);
  return 0;
}

async function explain(config: Config, connectionId: string, options: { json: boolean }, io: CliIo): Promise<number> {
  const clients = clientsFor(config);
  const { policy, source } = new PolicyStore(config.policy).current();
  const connection = await getConnection(clients, connectionId);
  const resourceId = parentResourceId(connectionId);
  const target = resourceId === undefined ? undefined : await getLinkTarget(clients, resourceId);
  if (connection === undefined || target === undefined) {
    io.err(`${connectionId}: no such private endpoint connection (expected .../<provider>/<type>/<name>/privateEndpointConnections/<name>)`);
    return 1;
  }
  const decision = decide(policy, connection, { target });
  if (options.json) {
    io.out(JSON.stringify({ connection, decision, policy: source }, null, 2));
    return 0;
  }
  io.out(`connection  ${connection.id}`);
  io.out(`endpoint    ${connection.privateEndpointId}`);
  io.out(`status      ${connection.status}${connection.status === "Pending" ? "" : " (the app decides only Pending connections)"}`);
  io.out(`groupIds    ${connection.groupIds.join(", ")}`);
  io.out(`policy      ${source}`);
  io.out(`decision    ${decision.action} by rule ${decision.ruleName}: ${decision.reason}`);
  io.out(`description ${decision.description}`);
  return 0;
}

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: readonly string[], env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { json: { type: "boolean", default: false }, subscription: { type: "string" }, help: { type: "boolean", default: false } } });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    io.out(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    io.err(`(set them in the environment; ${Settings.subscriptions} and the others are described in docs/configuration.md)`);
    return 2;
  }
  try {
    if (command === "plan" && rest.length === 0) {
      return await plan(config, { json: values.json, ...(values.subscription !== undefined ? { subscription: values.subscription } : {}) }, io);
    }
    if (command === "explain" && rest.length === 1 && rest[0] !== undefined) return await explain(config, rest[0], { json: values.json }, io);
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    return 1;
  }
  io.err(`Unknown command ${JSON.stringify([command, ...rest].join(" "))}.\n${USAGE}`);
  return 2;
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.env, { out: (l) => console.log(l), err: (l) => console.error(l) }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
