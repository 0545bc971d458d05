/**
 * @module Uninstall: removes what a deployment left outside its resource group once `azd down` has
 * deleted the hub. Prints the plan and changes nothing unless `--apply` is given.
 *
 *   set -a; eval "$(azd env get-values)"; set +a
 *   npx tsx scripts/uninstall.ts --records delete|unmark|keep            # the plan (dry run)
 *   npx tsx scripts/uninstall.ts --records delete|unmark|keep --apply    # do it
 *
 * 1. Records: every record set in the DNS zone resource groups whose metadata names this deployment's
 *    owner id is deleted, or un-marked (the ownership keys removed, the records kept), or kept. Each
 *    write sends the etag it read: a record changed since is reported `contended` and left alone.
 *    Records of other owners, of DNS zone groups and without our marker are never touched.
 * 2. Event Grid (through the Azure CLI): per watched subscription, the event subscriptions
 *    `plautopilot-<env>` and `plautopilot-<env>-nic` on the subscription's system topic; the topic
 *    itself only when this deployment created it (tag `azd-env-name`), and its resource group
 *    `EVENTGRID_RESOURCE_GROUP` (default `rg-<env>-events`) only when this deployment created it too.
 * 3. Roles (through the Azure CLI): every assignment of the approver and DNS writer role definitions,
 *    then the definitions.
 *
 * Inputs come from the azd environment: AZURE_ENV_NAME, AUTOPILOT_OWNER_ID,
 * AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS, WATCHED_SUBSCRIPTION_IDS, APPROVER_ROLE_DEFINITION_ID,
 * DNS_WRITER_ROLE_DEFINITION_ID, and optionally EVENTGRID_RESOURCE_GROUP. ARM is reached as the signed-in
 * user (`az login`); AUTOPILOT_ARM_ENDPOINT, AUTOPILOT_ARM_CA_FILE and AUTOPILOT_ARM_STATIC_TOKEN point
 * the record step at the local emulator, as they do for the app.
 */

import { readFileSync } from "node:fs";
import { createArmClients, defaultCredential, StaticTokenCredential } from "../shared/azure/clients";
import type { ArmClients } from "../shared/azure/clients";
import { PreconditionFailedError } from "../shared/azure/errors";
import { deleteRecordSet, listRecordSets, listZones, upsertARecord, upsertCNAMERecord } from "../shared/azure/privateDns";
import type { DnsRecord } from "../shared/domain";
import { isOwnedBy, isOwnershipKey } from "../shared/dns/ownership";

/** What to do with the record sets this deployment owns. */
export type RecordsMode = "delete" | "unmark" | "keep";

export interface RecordCleanupOptions {
  resourceGroupIds: readonly string[];
  ownerId: string;
  mode: RecordsMode;
  apply: boolean;
  log: (line: string) => void;
}

export type RecordOutcome = "deleted" | "unmarked" | "kept" | "contended";

export interface RecordCleanupResult {
  /** `<type> <name>.<zone>` of each owned record set, with what was (or, in a dry run, would be) done to it. */
  done: { record: string; action: RecordOutcome }[];
}

const OUTCOME: Readonly<Record<RecordsMode, RecordOutcome>> = { delete: "deleted", unmark: "unmarked", keep: "kept" };

const nameOf = (r: DnsRecord) => `${r.type} ${r.name}.${r.zone}`;

/** The record set without our ownership keys, its other metadata kept. */
export function unmarked(record: DnsRecord): DnsRecord {
  return { ...record, metadata: Object.fromEntries(Object.entries(record.metadata).filter(([key]) => !isOwnershipKey(key))) };
}

/** Deletes or un-marks one record set, sending the etag it was read with. */
async function change(clients: ArmClients, record: DnsRecord, mode: "delete" | "unmark"): Promise<void> {
  const ifMatch = record.etag !== undefined ? { ifMatch: record.etag } : {};
  if (mode === "delete") await deleteRecordSet(clients, record, ifMatch);
  else if (record.type === "A") await upsertARecord(clients, unmarked(record), ifMatch);
  else await upsertCNAMERecord(clients, unmarked(record), ifMatch);
}

