/**
 * @module Reads private endpoints from ARM and translates them into the domain `PrivateEndpoint`:
 * their links (auto and manual connections), the FQDNs and IPs they serve, and the private DNS zones
 * their own DNS zone groups already fill.
 */

import { normalizeLocation } from "../location";
import { mapLimit } from "../mapLimit";
import type {
  NetworkInterface as SdkNetworkInterface,
  PrivateDnsZoneGroup as SdkPrivateDnsZoneGroup,
  PrivateEndpoint as SdkPrivateEndpoint,
  PrivateLinkServiceConnection as SdkPrivateLinkServiceConnection,
} from "@azure/arm-network";
import type { ConnectionStatus, EndpointDnsConfig, EndpointLink, PrivateEndpoint } from "../domain";
import { parseResourceId, resourceNameOf, resourceTypeOf } from "../resourceId";
import type { ArmClients } from "./clients";
import { armCall, armRead } from "./errors";
import { ArmOperations } from "./operations";

const PRIVATE_ENDPOINT_TYPE = "microsoft.network/privateendpoints";
const NETWORK_INTERFACE_TYPE = "microsoft.network/networkinterfaces";

/** What `listPrivateEndpoints` reads beyond the paged list, per endpoint. */
export type EndpointDetails = "approved" | "approvedWithoutDns" | "all" | "none";

export interface ListPrivateEndpointsOptions {
  /**
   * Which endpoints get their zone groups (and, when `customDnsConfigs` is empty, their NICs) read:
   * `approved` (default) only those with an Approved link, as only they get DNS records;
   * `approvedWithoutDns` only those of them whose `customDnsConfigs` name no FQDN (a sweep, which
   * learns zone groups' records from the zones instead); `all`; or `none` (then `zoneGroupZones` is
   * empty and `dnsConfigs` come from `customDnsConfigs` only).
   *
   * Cost: ceil(N / page size) list requests, plus per detailed endpoint one zone group list and, for
   * endpoints whose FQDNs sit only on the NIC (typical when a zone group is attached), one NIC GET.
   */
  details?: EndpointDetails;
  /** Detail reads in flight at once; default 8. */
  concurrency?: number;
}

/** Maps a connection state string to the domain status, case-insensitively. */
export function toConnectionStatus(status: string | undefined): ConnectionStatus {
  switch (status?.trim().toLowerCase()) {
    case "approved":
      return "Approved";
    case "pending":
      return "Pending";
    case "rejected":
      return "Rejected";
    // Anything else ("Disconnected", "Removed", unknown): no DNS is written and no decision is made.
    default:
      return "Disconnected";
  }
}

function toEndpointLink(connection: SdkPrivateLinkServiceConnection, manual: boolean): EndpointLink | undefined {
  const targetResourceId = connection.privateLinkServiceId;
  if (typeof targetResourceId !== "string" || targetResourceId === "") return undefined;
  const link: EndpointLink = {
    name: connection.name ?? "",
    targetResourceId,
    groupIds: [...(connection.groupIds ?? [])],
    status: toConnectionStatus(connection.privateLinkServiceConnectionState?.status),
    manual,
  };
  if (connection.requestMessage !== undefined) link.requestMessage = connection.requestMessage;
  return link;
}

function mergeDnsConfigs(configs: Iterable<EndpointDnsConfig>): EndpointDnsConfig[] {
  const byFqdn = new Map<string, EndpointDnsConfig>();
  for (const config of configs) {
    const key = config.fqdn.toLowerCase();
    const existing = byFqdn.get(key);
    if (existing === undefined) byFqdn.set(key, { fqdn: config.fqdn, ipAddresses: [...new Set(config.ipAddresses)] });
    else existing.ipAddresses = [...new Set([...existing.ipAddresses, ...config.ipAddresses])];
  }
  return [...byFqdn.values()];
}

/** FQDNs and IPs from the NICs' `ipConfigurations[].privateLinkConnectionProperties.fqdns`. */
export function dnsConfigsFromNetworkInterfaces(nics: readonly SdkNetworkInterface[]): EndpointDnsConfig[] {
  const configs: EndpointDnsConfig[] = [];
  for (const nic of nics) {
    for (const ipConfiguration of nic.ipConfigurations ?? []) {
      const ip = ipConfiguration.privateIPAddress;
      for (const fqdn of ipConfiguration.privateLinkConnectionProperties?.fqdns ?? []) {
        if (typeof fqdn === "string" && fqdn !== "") configs.push({ fqdn, ipAddresses: ip ? [ip] : [] });
      }
    }
  }
  return mergeDnsConfigs(configs);
}

