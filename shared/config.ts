/**
 * @module Reads and validates the app's configuration from app settings (environment variables).
 * Every bad or missing setting is reported at once, by name, with what was expected.
 */

import { Cron } from "croner";
import { z } from "zod";
import { GUID, isResourceId, parseResourceId, resourceTypeOf } from "./resourceId";

/** The validated configuration every entry point runs with. */
export interface Config {
  /**
   * The subscriptions named explicitly (lower case); may be empty when a management group gives the
   * scope. The scope the app acts on is these plus the group's: see `subscriptionsInScope`.
   */
  subscriptionIds: string[];
  /** A management group (its id, e.g. `mg-landing-zones`) whose subscriptions, at any depth, are in scope. */
  managementGroupId?: string;
  /** Resource group ids that hold the central private DNS zones. */
  dnsZoneResourceGroupIds: string[];
  /**
   * `AUTOPILOT_ZONE_SETS`: the zone resource groups partitioned by the VNets they serve. Absent: one set of
   * `dnsZoneResourceGroupIds` serves every endpoint (see `zoneSetsOf` in shared/dns/zoneSets).
   */
  zoneSets?: ZoneSetSetting[];
  /** Where the policy comes from: a file (re-read when it changes) or inline text. */
  policy: { path: string } | { text: string };
  /** Marks the record sets this deployment owns; two deployments must never share one. */
  ownerId: string;
  /** Six-field NCRONTAB schedule of the drift sweep. */
  sweepSchedule: string;
  recordTtl: number;
  /** When true, every run only plans: no connection or record set is changed. */
  dryRun: boolean;
  /** When true, an unmarked record set that already holds exactly what the app would write is taken over (our marker added). */
  adoptRecords: boolean;
  /** How many endpoints or DNS batches a sweep works on at once. */
  sweepConcurrency: number;
  /** Days a run's history and report are kept; the timer purges older ones. */
  runRetentionDays: number;
  arm: {
    endpoint: string;
    /** PEM of a CA to trust for `endpoint` (the local emulator); never used with public ARM. */
    caFile?: string;
    /** A fixed bearer token (the local emulator only); otherwise DefaultAzureCredential. */
    staticToken?: string;
    /** The per-subscription write and delete buckets writes are paced to, or `false` for none. */
    writePacing: { capacity: number; refillPerSecond: number } | false;
  };
}

/** One zone set as configured: which zone resource groups serve which VNets. Ids as given. */
export interface ZoneSetSetting {
  name: string;
  /** Resource groups holding the set's zones; each is in `AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS` and in no other set. */
  zoneResourceGroups: string[];
  /** The VNets whose endpoints the set serves; left out, every VNet no other set names. */
  virtualNetworks?: string[];
  /** VNets whose DNS resolver answers the endpoints' clients (hub-and-spoke): zones linked to them count too. */
  resolverVirtualNetworks?: string[];
}

/** The app settings read, with their defaults. Kept in step with docs/configuration.md. */
export const Settings = {
  subscriptions: "AUTOPILOT_SUBSCRIPTIONS",
  managementGroup: "AUTOPILOT_MANAGEMENT_GROUP",
  dnsZoneResourceGroups: "AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS",
  zoneSets: "AUTOPILOT_ZONE_SETS",
  policyPath: "AUTOPILOT_POLICY_PATH",
  policy: "AUTOPILOT_POLICY",
  ownerId: "AUTOPILOT_OWNER_ID",
  sweepSchedule: "AUTOPILOT_SWEEP_SCHEDULE",
  recordTtl: "AUTOPILOT_RECORD_TTL",
  dryRun: "AUTOPILOT_DRY_RUN",
  adoptRecords: "AUTOPILOT_ADOPT_RECORDS",
  sweepConcurrency: "AUTOPILOT_SWEEP_CONCURRENCY",
  runRetentionDays: "AUTOPILOT_RUN_RETENTION_DAYS",
  armEndpoint: "AUTOPILOT_ARM_ENDPOINT",
  armCaFile: "AUTOPILOT_ARM_CA_FILE",
  armStaticToken: "AUTOPILOT_ARM_STATIC_TOKEN",
  armWritePacing: "AUTOPILOT_ARM_WRITE_PACING",
} as const;

