#!/usr/bin/env node
/**
 * @module The read-only CLI. `plan` reads a real tenant (or the emulator) the way a drift sweep does and
 * prints what the app would decide and which records it would change; `explain` shows how the policy
 * decides a connection, rule by rule, from ARM or from a facts file; `validate` checks a policy file
 * offline; `runs` and `report` read the deployed app's run history over its HTTP API; `batch-migration`
 * shows Batch's zone migration as a dry run (`--live` asks the app to run it). It never changes anything itself.
 */

import { parseArgs } from "node:util";
import { ConfigError, loadConfig, Settings } from "../shared/config";
import type { Config } from "../shared/config";
import { explainDecision } from "../shared/policy";
import { isResourceId } from "../shared/resourceId";
import { createArmClients, defaultCredential, StaticTokenCredential } from "../shared/azure/clients";
import type { ArmClients } from "../shared/azure/clients";
import { PolicyStore } from "../orchestrations/policyStore";
import { readCaFile } from "../orchestrations/runtime";
import { runScope } from "../app/runScope";
import type { ScopeRun } from "../app/runScope";
import { addCounts, mergeShardReports, shardFor, sweepShards } from "../app/sweepShards";
import { resolveScope, subscriptionsInScope } from "../orchestrations/scope";
import { countOf, newRunReport } from "../orchestrations/runReport";
import type { RecordSummary, RunReport } from "../orchestrations/runReport";
import type { CliIo } from "./cliIo";
import { table } from "./cliIo";
import { explainById, printExplanations, readFactsFile } from "./explain";
import { validate } from "./validate";
import { APP_ENV_NOTE, appAccess, listRunsCommand, reportCommand, sinceParameter, waitCommand } from "./runs";
import { batchMigrationDryRun, startBatchMigration } from "./batchMigration";
import { REGION } from "../app/batchZoneMigration";

export type { CliIo } from "./cliIo";

const SETTINGS_NOTE = `Settings come from the environment, as the app's do (AUTOPILOT_SUBSCRIPTIONS and/or
AUTOPILOT_MANAGEMENT_GROUP, AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS, AUTOPILOT_OWNER_ID, AUTOPILOT_POLICY_PATH
or AUTOPILOT_POLICY, AUTOPILOT_ARM_*; see docs/configuration.md). Credentials: DefaultAzureCredential
(e.g. after az login); \`npm start\` prints the settings that point the CLI at its emulator.`;

const EXIT_CODES = `Exit codes: 0 done (validate: the policy is valid); 1 the policy is invalid, or what was asked
for could not be read (plan, batch-migration: any error in its report; runs, report: the app's answer); 2 usage error
or bad settings (plan --detailed-exitcode: changes are pending).`;

