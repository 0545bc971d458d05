/**
 * @module The estate seed: the JSON document (estates/*.json) that describes what exists in
 * the emulated tenant when it starts: management groups, subscriptions, resource groups, subnets, PaaS
 * resources, private endpoints, private DNS zones and hand-made record sets.
 */
import { readFile } from "node:fs/promises";
import { isRecord } from "./router";

/** A private endpoint connection's state, as the providers name it. */
export type ConnectionStatus = "Pending" | "Approved" | "Rejected" | "Disconnected";

export interface SeedSubscription {
  id: string;
  displayName?: string;
  resourceGroups?: { name: string; location?: string }[];
}

export interface SeedSubnet {
  /** `/subscriptions/.../virtualNetworks/{vnet}/subnets/{subnet}` */
  id: string;
  /** IPv4 CIDR, e.g. `10.20.1.0/24`. */
  addressPrefix: string;
}

export interface SeedResource {
  /** One of the emulated Private Link types, e.g. `Microsoft.Batch/batchAccounts`. */
  type: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  tags?: Record<string, string>;
  /** ML workspaces only; derived from the id when absent. */
  workspaceId?: string;
}

/** A private endpoint someone creates (the seed and `control.createPrivateEndpoint` take the same). */
export interface CreatePrivateEndpointRequest {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Defaults to the first seeded subnet of the subscription, or one made up for it. */
  subnetId?: string;
  /** Defaults to the target's location. */
  location?: string;
  targetResourceId: string;
  groupIds: string[];
  /** True: `manualPrivateLinkServiceConnections`, the connection starts Pending. False: auto-approved. */
  manual: boolean;
  requestMessage?: string;
  tags?: Record<string, string>;
}

/** A seeded endpoint may start in any state, as if someone had already acted on it. */
export interface SeedPrivateEndpoint extends CreatePrivateEndpointRequest {
  status?: ConnectionStatus;
  description?: string;
}

export interface SeedZone {
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  tags?: Record<string, string>;
  virtualNetworkLinks?: { name: string; virtualNetworkId: string; registrationEnabled?: boolean; resolutionPolicy?: "Default" | "NxDomainRedirect" }[];
}

export interface SeedRecordSet {
  subscriptionId: string;
  resourceGroup: string;
  zone: string;
  type: "A" | "CNAME";
  name: string;
  ttl?: number;
  ipv4Addresses?: string[];
  cname?: string;
  metadata?: Record<string, string>;
}

/** A management group: its id (e.g. `mg-landing-zones`), its parent group, and the subscriptions directly in it. */
export interface SeedManagementGroup {
  id: string;
  displayName?: string;
  /** The parent group's id; the tenant root group when absent. */
  parent?: string;
  subscriptions?: string[];
}

export interface EstateSeed {
  tenantId?: string;
  managementGroups?: SeedManagementGroup[];
  subscriptions: SeedSubscription[];
  subnets?: SeedSubnet[];
  resources?: SeedResource[];
  privateEndpoints?: SeedPrivateEndpoint[];
  privateDnsZones?: SeedZone[];
  recordSets?: SeedRecordSet[];
}


function checkArray(seed: Record<string, unknown>, key: string, required: boolean): void {
  const value = seed[key];
  if (value === undefined && !required) return;
  if (!Array.isArray(value) || !value.every(isRecord)) {
    throw new TypeError(`Estate seed: "${key}" must be an array of objects, got ${JSON.stringify(value)?.slice(0, 80)}`);
  }
}

/** Checks the outline of a seed document (arrays of objects where expected) and returns it typed. */
export function parseEstateSeed(value: unknown): EstateSeed {
  if (!isRecord(value)) throw new TypeError("Estate seed: expected a JSON object with a \"subscriptions\" array");
  checkArray(value, "subscriptions", true);
  for (const key of ["managementGroups", "subnets", "resources", "privateEndpoints", "privateDnsZones", "recordSets"]) checkArray(value, key, false);
  if (value.tenantId !== undefined && typeof value.tenantId !== "string") throw new TypeError("Estate seed: \"tenantId\" must be a string");
  return value as unknown as EstateSeed;
}

/** Reads and checks a seed file. */
export async function loadEstateSeed(path: string): Promise<EstateSeed> {
  const text = await readFile(path, "utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new TypeError(`Estate seed ${path} is not valid JSON`, { cause });
  }
  try {
    return parseEstateSeed(parsed);
  } catch (cause) {
    throw new TypeError(`Estate seed ${path} is malformed: ${(cause as Error).message}`, { cause });
  }
}