export const DEFAULT_SWEEP_SCHEDULE = "0 */15 * * * *";
const PUBLIC_ARM = "https://management.azure.com";

/** True when the endpoint is public ARM however it is written (case, trailing slash, explicit port). */
function isPublicArm(endpoint: string): boolean {
  return new URL(endpoint).origin === new URL(PUBLIC_ARM).origin;
}
/** Azure's rule for a management group id: up to 90 letters, digits, `-`, `_`, `.`, `(`, `)`; not ending in `.`. */
const MANAGEMENT_GROUP_ID = /^[A-Za-z0-9_().-]{0,89}[A-Za-z0-9_()-]$/;
const MANAGEMENT_GROUP_PREFIX = /^\/providers\/Microsoft\.Management\/managementGroups\//i;

const list = (expected: string) =>
  z
  .string({ error: `expected ${expected}` })
  .transform((s) => s.split(/[\s,;]+/).filter((item) => item !== ""))
  .pipe(z.array(z.string()).min(1, `expected ${expected}`));

const integer = (min: number, max: number, fallback: number) =>
  optionalText
    .transform((s) => (s === undefined ? fallback : Number(s)))
    .pipe(z.number({ error: `expected a whole number from ${min} to ${max}` }).int(`expected a whole number from ${min} to ${max}`).min(min, `expected a whole number from ${min} to ${max}`).max(max, `expected a whole number from ${min} to ${max}`));

const optionalText = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === "" ? undefined : s.trim()));

const boolean = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "expected true or false" })
  .transform((s) => s === "true" || s === "1" || s === "yes");

const isResourceGroupId = (id: string) => isResourceId(id) && parseResourceId(id).resourceGroup !== undefined && parseResourceId(id).namespace === undefined;
const isVirtualNetworkId = (id: string) => isResourceId(id) && resourceTypeOf(id).toLowerCase() === "microsoft.network/virtualnetworks" && parseResourceId(id).names.length === 1;
const VIRTUAL_NETWORK_ID = "expected virtual network ids (/subscriptions/{guid}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{name})";
/** Bounds what the setting may hold: app settings are small, and a hostile value must not cost much. */
const MAX_ZONE_SETS_LENGTH = 65_536;

const zoneSetSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "expected a name of 1-63 lower-case letters, digits or '-'"),
  zoneResourceGroups: z.array(z.string().refine(isResourceGroupId, "expected resource group ids (/subscriptions/{guid}/resourceGroups/{name})")).min(1, "expected at least one resource group id").max(100),
  virtualNetworks: z.array(z.string().refine(isVirtualNetworkId, VIRTUAL_NETWORK_ID)).min(1, "expected at least one virtual network id, or leave virtualNetworks out for every other VNet").max(1000).optional(),
  resolverVirtualNetworks: z.array(z.string().refine(isVirtualNetworkId, VIRTUAL_NETWORK_ID)).max(100).optional(),
});

/** Where two sets would overlap or a zone resource group is left out, what is wrong; empty when the sets partition the zones. */
function zoneSetProblems(sets: readonly ZoneSetSetting[], dnsZoneResourceGroupIds: readonly string[]): string[] {
  const problems: string[] = [];
  const once = (what: string, ids: Iterable<[string, string]>) => {
    const seen = new Map<string, string>();
    for (const [set, id] of ids) {
      const first = seen.get(id.toLowerCase());
      if (first !== undefined) problems.push(`${what} ${id} is in zone sets ${first} and ${set}; expected it in one set only`);
      else seen.set(id.toLowerCase(), set);
    }
    return seen;
  };
  const names = sets.map((s) => s.name);
  for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) problems.push(`zone set name ${name} is used more than once; expected unique names`);
  const groups = once("resource group", sets.flatMap((s) => s.zoneResourceGroups.map((g): [string, string] => [s.name, g])));
  once("virtual network", sets.flatMap((s) => (s.virtualNetworks ?? []).map((v): [string, string] => [s.name, v])));
  const catchAll = sets.filter((s) => s.virtualNetworks === undefined).map((s) => s.name);
  if (catchAll.length > 1) problems.push(`zone sets ${catchAll.join(", ")} leave out virtualNetworks; expected at most one set for every other VNet`);
  const listed = new Set(dnsZoneResourceGroupIds.map((g) => g.toLowerCase()));
  for (const [group, set] of groups) if (!listed.has(group)) problems.push(`resource group ${group} of zone set ${set} is not in ${Settings.dnsZoneResourceGroups}; expected every zone resource group listed there (the DNS writer role is granted on those)`);
  for (const group of dnsZoneResourceGroupIds) if (!groups.has(group.toLowerCase())) problems.push(`${Settings.dnsZoneResourceGroups} lists ${group}, which is in no zone set; expected each listed resource group in one set`);
  return problems;
}