/** Each command's flags and help; \`--help\` and \`--json\` are every command's. */
const COMMANDS: Record<"plan" | "explain" | "validate" | "runs" | "report" | "wait" | "batch-migration", { usage: string; help: string; options: Record<string, { type: "string" | "boolean" }> }> = {
  plan: {
    usage: "privatelink-autopilot plan [--subscription <guid>] [--json] [--detailed-exitcode]",
    help: `Runs a drift sweep without its writes: prints the decisions it would make for Pending
connections, the DNS record changes those decisions cause, conflicts with their reasons, names
served by DNS zone groups, skipped names with their reasons, and errors. Reads only.

  --subscription <guid>  read only this subscription of the scope
  --json                 print the report a dry-run sweep returns (kind, dryRun, decisions,
                         dns, errors, ...) with schemaVersion, the resolved scope and the counts
  --detailed-exitcode    exit 0 when there is nothing to change, 2 when changes are pending
                         (a decision to carry out or a record to write), 1 on an error

${SETTINGS_NOTE}`,
    options: { subscription: { type: "string" }, "detailed-exitcode": { type: "boolean" } },
  },
  explain: {
    usage: "privatelink-autopilot explain (<connection id> | <endpoint id> | --facts <file>) [--policy <file>] [--json]",
    help: `Shows how the policy decides a connection: each rule in order, each criterion (holds, fails, or
unknown when the facts lack what it needs) and the rule that decides.

  <connection id>   a private endpoint connection on a PaaS resource (read from ARM)
  <endpoint id>     a private endpoint: every connection it has is explained (read from ARM)
  --facts <file>    offline: a JSON file of connection facts (see docs/policy.md); needs --policy
  --policy <file>   decide with this policy file (a draft) instead of the configured one
  --json            print one JSON document (with schemaVersion)

${SETTINGS_NOTE} With --facts and --policy, no settings and no Azure are needed.`,
    options: { facts: { type: "string" }, policy: { type: "string" } },
  },
  validate: {
    usage: "privatelink-autopilot validate <policy file> [--json]",
    help: `Checks a policy file offline, with the app's own loader and messages: every problem at once,
each at its path. Exit 0 when valid, 1 when not.

  --json  print one JSON document (with schemaVersion): valid, issues[] of { path, message, line }`,
    options: {},
  },
  runs: {
    usage: "privatelink-autopilot runs [--key <id or key>] [--kind endpoint|resource|sweep|batchZoneMigration] [--since <time|12h|7d>] [--status <states>] [--has-errors] [--has-changes] [--top <n>] [--continuation-token <t>] [--app <url>] [--json]",
    help: `Lists the app's runs, newest first, one line each: start time, kind, runtime status, decisions
carried out, records changed, errors, and the run id to pass to \`report\`. Reads GET /api/runs.

  --key <id or key>      the runs of one endpoint, resource or subscription id, or key (drift-sweep)
  --kind <kind>          endpoint, resource, sweep or batchZoneMigration
  --since <time>         runs started since an ISO time, or since a duration ago (12h, 7d)
  --status <states>      Pending, Running, Completed, Failed, Terminated (comma-separated)
  --has-errors           only runs with errors
  --has-changes          only runs that carried out a decision or changed a record
  --top <n>              at most n runs (default 50); the last line says how to get more
  --continuation-token   the next page
  --json                 the API's page ({ runs, continuationToken }) with schemaVersion

${APP_ENV_NOTE}`,
    options: {
      app: { type: "string" }, key: { type: "string" }, kind: { type: "string" }, since: { type: "string" }, status: { type: "string" },
      "has-errors": { type: "boolean" }, "has-changes": { type: "boolean" }, top: { type: "string" }, "continuation-token": { type: "string" },
    },
  },
  report: {
    usage: "privatelink-autopilot report <run id or key> [--app <url>] [--json]",
    help: `Prints one run's report as text (GET /api/runs/{id}?format=text); a key (drift-sweep,
endpoint-<name>-<hash>) shows its latest run. Exit 1 when there is no such run.

  --json  the run's status and report as JSON, with schemaVersion

${APP_ENV_NOTE}`,
    options: { app: { type: "string" } },
  },
  wait: {
    usage: "privatelink-autopilot wait <endpoint id> [--timeout <seconds>] [--interval <seconds>] [--app <url>] [--json]",
    help: `Waits until a private endpoint's names resolve privately: polls GET /api/endpoints/<id>/status
and prints each new verdict and its reason (stderr). For deployment pipelines, after the endpoint is created.

  --timeout <seconds>   give up after this long (default 300)
  --interval <seconds>  between polls (default 5)
  --json                print the last status (connections, names, verdict) with schemaVersion

Exit codes: 0 ready; 1 pending-approval, conflict or not-ours (they do not change by themselves: the
reason says what a person must do), or the app answered an error; 2 timed out, or a usage error.

${APP_ENV_NOTE}`,
    options: { app: { type: "string" }, timeout: { type: "string" }, interval: { type: "string" } },
  },
  "batch-migration": {
    usage: "privatelink-autopilot batch-migration [--region <region>|all] [--live [--app <url>]] [--json]",
    help: `Batch's move from privatelink.<region>.batch.azure.com to privatelink.batch.azure.com, as a dry
run computed here with read-only clients: the zones and their VNet links, each A record <account> and
its copy <account>.<region> (would copy, verified, conflict, not copied, with the reason), and the next
step per legacy zone (link the new zone to the VNets named, unlink the legacy zone, or safe to delete).
The app never deletes a zone or a link. See docs/operations.md "Migrating Batch to privatelink.batch.azure.com".

  --region <region>  one region's legacy zone (eastus), or all (default)
  --live             start the migration in the app (POST /api/runs) instead; prints the run id
                     for \`report\`. The CLI itself writes nothing.
  --json             the run report (kind batchZoneMigration) with schemaVersion; with --live, the
                     app's answer ({ id, key, action, dryRun, statusUrl })

${SETTINGS_NOTE}
${APP_ENV_NOTE}`,
    options: { region: { type: "string" }, live: { type: "boolean" }, app: { type: "string" } },
  },
};