/**
 * Deletes or un-marks (or, with `keep`, only lists) every record set owned by `ownerId` in the zones of
 * `resourceGroupIds`. Without `apply` it only prints what it would do. Attempts every record; throws an
 * `AggregateError` of the failures at the end (a 412 is not a failure: that record is `contended`).
 */
export async function cleanOwnedRecords(clients: ArmClients, options: RecordCleanupOptions): Promise<RecordCleanupResult> {
  const { mode, apply, log } = options;
  const done: RecordCleanupResult["done"] = [];
  const failures: Error[] = [];
  for (const zone of await listZones(clients, options.resourceGroupIds)) {
    for (const record of (await listRecordSets(clients, zone)).filter((r) => isOwnedBy(r, options.ownerId))) {
      let action = OUTCOME[mode];
      if (apply && mode !== "keep") {
        try {
          await change(clients, record, mode);
        } catch (error) {
          if (!(error instanceof PreconditionFailedError)) {
            failures.push(new Error(`${mode} ${nameOf(record)} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
            continue;
          }
          action = "contended";
        }
      }
      log(`  ${apply ? "" : "would be "}${action} ${nameOf(record)}${action === "contended" ? ": changed since it was read; left as it is" : ""}`);
      done.push({ record: nameOf(record), action });
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} record set(s) could not be changed`);
  return { done };
}

/** Runs the Azure CLI with arguments and returns its stdout (the postdeploy hook's runner). */
export type Az = (args: string[]) => string;

export interface AzureCleanupConfig {
  environmentName: string;
  /** The hook's `eventSubscriptionNameFor(environmentName)`; the NIC subscription is `<name>-nic`. */
  eventSubscriptionName: string;
  watchedSubscriptionIds: string[];
  roleDefinitionIds: string[];
  topicResourceGroup: string;
}

/** One `az` command of the plan, with why. */
export interface AzStep {
  why: string;
  args: string[];
}

function json<T>(az: Az, args: string[]): T {
  const text = az([...args, "--output", "json"]).trim();
  return (text === "" ? null : JSON.parse(text)) as T;
}

/**
 * The `az` commands that remove the Event Grid wiring and the roles: reads the current state with `az`
 * and returns the deletes, so that a dry run can print them and `--apply` run them.
 */
export function planAzureCleanup(az: Az, config: AzureCleanupConfig): AzStep[] {
  const steps: AzStep[] = [];
  const subscriptionName = config.eventSubscriptionName;
  for (const subscriptionId of config.watchedSubscriptionIds) {
    const topics = json<{ id: string; name: string; topicType?: string; source?: string; tags?: Record<string, string> }[]>(az, ["eventgrid", "system-topic", "list", "--subscription", subscriptionId]) ?? [];
    const topic = topics.find((t) => t.topicType?.toLowerCase() === "microsoft.resources.subscriptions" && t.source?.toLowerCase() === `/subscriptions/${subscriptionId}`.toLowerCase());
    if (topic === undefined) continue;
    const group = topic.id.split("/")[4] ?? "";
    for (const name of [subscriptionName, `${subscriptionName}-nic`]) {
      steps.push({ why: `event subscription ${name} on ${topic.name}`, args: ["eventgrid", "system-topic", "event-subscription", "delete", "--subscription", subscriptionId, "--resource-group", group, "--system-topic-name", topic.name, "--name", name, "--yes"] });
    }
    if (topic.tags?.["azd-env-name"] === config.environmentName) {
      steps.push({ why: `system topic ${topic.name}, created by this deployment`, args: ["eventgrid", "system-topic", "delete", "--subscription", subscriptionId, "--resource-group", group, "--name", topic.name, "--yes"] });
      const rg = json<{ tags?: Record<string, string> } | null>(az, ["group", "show", "--subscription", subscriptionId, "--name", group]);
      if (group.toLowerCase() === config.topicResourceGroup.toLowerCase() && rg?.tags?.["azd-env-name"] === config.environmentName) {
        steps.push({ why: `resource group ${group}, created by this deployment for the topic`, args: ["group", "delete", "--subscription", subscriptionId, "--name", group, "--yes"] });
      }
    }
  }
  for (const definition of config.roleDefinitionIds) {
    const guid = definition.split("/").pop() ?? definition;
    const found = json<{ id: string; assignableScopes: string[]; roleName: string }[]>(az, ["role", "definition", "list", "--name", guid, "--custom-role-only", "true"]) ?? [];
    for (const role of found) {
      for (const scope of role.assignableScopes) {
        const assignments = json<{ id: string }[]>(az, ["role", "assignment", "list", "--role", guid, "--scope", scope]) ?? [];
        for (const assignment of assignments) steps.push({ why: `assignment of ${role.roleName} on ${scope}`, args: ["role", "assignment", "delete", "--ids", assignment.id] });
      }
      steps.push({ why: `role definition ${role.roleName}`, args: ["role", "definition", "delete", "--name", guid, "--scope", role.assignableScopes[0] ?? ""] });
    }
  }
  return steps;
}

const USAGE = "usage: npx tsx scripts/uninstall.ts --records delete|unmark|keep [--apply]";

function list(text: string | undefined): string[] {
  return (text ?? "").split(/[\s,;]+/).filter((item) => item !== "");
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const apply = argv.includes("--apply");
  const mode = argv[argv.indexOf("--records") + 1] as RecordsMode | undefined;
  if (!argv.includes("--records") || !["delete", "unmark", "keep"].includes(mode ?? "")) throw new TypeError(`--records must be delete, unmark or keep\n${USAGE}`);
  const required = (name: string) => {
    const value = env[name]?.trim();
    if (!value) throw new TypeError(`${name} is missing; load the azd environment first: set -a; eval "$(azd env get-values)"; set +a`);
    return value;
  };
  const environmentName = required("AZURE_ENV_NAME");
  const ownerId = required("AUTOPILOT_OWNER_ID");
  const log = (line: string) => console.log(line);
  log(`uninstall (${environmentName})${apply ? "" : ": dry run, nothing is changed; add --apply to do it"}`);

  log(`1. record sets owned by ${ownerId}: ${mode}`);
  const staticToken = env["AUTOPILOT_ARM_STATIC_TOKEN"];
  const caFile = env["AUTOPILOT_ARM_CA_FILE"];
  const clients = createArmClients({
    ...(env["AUTOPILOT_ARM_ENDPOINT"] ? { endpoint: env["AUTOPILOT_ARM_ENDPOINT"] } : {}),
    credential: staticToken ? new StaticTokenCredential(staticToken) : defaultCredential(env),
    ...(caFile ? { ca: readFileSync(caFile, "utf8") } : {}),
  });
  const { done } = await cleanOwnedRecords(clients, { resourceGroupIds: list(required("AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS")), ownerId, mode: mode as RecordsMode, apply, log });
  log(`   ${done.length} record set(s)`);

  const hook = (await import("../infra/hooks/postdeploy.mjs")) as { createAz(env: NodeJS.ProcessEnv): Az; eventSubscriptionNameFor(environmentName: string): string };
  const az = hook.createAz(env);
  log("2./3. Event Grid subscriptions and topics, role assignments and definitions");
  const steps = planAzureCleanup(az, {
    environmentName,
    eventSubscriptionName: hook.eventSubscriptionNameFor(environmentName),
    watchedSubscriptionIds: list(required("WATCHED_SUBSCRIPTION_IDS")),
    roleDefinitionIds: [required("APPROVER_ROLE_DEFINITION_ID"), required("DNS_WRITER_ROLE_DEFINITION_ID")],
    topicResourceGroup: env["EVENTGRID_RESOURCE_GROUP"]?.trim() || `rg-${environmentName}-events`,
  });
  for (const step of steps) {
    log(`  ${apply ? "" : "would "}delete ${step.why}`);
    if (apply) az([...step.args, "--output", "none"]);
  }
  log(`   ${steps.length} step(s)${apply ? " done" : ""}. The hub resource group is azd's: azd down.`);
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).catch((error: unknown) => {
    console.error(`uninstall: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof AggregateError) for (const e of error.errors) console.error(`  ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  });
}