/** Zone names (lower case, unique, sorted) named by the zone groups' `privateDnsZoneId`s. */
export function zoneNamesOfZoneGroups(groups: readonly SdkPrivateDnsZoneGroup[]): string[] {
  const names = new Set<string>();
  for (const group of groups) {
    for (const config of group.privateDnsZoneConfigs ?? []) {
      const zoneId = config.privateDnsZoneId;
      if (typeof zoneId !== "string") continue;
      try {
        names.add(resourceNameOf(zoneId).toLowerCase());
      } catch {
        // A malformed zone id names no zone we could match anyway.
      }
    }
  }
  return [...names].sort();
}

export interface PrivateEndpointDetails {
  /** The endpoint's DNS zone groups, read separately (`privateDnsZoneGroups` list). */
  zoneGroups?: readonly SdkPrivateDnsZoneGroup[];
  /** The endpoint's NICs, used for FQDNs when `customDnsConfigs` is empty. */
  networkInterfaces?: readonly SdkNetworkInterface[];
}

/**
 * Translates an SDK private endpoint. Links come from `privateLinkServiceConnections` (manual false)
 * and `manualPrivateLinkServiceConnections` (manual true); DNS configs from `customDnsConfigs`, or
 * when those are empty from the NICs in `details`.
 */
export function toPrivateEndpoint(sdk: SdkPrivateEndpoint, details: PrivateEndpointDetails = {}): PrivateEndpoint {
  if (typeof sdk.id !== "string" || sdk.id === "") throw new TypeError("A private endpoint from ARM has no id; expected a Microsoft.Network/privateEndpoints resource");
  const links = [
    ...(sdk.privateLinkServiceConnections ?? []).map((c) => toEndpointLink(c, false)),
    ...(sdk.manualPrivateLinkServiceConnections ?? []).map((c) => toEndpointLink(c, true)),
  ].filter((l): l is EndpointLink => l !== undefined);
  const custom = (sdk.customDnsConfigs ?? [])
    .filter((c) => typeof c.fqdn === "string" && c.fqdn !== "")
    .map((c) => ({ fqdn: c.fqdn as string, ipAddresses: [...(c.ipAddresses ?? [])] }));
  const dnsConfigs = custom.length > 0 ? mergeDnsConfigs(custom) : dnsConfigsFromNetworkInterfaces(details.networkInterfaces ?? []);
  return {
    id: sdk.id,
    name: sdk.name ?? resourceNameOf(sdk.id),
    location: normalizeLocation(sdk.location),
    provisioningState: sdk.provisioningState ?? "Succeeded",
    links,
    dnsConfigs,
    zoneGroupZones: zoneNamesOfZoneGroups(details.zoneGroups ?? []),
    ...networkOf(sdk.subnet?.id),
  };
}

/** The subnet id and its VNet (the id up to `/subnets/`), when ARM names a subnet. */
function networkOf(subnetId: string | undefined): Pick<PrivateEndpoint, "subnetId" | "virtualNetworkId"> {
  if (typeof subnetId !== "string" || subnetId === "") return {};
  const at = subnetId.toLowerCase().lastIndexOf("/subnets/");
  return at > 0 ? { subnetId, virtualNetworkId: subnetId.slice(0, at) } : { subnetId };
}

function checkType(id: string, expected: string, what: string): { subscriptionId: string; resourceGroup: string; name: string } {
  const parsed = parseResourceId(id);
  if (resourceTypeOf(parsed).toLowerCase() !== expected || parsed.resourceGroup === undefined) {
    throw new TypeError(`${JSON.stringify(id)} is not a ${what} id; expected /subscriptions/{sub}/resourceGroups/{rg}/providers/${what}/{name}`);
  }
  return { subscriptionId: parsed.subscriptionId, resourceGroup: parsed.resourceGroup, name: parsed.names.at(-1) as string };
}

async function readNetworkInterface(clients: ArmClients, nicId: string): Promise<SdkNetworkInterface | undefined> {
  const { subscriptionId, resourceGroup, name } = checkType(nicId, NETWORK_INTERFACE_TYPE, "Microsoft.Network/networkInterfaces");
  return armRead({ operation: ArmOperations.getNetworkInterface, scope: nicId }, () =>
    clients.network(subscriptionId).networkInterfaces.get(resourceGroup, name),
  );
}

async function readZoneGroups(clients: ArmClients, endpointId: string): Promise<SdkPrivateDnsZoneGroup[]> {
  const { subscriptionId, resourceGroup, name } = checkType(endpointId, PRIVATE_ENDPOINT_TYPE, "Microsoft.Network/privateEndpoints");
  const groups = await armRead({ operation: ArmOperations.listPrivateDnsZoneGroups, scope: endpointId }, async () => {
    const all: SdkPrivateDnsZoneGroup[] = [];
    // Note the SDK's argument order: endpoint name first, then resource group.
    for await (const group of clients.network(subscriptionId).privateDnsZoneGroups.list(name, resourceGroup)) all.push(group);
    return all;
  });
  return groups ?? [];
}