const zoneSetsSetting = optionalText.pipe(
  z
    .string()
    .max(MAX_ZONE_SETS_LENGTH, `expected at most ${MAX_ZONE_SETS_LENGTH} characters`)
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `expected JSON: ${error instanceof Error ? error.message : String(error)}` });
        return z.NEVER;
      }
    })
    .pipe(z.array(zoneSetSchema, { error: "expected a JSON array of zone sets ({ name, zoneResourceGroups, virtualNetworks?, resolverVirtualNetworks? })" }).min(1, "expected at least one zone set").max(100))
    .optional(),
);

const settingsSchema = z.object({
  [Settings.subscriptions]: optionalText
    .transform((s) => (s === undefined ? [] : s.split(/[\s,;]+/).filter((item) => item !== "")))
    .pipe(z.array(z.string().regex(GUID, "expected subscription GUIDs"))),
  [Settings.managementGroup]: optionalText
    .transform((s) => s?.replace(MANAGEMENT_GROUP_PREFIX, "").replace(/\/+$/, ""))
    .pipe(
      z
        .string()
        .regex(MANAGEMENT_GROUP_ID, "expected a management group id (e.g. mg-landing-zones) or /providers/Microsoft.Management/managementGroups/{id}")
        .optional(),
    ),
  [Settings.dnsZoneResourceGroups]: list("resource group ids, separated by commas").pipe(
    z.array(z.string().refine(isResourceGroupId, "expected resource group ids (/subscriptions/{guid}/resourceGroups/{name})")),
  ),
  [Settings.zoneSets]: zoneSetsSetting,
  [Settings.policyPath]: optionalText,
  [Settings.policy]: optionalText,
  [Settings.ownerId]: z
    .string({ error: "expected an owner id, e.g. plautopilot-prod" })
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "expected 1-63 lower-case letters, digits or '-'"),
  [Settings.sweepSchedule]: optionalText.pipe(
    z
      .string()
      .default(DEFAULT_SWEEP_SCHEDULE)
      .refine((s) => s.trim().split(/\s+/).length === 6 && isCron(s), "expected a six-field NCRONTAB expression, e.g. 0 */15 * * * *"),
  ),
  [Settings.recordTtl]: integer(1, 2_147_483_647, 10),
  [Settings.dryRun]: optionalText.pipe(boolean.default(false)),
  [Settings.adoptRecords]: optionalText.pipe(boolean.default(false)),
  [Settings.sweepConcurrency]: integer(1, 64, 8),
  [Settings.runRetentionDays]: integer(1, 3650, 30),
  [Settings.armEndpoint]: optionalText.pipe(z.url({ protocol: /^https$/, error: "expected an https URL" }).default(PUBLIC_ARM)),
  [Settings.armCaFile]: optionalText,
  [Settings.armStaticToken]: optionalText,
  // ARM's published per-principal buckets: 200 writes (and deletes) per subscription, refilled at 10/s.
  [Settings.armWritePacing]: optionalText.pipe(
    z
      .string()
      .default("200/10")
      .refine((s) => s.toLowerCase() === "off" || /^\d{1,6}\/\d{1,6}(\.\d+)?$/.test(s), "expected off, or <bucket capacity>/<refill per second>, e.g. 200/10")
      .transform((s) => (s.toLowerCase() === "off" ? false : { capacity: Number(s.split("/")[0]), refillPerSecond: Number(s.split("/")[1]) }))
      .refine((p) => p === false || (p.capacity >= 1 && p.refillPerSecond > 0), "expected a capacity of at least 1 and a refill above 0, e.g. 200/10"),
  ),
});