type Command = keyof typeof COMMANDS;

const USAGE = `Usage:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}`)
  .join("\n")}
  privatelink-autopilot <command> --help

Reads only; changes nothing (batch-migration --live asks the app to run the migration).
${EXIT_CODES}`;

/** The CLI's ARM clients: read-only, so it cannot write whatever a command does. */
export function clientsFor(config: Config): ArmClients {
  const { endpoint, caFile, staticToken } = config.arm;
  return createArmClients({
    endpoint,
    credential: staticToken !== undefined ? new StaticTokenCredential(staticToken) : defaultCredential(),
    ...(caFile !== undefined ? { ca: readCaFile(caFile) } : {}),
    // The CLI only reads: its clients refuse every write, as a dry run's do.
    readOnly: true,
  });
}

/** True when the report has changes a live run would make: decisions to carry out, records to write or adopt, orphans to remove. */
function hasChanges(report: RunReport): boolean {
  const { dns } = report;
  return (
    report.decisions.some((d) => d.action !== "leavePending") ||
    dns.created.length + dns.updated.length + dns.deleted.length + (dns.adopted ?? []).length > 0 ||
    (report.orphanedConnections ?? []).some((o) => o.outcome === "wouldRemove")
  );
}

async function plan(config: Config, options: { json: boolean; subscription: string | undefined; detailedExitCode: boolean }, io: CliIo): Promise<number> {
  const startedAt = new Date();
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
  // A dry-run sweep, through the sweep's own code (its clients refuse every write), shard by shard: the same report.
  const runs: ScopeRun[] = [];
  for (const shard of sweepShards(config, scope.subscriptionIds).flatMap((s) => shardFor(s, only === undefined ? undefined : [only]) ?? [])) {
    runs.push(await runScope(clients, config, { policy, zoneResourceGroupIds: shard.zoneResourceGroupIds, dryRun: true, concurrency: 8, subscriptionIds: shard.subscriptionIds ?? scope.subscriptionIds, onProgress: (m) => io.err(`.. ${m}`) }));
  }
  const report = newRunReport("sweep", "scope", { dryRun: true, startedAt, reason: "privatelink-autopilot plan" });
  report.notes.push(...new Set(runs.flatMap((r) => r.notes)));
  const merged = mergeShardReports(runs);
  Object.assign(report, merged);
  report.orphanedConnections = merged.orphanedConnections ?? [];
  report.errors = runs.flatMap((r) => r.errors);
  const counts = addCounts(runs);
  report.finishedAt = new Date().toISOString();
  const code = report.errors.length > 0 ? 1 : options.detailedExitCode && hasChanges(report) ? 2 : 0;
  if (options.json) {
    // Plus what only the CLI knows: the scope it resolved and the counts.
    const resolved = scope.managementGroup === undefined ? { subscriptionIds: scope.subscriptionIds } : { subscriptionIds: scope.subscriptionIds, managementGroup: scope.managementGroup.id };
    io.out(JSON.stringify({ ...report, scope: resolved, counts }, null, 2));
    return code;
  }
  const c = counts;
  const { dns } = report;
  io.out(`Read ${c.endpoints} private endpoints in ${c.subscriptions} subscriptions, ${c.recordSets} record sets in ${c.zones} zones, ${c.linkTargets} PaaS resources.`);
  io.out(`\nDecisions for Pending connections (${report.decisions.length}):`);
  io.out(report.decisions.length === 0 ? "  none" : table([["ACTION", "RULE", "CONNECTION", "REASON"], ...report.decisions.map((d) => [d.action, d.ruleName, d.connectionId, d.reason])]).join("\n"));
  const record = (r: RecordSummary) => [r.type, `${r.name}.${r.zone}`, r.value];
  const dnsRows = [...dns.deleted.map((r) => ["delete", ...record(r)]), ...dns.updated.map((r) => ["update", ...record(r)]), ...(dns.adopted ?? []).map((r) => ["adopt", ...record(r)]), ...dns.created.map((r) => ["create", ...record(r)])];
  io.out(`\nDNS record changes, after those decisions (${dnsRows.length}; ${countOf(report, "unchanged")} owned records already right):`);
  io.out(dnsRows.length === 0 ? "  none" : table([["CHANGE", "TYPE", "NAME", "VALUE"], ...dnsRows]).join("\n"));
  if (dns.conflicts.length > 0) {
    io.out(`\nConflicts, left alone (${dns.conflicts.length}):`);
    io.out(table([["TYPE", "NAME", "REASON", "DETAIL"], ...dns.conflicts.map((x) => [x.type, `${x.name}.${x.zone}`, x.reason, x.detail])]).join("\n"));
  }
  const resolution = (dns.resolution ?? []).flatMap((r) => r.answers.map((a) => [`${r.name}.${r.zone}`, r.change, a.virtualNetworkId.split("/").at(-1) ?? "", a.answer === "privateAddress" ? (a.value ?? "") : a.answer]));
  if (resolution.length > 0) {
    io.out(`\nWhat clients get after those changes, per VNet linked to the zone (${resolution.length}):`);
    io.out(table([["NAME", "CHANGE", "VNET", "ANSWER"], ...resolution]).join("\n"));
  }
  if (dns.servedByZoneGroup.length > 0) io.out(`\nServed by DNS zone groups, nothing to write (${dns.servedByZoneGroup.length}):\n${dns.servedByZoneGroup.map((n) => `  ${n}`).join("\n")}`);
  if (dns.skipped.length > 0) {
    io.out(`\nNames skipped (${countOf(report, "skipped")}${dns.skipped.length < countOf(report, "skipped") ? `, the first ${dns.skipped.length}` : ""}):`);
    io.out(table([["NAME", "REASON", "DETAIL"], ...dns.skipped.map((s) => [s.fqdn, s.reason, s.detail])]).join("\n"));
  }
  const orphans = report.orphanedConnections;
  if (orphans.length > 0) {
    io.out(`\nOrphaned connections (${orphans.length}; policy orphanedConnections: ${policy.orphanedConnections}):`);
    io.out(table([["OUTCOME", "REASON", "CONNECTION", "DETAIL"], ...orphans.map((o) => [o.outcome, o.reason, o.connectionId, o.detail])]).join("\n"));
  }
  for (const e of report.errors) io.out(`\nerror: ${e.target}: ${e.message}`);
  return code;
}

/** \`explain\`: from a facts file offline, or from ARM by connection or endpoint id. */
async function explain(env: Record<string, string | undefined>, target: string | undefined, options: { json: boolean; facts: string | undefined; policy: string | undefined }, io: CliIo): Promise<number> {
  if (options.facts !== undefined) {
    if (options.policy === undefined || target !== undefined) return usageError("explain", "--facts needs --policy <file> and no id", io);
    const { policy, source } = new PolicyStore({ path: options.policy }).current();
    const facts = readFactsFile(options.facts);
    printExplanations([{ facts, ...explainDecision(policy, facts) }], source, options, io);
    return 0;
  }
  if (target === undefined || !isResourceId(target)) return usageError("explain", target === undefined ? "expected a connection id, an endpoint id or --facts <file>" : `${JSON.stringify(target)} is not an ARM resource id`, io);
  // A draft policy given on the command line stands in for the configured one.
  const config = configFrom(options.policy === undefined ? env : { ...env, [Settings.policyPath]: options.policy, [Settings.policy]: undefined }, io);
  if (config === undefined) return 2;
  const clients = clientsFor(config);
  const { policy, source } = new PolicyStore(config.policy).current();
  const explanations = await explainById(clients, policy, target, await subscriptionsInScope(clients, config));
  if (explanations.length === 0) {
    io.err(`${target}: no such private endpoint connection, or a private endpoint with none (expected .../<provider>/<type>/<name>/privateEndpointConnections/<name> or .../Microsoft.Network/privateEndpoints/<name>)`);
    return 1;
  }
  printExplanations(explanations, source, options, io);
  return 0;
}

function configFrom(env: Record<string, string | undefined>, io: CliIo): Config | undefined {
  try {
    return loadConfig(env);
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    io.err(`(set them in the environment; ${Settings.subscriptions} and the others are described in docs/configuration.md)`);
    return undefined;
  }
}

function usageError(command: Command | undefined, problem: string, io: CliIo): number {
  io.err(`${problem}\n\nUsage: ${command === undefined ? USAGE.replace(/^Usage:\n/, "") : COMMANDS[command].usage}`);
  return 2;
}

function isCommand(name: string | undefined): name is Command {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

/** Runs the CLI; returns the exit code. Never throws for bad input: usage errors exit 2 with the usage. */
export async function runCli(argv: readonly string[], env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    const topic = command === "help" ? rest[0] : undefined;
    io.out(isCommand(topic) ? `Usage: ${COMMANDS[topic].usage}\n\n${COMMANDS[topic].help}` : USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!isCommand(command)) return usageError(undefined, `Unknown command ${JSON.stringify(command)}.`, io);
  const spec = COMMANDS[command];
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, strict: true, options: { ...spec.options, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    return usageError(command, error instanceof Error ? error.message : String(error), io);
  }
  const { values, positionals } = parsed;
  const option = (name: string): string | undefined => {
    const value: unknown = (values as Record<string, unknown>)[name];
    return typeof value === "string" ? value : undefined;
  };
  if (values.help === true) {
    io.out(`Usage: ${spec.usage}\n\n${spec.help}`);
    return 0;
  }
  const json = values.json === true;
  try {
    switch (command) {
      case "validate":
        if (positionals.length !== 1) return usageError(command, "expected one policy file", io);
        return validate(positionals[0] as string, { json }, io);
      case "explain":
        if (positionals.length > 1) return usageError(command, "expected at most one id", io);
        return await explain(env, positionals[0], { json, facts: option("facts"), policy: option("policy") }, io);
      case "plan": {
        if (positionals.length > 0) return usageError(command, `unexpected argument ${JSON.stringify(positionals[0])}`, io);
        const config = configFrom(env, io);
        if (config === undefined) return 2;
        return await plan(config, { json, subscription: option("subscription"), detailedExitCode: (values as Record<string, unknown>)["detailed-exitcode"] === true }, io);
      }
      case "wait": {
        const access = appAccess(option("app"), env);
        if (typeof access === "string") return usageError(command, access, io);
        if (positionals.length !== 1 || !isResourceId(positionals[0])) return usageError(command, "expected one private endpoint id", io);
        const seconds = (name: string, fallback: number): number | undefined => {
          const value = option(name);
          const n = value === undefined ? fallback : Number(value);
          return Number.isFinite(n) && n > 0 && n <= 86_400 ? n : undefined;
        };
        const timeoutSeconds = seconds("timeout", 300);
        const intervalSeconds = seconds("interval", 5);
        if (timeoutSeconds === undefined || intervalSeconds === undefined) return usageError(command, "--timeout and --interval: expected seconds from 1 to 86400", io);
        return await waitCommand(access, positionals[0] as string, { json, timeoutSeconds, intervalSeconds }, io);
      }
      case "batch-migration": {
        if (positionals.length > 0) return usageError(command, `unexpected argument ${JSON.stringify(positionals[0])}`, io);
        const region = option("region") ?? "all";
        if (!REGION.test(region)) return usageError(command, `--region: expected all or a region name like eastus, got ${JSON.stringify(region)}`, io);
        if ((values as Record<string, unknown>)["live"] === true) {
          const access = appAccess(option("app"), env);
          if (typeof access === "string") return usageError(command, access, io);
          return await startBatchMigration(access, region, { json }, io);
        }
        const config = configFrom(env, io);
        if (config === undefined) return 2;
        return await batchMigrationDryRun(clientsFor(config), config, region, { json }, io);
      }
      case "runs":
      case "report": {
        const access = appAccess(option("app"), env);
        if (typeof access === "string") return usageError(command, access, io);
        if (command === "report") {
          if (positionals.length !== 1) return usageError(command, "expected one run id or key", io);
          return await reportCommand(access, positionals[0] as string, { json }, io);
        }
        if (positionals.length > 0) return usageError(command, `unexpected argument ${JSON.stringify(positionals[0])}`, io);
        const flag = (name: string) => ((values as Record<string, unknown>)[name] === true ? "true" : undefined);
        const since = option("since");
        const filters = {
          key: option("key"), kind: option("kind"), since: since === undefined ? undefined : sinceParameter(since, new Date()), status: option("status"),
          hasErrors: flag("has-errors"), hasChanges: flag("has-changes"), top: option("top"), continuationToken: option("continuation-token"),
        };
        return await listRunsCommand(access, { json, filters }, io);
      }
    }
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    // A setting found bad only when used (an unreadable CA file) is still a bad setting.
    return error instanceof ConfigError ? 2 : 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.env, { out: (l) => console.log(l), err: (l) => console.error(l) }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