/** Reads the zone groups and, when the endpoint carries no `customDnsConfigs`, its NICs. */
async function readDetails(clients: ArmClients, sdk: SdkPrivateEndpoint): Promise<PrivateEndpointDetails> {
  const id = sdk.id as string;
  const needsNics = (sdk.customDnsConfigs ?? []).every((c) => !c.fqdn);
  const nicIds = needsNics ? (sdk.networkInterfaces ?? []).map((n) => n.id).filter((n): n is string => typeof n === "string") : [];
  const [zoneGroups, nics] = await Promise.all([
    readZoneGroups(clients, id),
    Promise.all(
      nicIds.map(async (nicId) => {
        try {
          return await readNetworkInterface(clients, nicId);
        } catch (error) {
          // A NIC id ARM hands back malformed cannot be read; the endpoint then has no NIC FQDNs.
          if (error instanceof TypeError) return undefined;
          throw error;
        }
      }),
    ),
  ]);
  return { zoneGroups, networkInterfaces: nics.filter((n): n is SdkNetworkInterface => n !== undefined) };
}

/**
 * Every private endpoint in a subscription, page by page from the paged list (never one GET per
 * endpoint), translated as each page arrives so a caller that keeps only what it needs holds one page
 * of SDK objects at a time.
 */
export async function* iteratePrivateEndpoints(clients: ArmClients, subscriptionId: string, options: ListPrivateEndpointsOptions = {}): AsyncGenerator<PrivateEndpoint[], void, undefined> {
  const details = options.details ?? "approved";
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new RangeError(`ListPrivateEndpointsOptions.concurrency must be an integer from 1 to 64, got ${concurrency}`);
  }
  const isApproved = (sdk: SdkPrivateEndpoint): boolean =>
    [...(sdk.privateLinkServiceConnections ?? []), ...(sdk.manualPrivateLinkServiceConnections ?? [])].some(
      (c) => toConnectionStatus(c.privateLinkServiceConnectionState?.status) === "Approved",
    );
  const wantsDetails = (sdk: SdkPrivateEndpoint): boolean =>
    details === "all" ||
    (details === "approved" && isApproved(sdk)) ||
    (details === "approvedWithoutDns" && isApproved(sdk) && (sdk.customDnsConfigs ?? []).every((c) => !c.fqdn));
  const context = { operation: ArmOperations.listPrivateEndpoints, scope: `/subscriptions/${subscriptionId}` };
  const pages = clients.network(subscriptionId).privateEndpoints.listBySubscription().byPage();
  for (;;) {
    const page = await armCall(context, () => pages.next());
    if (page.done === true) return;
    yield await mapLimit(page.value, concurrency, async (sdk) => toPrivateEndpoint(sdk, wantsDetails(sdk) ? await readDetails(clients, sdk) : {}));
  }
}

/** Every private endpoint in a subscription (see `iteratePrivateEndpoints`). */
export async function listPrivateEndpoints(clients: ArmClients, subscriptionId: string, options: ListPrivateEndpointsOptions = {}): Promise<PrivateEndpoint[]> {
  const endpoints: PrivateEndpoint[] = [];
  for await (const page of iteratePrivateEndpoints(clients, subscriptionId, options)) endpoints.push(...page);
  return endpoints;
}

export interface GetPrivateEndpointOptions {
  /**
   * Whether to read the zone groups and, when needed, the NICs (default true). A caller that needs only
   * the links (their group ids, for a policy decision) passes false: one GET instead of up to three.
   */
  details?: boolean;
}

/** One private endpoint with its zone groups (and NIC FQDNs when needed), or `undefined` when it is gone. */
export async function getPrivateEndpoint(clients: ArmClients, id: string, options: GetPrivateEndpointOptions = {}): Promise<PrivateEndpoint | undefined> {
  const { subscriptionId, resourceGroup, name } = checkType(id, PRIVATE_ENDPOINT_TYPE, "Microsoft.Network/privateEndpoints");
  const sdk = await armRead({ operation: ArmOperations.getPrivateEndpoint, scope: id }, () =>
    clients.network(subscriptionId).privateEndpoints.get(resourceGroup, name),
  );
  if (sdk === undefined) return undefined;
  return toPrivateEndpoint(sdk, options.details === false ? {} : await readDetails(clients, sdk));
}

/** The private endpoint a NIC belongs to, or `undefined` when the NIC is gone or is not an endpoint's. */
export async function getNetworkInterfaceEndpointId(clients: ArmClients, nicId: string): Promise<string | undefined> {
  const nic = await readNetworkInterface(clients, nicId);
  const endpointId = nic?.privateEndpoint?.id;
  return typeof endpointId === "string" && endpointId !== "" ? endpointId : undefined;
}