function isCron(expression: string): boolean {
  try {
    new Cron(expression, { paused: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The drift sweep's schedule as the timer registers it: the setting when it is a valid six-field
 * NCRONTAB expression, otherwise the default, so that a bad value never stops the host from loading
 * (`loadConfig` reports it, and runs refuse until it is fixed).
 */
export function sweepScheduleSetting(env: Record<string, string | undefined> = process.env): string {
  const value = env[Settings.sweepSchedule]?.trim();
  return value !== undefined && value !== "" && value.split(/\s+/).length === 6 && isCron(value) ? value : DEFAULT_SWEEP_SCHEDULE;
}

/** Thrown when the configuration is invalid; the message lists every problem, one per line. */
export class ConfigError extends TypeError {
  override readonly name = "ConfigError";
}

/** Reads the configuration from `env`. Throws one `ConfigError` naming every bad or missing setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = settingsSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? "(settings)");
        const missing = env[name] === undefined || env[name]?.trim() === "";
        const value = JSON.stringify(env[name]) ?? "";
        // A JSON setting (zone sets) may be long: the start says enough.
        const got = missing || name === Settings.armStaticToken ? "" : `, got ${value.length > 200 ? `${value.slice(0, 200)}...` : value}`;
        return `${name}: ${missing ? "missing; " : ""}${issue.message}${got}`;
      });
  const s = parsed.data;
  const blank = (name: string) => env[name] === undefined || env[name]?.trim() === "" || env[name]?.split(/[\s,;]+/).every((item) => item === "");
  if (blank(Settings.subscriptions) && blank(Settings.managementGroup)) {
    problems.push(
      `${Settings.subscriptions} or ${Settings.managementGroup}: missing; expected subscription GUIDs separated by commas, a management group id, or both (the scope is their union)`,
    );
  }
  if (s !== undefined && s[Settings.policyPath] === undefined && s[Settings.policy] === undefined) {
    problems.push(`${Settings.policyPath} or ${Settings.policy}: missing; expected a policy file path or the policy itself (YAML or JSON)`);
  }
  if (s !== undefined && isPublicArm(s[Settings.armEndpoint])) {
    if (s[Settings.armStaticToken] !== undefined) {
      problems.push(`${Settings.armStaticToken}: only for a local ARM emulator; expected it unset when ${Settings.armEndpoint} is public ARM`);
    }
    // A CA file replaces Node's trusted roots, so real ARM's certificate would no longer verify.
    if (s[Settings.armCaFile] !== undefined) {
      problems.push(`${Settings.armCaFile}: only for a local ARM emulator; expected it unset when ${Settings.armEndpoint} is public ARM`);
    }
  }
  const zoneSets = s?.[Settings.zoneSets];
  if (s !== undefined && zoneSets !== undefined) problems.push(...zoneSetProblems(zoneSets, s[Settings.dnsZoneResourceGroups]).map((p) => `${Settings.zoneSets}: ${p}`));
  if (problems.length > 0 || s === undefined) {
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const policyPath = s[Settings.policyPath];
  const caFile = s[Settings.armCaFile];
  const staticToken = s[Settings.armStaticToken];
  const managementGroupId = s[Settings.managementGroup];
  return {
    subscriptionIds: [...new Set(s[Settings.subscriptions].map((id) => id.toLowerCase()))],
    ...(managementGroupId !== undefined ? { managementGroupId } : {}),
    dnsZoneResourceGroupIds: s[Settings.dnsZoneResourceGroups],
    ...(zoneSets !== undefined ? { zoneSets } : {}),
    policy: policyPath !== undefined ? { path: policyPath } : { text: s[Settings.policy] ?? "" },
    ownerId: s[Settings.ownerId],
    sweepSchedule: s[Settings.sweepSchedule],
    recordTtl: s[Settings.recordTtl],
    dryRun: s[Settings.dryRun],
    adoptRecords: s[Settings.adoptRecords],
    sweepConcurrency: s[Settings.sweepConcurrency],
    runRetentionDays: s[Settings.runRetentionDays],
    arm: {
      endpoint: s[Settings.armEndpoint].replace(/\/+$/, ""),
      ...(caFile !== undefined ? { caFile } : {}),
      ...(staticToken !== undefined ? { staticToken } : {}),
      writePacing: s[Settings.armWritePacing],
    },
  };
}
