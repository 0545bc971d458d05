/**
 * @module The in-memory estate the emulator serves: management groups, subscriptions, resource groups, subnets, PaaS
 * resources and their private endpoint connections, private endpoints and their NICs and DNS zone
 * groups, private DNS zones and record sets. It applies changes the way Azure's resource providers
 * do (a new endpoint gets a NIC, IPs and a connection on its target; removing either side updates the
 * other) and knows nothing about HTTP; callers publish events after each change.
 */
import { ArmError, badRequest, resourceNotFound } from "./armError";
import type { ConnectionStatus, CreatePrivateEndpointRequest, EstateSeed, SeedManagementGroup, SeedRecordSet } from "./estateSeed";
import type { PaasResource } from "./privateLinkServices";
import { privateLinkGroupOf, privateLinkServiceFor, zoneGroupRecordName } from "./privateLinkServices";
import { newGuid, stableGuid } from "./random";
import { armTypeOf, parseArmId } from "./armIds";

export interface ConnectionState {
  status: ConnectionStatus;
  description: string;
  actionsRequired: string;
}

/** A connection as the endpoint holds it. */
export interface EndpointLinkRecord {
  name: string;
  manual: boolean;
  targetResourceId: string;
  groupIds: string[];
  requestMessage?: string;
  /** The connection on the target; `undefined` once the resource side removed it. */
  connectionId?: string;
  state: ConnectionState;
}

export interface NicIpConfig {
  name: string;
  groupId: string;
  memberName: string;
  fqdn: string;
  privateIp: string;
}

export interface NicRecord {
  id: string;
  name: string;
  endpointId: string;
  subnetId: string;
  location: string;
  etag: string;
  ipConfigs: NicIpConfig[];
}

export interface ZoneGroupRecordSet {
  recordType: "A";
  recordSetName: string;
  fqdn: string;
  ipAddresses: string[];
}

export interface ZoneGroupRecord {
  id: string;
  name: string;
  etag: string;
  configs: { name: string; zoneId: string; recordSets: ZoneGroupRecordSet[] }[];
}

export interface EndpointRecord {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  subnetId: string;
  tags: Record<string, string>;
  etag: string;
  provisioningState: string;
  links: EndpointLinkRecord[];
  nicId: string;
  customNetworkInterfaceName?: string;
  zoneGroups: ZoneGroupRecord[];
}

/** A connection as the PaaS resource holds it. */
export interface ConnectionRecord {
  id: string;
  name: string;
  resourceId: string;
  resourceType: string;
  endpointId: string;
  groupIds: string[];
  state: ConnectionState;
  provisioningState: string;
  etag: string;
}

export interface VirtualNetworkLinkRecord {
  id: string;
  name: string;
  virtualNetworkId: string;
  registrationEnabled: boolean;
  /** `NxDomainRedirect`: a name missing from the zone falls back to public resolution (api-version 2024-06-01 on). */
  resolutionPolicy: "Default" | "NxDomainRedirect";
  tags: Record<string, string>;
  etag: string;
}

export interface ZoneRecord {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  tags: Record<string, string>;
  etag: string;
  virtualNetworkLinks: VirtualNetworkLinkRecord[];
}

export interface RecordSetRecord {
  zoneId: string;
  zoneName: string;
  type: "A" | "CNAME";
  /** Lower case, relative to the zone; `@` for the apex. */
  name: string;
  ttl: number;
  metadata: Record<string, string>;
  aRecords: string[];
  cname?: string;
  etag: string;
}

interface SubnetRecord {
  id: string;
  addressPrefix: string;
}

/** What a record set write asks for. */
export interface RecordSetInput {
  ttl: number;
  metadata: Record<string, string>;
  aRecords: string[];
  cname?: string;
}

export interface WriteConditions {
  ifMatch?: string;
  ifNoneMatch?: string;
}

/** Extra inputs a private endpoint PUT may carry beyond what `control.createPrivateEndpoint` takes. */
export interface CreateEndpointOptions {
  /** Seeded estates use GUIDs derived from ids so they are the same every run. */
  stableIds?: boolean;
  status?: ConnectionStatus;
  description?: string;
  linkName?: string;
  customNetworkInterfaceName?: string;
  /** Static IPs by memberName (`properties.ipConfigurations`). */
  staticIps?: Record<string, string>;
}

/** A management group; its parent is another group's id, or the tenant root group's (the tenant id). */
export interface ManagementGroupRecord {
  id: string;
  displayName: string;
  parent: string;
  /** The subscriptions directly in this group, lower case. */
  subscriptions: string[];
}

/** What a management group's `descendants` list holds: every group and subscription beneath it, parents first. */
export type ManagementGroupDescendant =
  | { kind: "group"; group: ManagementGroupRecord }
  | { kind: "subscription"; subscriptionId: string; parent: string };

/** The whole estate as plain JSON. */
export interface EstateSnapshot {
  tenantId: string;
  subscriptions: { id: string; resourceGroups: string[] }[];
  subnets: SubnetRecord[];
  resources: PaasResource[];
  privateEndpoints: EndpointRecord[];
  networkInterfaces: NicRecord[];
  connections: ConnectionRecord[];
  privateDnsZones: ZoneRecord[];
  recordSets: RecordSetRecord[];
}

/** What Azure writes into the metadata of records a DNS zone group manages. */
export const ZONE_GROUP_CREATOR = { creator: "created by private DNS zone group" } as const;
const ZONE_GROUP_TTL = 10;
export const DEFAULT_TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";

const key = (id: string): string => id.toLowerCase();

/** A new ARM-style etag: a quoted GUID. */
export function newEtag(): string {
  return `"${newGuid()}"`;
}

/** Etags compare without quotes or a weak prefix. */
export function sameEtag(a: string, b: string): boolean {
  const bare = (e: string): string => e.trim().replace(/^W\//, "").replace(/^"|"$/g, "").toLowerCase();
  return bare(a) === bare(b);
}

function ipToNumber(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new TypeError(`Not an IPv4 address: ${ip}`);
  return (((parts[0] as number) << 24) | ((parts[1] as number) << 16) | ((parts[2] as number) << 8) | (parts[3] as number)) >>> 0;
}

function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** Azure reserves the first four addresses and the last one of every subnet. */
function usableRange(prefix: string): { first: number; last: number } {
  const [address, bitsText] = prefix.split("/");
  const bits = Number(bitsText);
  if (address === undefined || !Number.isInteger(bits) || bits < 8 || bits > 29) {
    throw new TypeError(`Subnet prefix ${JSON.stringify(prefix)} is not an IPv4 CIDR between /8 and /29`);
  }
  const size = 2 ** (32 - bits);
  const base = ipToNumber(address) & ~(size - 1) >>> 0;
  return { first: (base >>> 0) + 4, last: (base >>> 0) + size - 2 };
}

/** A map that reports every change of membership, so lists derived from it can be reused until one. */
class WatchedMap<K, V> extends Map<K, V> {
  constructor(private readonly onChange: () => void) {
    super();
  }
  override set(k: K, v: V): this {
    this.onChange();
    return super.set(k, v);
  }
  override delete(k: K): boolean {
    this.onChange();
    return super.delete(k);
  }
  override clear(): void {
    this.onChange();
    super.clear();
  }
}

export class Estate {
  tenantId = DEFAULT_TENANT_ID;
  /** Bumped by every change of any map's membership; list results cached under an older version are stale. */
  private version = 0;
  private readonly listCache = new Map<string, { version: number; value: unknown }>();
  private readonly changed = (): void => void this.version++;
  private readonly subscriptions = new WatchedMap<string, { id: string; displayName: string; resourceGroups: Map<string, string> }>(this.changed);
  private readonly subnets = new WatchedMap<string, SubnetRecord>(this.changed);
  private readonly resources = new WatchedMap<string, PaasResource>(this.changed);
  private readonly endpoints = new WatchedMap<string, EndpointRecord>(this.changed);
  private readonly nics = new WatchedMap<string, NicRecord>(this.changed);
  /** Per subnet: the IPs in use and where to look next (see `allocateIp`); dropped when a NIC goes or changes. */
  private readonly ipAllocations = new Map<string, { used: Set<string>; next: number }>();
  private readonly connections = new WatchedMap<string, ConnectionRecord>(this.changed);
  private readonly zones = new WatchedMap<string, ZoneRecord>(this.changed);
  private readonly recordSets = new WatchedMap<string, RecordSetRecord>(this.changed);
  private readonly managementGroups = new WatchedMap<string, ManagementGroupRecord>(this.changed);

  /**
   * `compute()` once per estate version: a paged list of 100k items asks for the same filtered, sorted
   * list a thousand times, and must not filter and sort each time. Items are live records; only the
   * membership and order are cached.
   */
  cached<T>(cacheKey: string, compute: () => T): T {
    const hit = this.listCache.get(cacheKey);
    if (hit !== undefined && hit.version === this.version) return hit.value as T;
    const value = compute();
    this.listCache.set(cacheKey, { version: this.version, value });
    return value;
  }
  private autoSubnets = 0;

  /** Empties the estate. */
  reset(): void {
    this.tenantId = DEFAULT_TENANT_ID;
    this.managementGroups.clear();
    for (const map of [this.subscriptions, this.subnets, this.resources, this.endpoints, this.nics, this.ipAllocations, this.connections, this.zones, this.recordSets]) map.clear();
    this.autoSubnets = 0;
  }

  /** Adds everything a seed describes, with ids and IPs that are the same on every run. */
  seed(seed: EstateSeed): void {
    if (seed.tenantId !== undefined) this.tenantId = seed.tenantId;
    if (seed.managementGroups !== undefined) this.seedManagementGroups(seed.managementGroups);
    for (const sub of seed.subscriptions) {
      this.addSubscription(sub.id, sub.displayName);
      for (const rg of sub.resourceGroups ?? []) this.addResourceGroup(sub.id, rg.name);
    }
    for (const subnet of seed.subnets ?? []) this.addSubnet(subnet.id, subnet.addressPrefix);
    for (const r of seed.resources ?? []) {
      if (privateLinkServiceFor(r.type) === undefined) throw new TypeError(`Estate seed: resource type ${r.type} is not emulated; expected one of Batch, ML, Storage, Key Vault`);
      this.addResourceGroup(r.subscriptionId, r.resourceGroup);
      const id = `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/${r.type}/${r.name}`;
      this.resources.set(key(id), {
        id,
        type: privateLinkServiceFor(r.type)?.resourceType ?? r.type,
        name: r.name,
        subscriptionId: r.subscriptionId,
        resourceGroup: r.resourceGroup,
        location: r.location,
        tags: { ...(r.tags ?? {}) },
        ...(r.type.toLowerCase() === "microsoft.machinelearningservices/workspaces" ? { workspaceId: r.workspaceId ?? stableGuid(key(id)) } : {}),
      });
    }
    for (const z of seed.privateDnsZones ?? []) {
      const zone = this.addZone(z.subscriptionId, z.resourceGroup, z.name, z.tags ?? {});
      for (const link of z.virtualNetworkLinks ?? []) {
        this.putVirtualNetworkLink(zone, link.name, { virtualNetworkId: link.virtualNetworkId, registrationEnabled: link.registrationEnabled ?? false, resolutionPolicy: link.resolutionPolicy ?? "Default", tags: {} });
      }
    }
    for (const rs of seed.recordSets ?? []) this.seedRecordSet(rs);
    for (const pe of seed.privateEndpoints ?? []) {
      this.createPrivateEndpoint(pe, { stableIds: true, ...(pe.status ? { status: pe.status } : {}), ...(pe.description ? { description: pe.description } : {}) });
    }
  }

  /**
   * Adds management groups as Azure holds them: each has one parent (the tenant root group when none
   * is named), the hierarchy has no cycles, and a subscription sits in exactly one group.
   */
  private seedManagementGroups(groups: readonly SeedManagementGroup[]): void {
    const added: ManagementGroupRecord[] = [];
    for (const g of groups) {
      if (typeof g.id !== "string" || !/^[A-Za-z0-9_().-]{0,89}[A-Za-z0-9_()-]$/.test(g.id)) throw new TypeError(`Estate seed: management group id ${JSON.stringify(g.id)} is not valid`);
      if (this.managementGroups.has(key(g.id)) || key(g.id) === key(this.tenantId)) throw new TypeError(`Estate seed: management group ${g.id} is defined twice`);
      const group: ManagementGroupRecord = { id: g.id, displayName: g.displayName ?? g.id, parent: g.parent ?? this.tenantId, subscriptions: [] };
      this.managementGroups.set(key(g.id), group);
      added.push(group);
    }
    for (const [i, g] of groups.entries()) {
      const group = added[i] as ManagementGroupRecord;
      if (key(group.parent) !== key(this.tenantId) && !this.managementGroups.has(key(group.parent))) {
        throw new TypeError(`Estate seed: management group ${group.id} names parent ${group.parent}, which is not a seeded management group`);
      }
      for (const sub of g.subscriptions ?? []) {
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sub)) throw new TypeError(`Estate seed: management group ${group.id} lists ${JSON.stringify(sub)}, not a subscription GUID`);
        const holder = this.managementGroupOf(sub);
        if (holder !== undefined) throw new TypeError(`Estate seed: subscription ${sub} is in both ${holder.id} and ${group.id}; a subscription has one management group`);
        group.subscriptions.push(sub.toLowerCase());
      }
    }
    for (const group of added) {
      const seen = new Set<string>();
      for (let at: ManagementGroupRecord | undefined = group; at !== undefined; at = this.managementGroups.get(key(at.parent))) {
        if (seen.has(key(at.id))) throw new TypeError(`Estate seed: management group ${group.id} is its own ancestor`);
        seen.add(key(at.id));
      }
    }
  }

  private managementGroupOf(subscriptionId: string): ManagementGroupRecord | undefined {
    return [...this.managementGroups.values()].find((g) => g.subscriptions.includes(subscriptionId.toLowerCase()));
  }

  /** True for a seeded management group or the tenant root group (whose id is the tenant id). */
  hasManagementGroup(id: string): boolean {
    return this.managementGroups.has(key(id)) || key(id) === key(this.tenantId);
  }

  /**
   * Every group and subscription beneath a management group, at any depth, breadth first. Beneath the
   * tenant root group are also the subscriptions no group holds, as in Azure.
   */
  listManagementGroupDescendants(id: string): ManagementGroupDescendant[] {
    const root = key(id) === key(this.tenantId);
    const result: ManagementGroupDescendant[] = [];
    const subscriptionsOf = (groupId: string): string[] => {
      const direct = this.managementGroups.get(key(groupId))?.subscriptions ?? [];
      if (key(groupId) !== key(this.tenantId)) return direct;
      const placed = new Set([...this.managementGroups.values()].flatMap((g) => g.subscriptions));
      return [...this.subscriptions.keys()].filter((s) => !placed.has(s));
    };
    const queue = [root ? this.tenantId : (this.managementGroups.get(key(id))?.id ?? id)];
    for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
      for (const subscriptionId of subscriptionsOf(parent)) result.push({ kind: "subscription", subscriptionId, parent });
      for (const group of this.managementGroups.values()) {
        if (key(group.parent) !== key(parent)) continue;
        result.push({ kind: "group", group });
        queue.push(group.id);
      }
    }
    return result;
  }

  private seedRecordSet(rs: SeedRecordSet): void {
    const zone = this.getZone(rs.subscriptionId, rs.resourceGroup, rs.zone);
    this.putRecordSet(zone, rs.type, rs.name, {
      ttl: rs.ttl ?? 3600,
      metadata: { ...(rs.metadata ?? {}) },
      aRecords: rs.ipv4Addresses ?? [],
      ...(rs.cname !== undefined ? { cname: rs.cname } : {}),
    });
  }

  addSubscription(subscriptionId: string, displayName?: string): void {
    const existing = this.subscriptions.get(key(subscriptionId));
    if (existing === undefined) this.subscriptions.set(key(subscriptionId), { id: subscriptionId, displayName: displayName ?? subscriptionId, resourceGroups: new Map() });
    else if (displayName !== undefined) existing.displayName = displayName;
  }

  /** Every subscription, in the order they were added. */
  listSubscriptions(): { id: string; displayName: string }[] {
    return [...this.subscriptions.values()].map(({ id, displayName }) => ({ id, displayName }));
  }

  addResourceGroup(subscriptionId: string, name: string): void {
    this.addSubscription(subscriptionId);
    const sub = this.subscriptions.get(key(subscriptionId));
    if (sub !== undefined && !sub.resourceGroups.has(key(name))) sub.resourceGroups.set(key(name), name);
  }

  hasSubscription(subscriptionId: string): boolean {
    return this.subscriptions.has(key(subscriptionId));
  }

  hasResourceGroup(subscriptionId: string, name: string): boolean {
    return this.subscriptions.get(key(subscriptionId))?.resourceGroups.has(key(name)) ?? false;
  }

  /** Throws ARM's 404s when the subscription or resource group does not exist. */
  requireScope(subscriptionId: string, resourceGroup?: string): void {
    if (!this.hasSubscription(subscriptionId)) throw new ArmError(404, "SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`);
    if (resourceGroup !== undefined && !this.hasResourceGroup(subscriptionId, resourceGroup)) {
      throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${resourceGroup}' could not be found.`);
    }
  }

  addSubnet(id: string, addressPrefix: string): SubnetRecord {
    usableRange(addressPrefix);
    const parsed = parseArmId(id);
    if (parsed.resourceGroup !== undefined) this.addResourceGroup(parsed.subscriptionId, parsed.resourceGroup);
    const subnet = { id, addressPrefix };
    this.subnets.set(key(id), subnet);
    return subnet;
  }

  /** The subnet by id; unknown subnets are made up on first use with a fresh /24. */
  private subnetFor(subscriptionId: string, resourceGroup: string, subnetId: string | undefined): SubnetRecord {
    if (subnetId !== undefined) {
      return this.subnets.get(key(subnetId)) ?? this.addSubnet(subnetId, `10.${200 + (this.autoSubnets++ % 50)}.0.0/24`);
    }
    const first = [...this.subnets.values()].find((s) => parseArmId(s.id).subscriptionId.toLowerCase() === subscriptionId.toLowerCase());
    if (first !== undefined) return first;
    const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/virtualNetworks/vnet-${resourceGroup}/subnets/default`;
    return this.addSubnet(id, `10.${200 + (this.autoSubnets++ % 50)}.0.0/24`);
  }

  /**
   * The next free IP of the subnet, lowest first on a fresh subnet. The used set and a cursor are kept
   * per subnet (rebuilt after a NIC goes or changes) so seeding 100k endpoints stays linear.
   */
  private allocateIp(subnet: SubnetRecord): string {
    let allocation = this.ipAllocations.get(key(subnet.id));
    if (allocation === undefined) {
      const used = new Set<string>();
      for (const nic of this.nics.values()) {
        if (key(nic.subnetId) === key(subnet.id)) for (const c of nic.ipConfigs) used.add(c.privateIp);
      }
      allocation = { used, next: usableRange(subnet.addressPrefix).first };
      this.ipAllocations.set(key(subnet.id), allocation);
    }
    const { first, last } = usableRange(subnet.addressPrefix);
    const size = last - first + 1;
    for (let i = 0; i < size; i++) {
      const n = first + ((allocation.next - first + i) % size);
      const ip = numberToIp(n);
      if (!allocation.used.has(ip)) {
        allocation.used.add(ip);
        allocation.next = n + 1 > last ? first : n + 1;
        return ip;
      }
    }
    throw new ArmError(400, "SubnetIsFull", `Subnet ${subnet.id} has no free private IP address.`);
  }

  getResource(id: string): PaasResource | undefined {
    return this.resources.get(key(id));
  }

  listResources(): PaasResource[] {
    return [...this.resources.values()];
  }

  getEndpoint(id: string): EndpointRecord | undefined {
    return this.endpoints.get(key(id));
  }

  listEndpoints(subscriptionId: string, resourceGroup?: string): readonly EndpointRecord[] {
    return this.cached(`endpoints|${key(subscriptionId)}|${key(resourceGroup ?? "")}`, () => [...this.endpoints.values()].filter(
      (e) => key(e.subscriptionId) === key(subscriptionId) && (resourceGroup === undefined || key(e.resourceGroup) === key(resourceGroup)),
    ));
  }

  getNic(id: string): NicRecord | undefined {
    return this.nics.get(key(id));
  }

  getConnection(id: string): ConnectionRecord | undefined {
    return this.connections.get(key(id));
  }

  listConnections(resourceId: string): ConnectionRecord[] {
    return [...this.connections.values()].filter((c) => key(c.resourceId) === key(resourceId));
  }

  /** Every connection grouped by its resource (lower-case id), for rendering a list of resources in one pass. */
  connectionsByResource(): ReadonlyMap<string, readonly ConnectionRecord[]> {
    return this.cached("connectionsByResource", () => {
      const byResource = new Map<string, ConnectionRecord[]>();
      for (const c of this.connections.values()) {
        const list = byResource.get(key(c.resourceId));
        if (list === undefined) byResource.set(key(c.resourceId), [c]);
        else list.push(c);
      }
      return byResource;
    });
  }

  /**
   * Creates a private endpoint as the Network RP does: a NIC in the subnet with one IP per FQDN the
   * target issues, `customDnsConfigs`, and a connection on the target (auto-approved, or Pending with
   * the request message as its description when manual).
   */
  createPrivateEndpoint(request: CreatePrivateEndpointRequest, options: CreateEndpointOptions = {}): EndpointRecord {
    const id = `/subscriptions/${request.subscriptionId}/resourceGroups/${request.resourceGroup}/providers/Microsoft.Network/privateEndpoints/${request.name}`;
    if (this.endpoints.has(key(id))) throw new ArmError(409, "Conflict", `Private endpoint ${id} already exists.`);
    const target = this.resources.get(key(request.targetResourceId));
    if (target === undefined) {
      throw new ArmError(400, "PrivateLinkServiceNotFound", `The private link resource ${request.targetResourceId} referenced by private endpoint ${request.name} was not found.`);
    }
    const service = privateLinkServiceFor(target.type);
    if (service === undefined) throw badRequest(`Resource type ${target.type} does not support private endpoints in the emulator.`);
    if (request.groupIds.length === 0) throw badRequest(`Private endpoint ${request.name}: groupIds must name one group of ${target.type}.`, "InvalidGroupIds");
    const groups = request.groupIds.map((g) => {
      const group = privateLinkGroupOf(service, g);
      if (group === undefined) {
        throw badRequest(`Group id '${g}' is not valid for ${target.type}; expected one of ${service.groups.map((x) => x.groupId).join(", ")}.`, "PrivateEndpointBadRequest");
      }
      return group;
    });
    this.addResourceGroup(request.subscriptionId, request.resourceGroup);
    const subnet = this.subnetFor(request.subscriptionId, request.resourceGroup, request.subnetId);
    const guid = (salt: string): string => (options.stableIds ? stableGuid(`${key(id)}|${salt}`) : newGuid());
    const nicName = options.customNetworkInterfaceName ?? `${request.name}.nic.${guid("nic")}`;
    const nicId = `/subscriptions/${request.subscriptionId}/resourceGroups/${request.resourceGroup}/providers/Microsoft.Network/networkInterfaces/${nicName}`;
    const location = request.location ?? target.location;
    const nic: NicRecord = { id: nicId, name: nicName, endpointId: id, subnetId: subnet.id, location, etag: newEtag(), ipConfigs: [] };
    this.nics.set(key(nicId), nic);
    for (const group of groups) {
      for (const issued of service.issuedNames(target, group.groupId)) {
        nic.ipConfigs.push({
          name: `privateEndpointIpConfig.${guid(`ip|${issued.fqdn}`)}`,
          groupId: group.groupId,
          memberName: issued.memberName,
          fqdn: issued.fqdn,
          privateIp: options.staticIps?.[issued.memberName] ?? this.allocateIp(subnet),
        });
      }
    }
    if (options.staticIps !== undefined) this.ipAllocations.delete(key(subnet.id));
    const status: ConnectionStatus = options.status ?? (request.manual ? "Pending" : "Approved");
    const description = options.description ?? (request.manual ? (request.requestMessage ?? "") : "Auto-Approved");
    const state: ConnectionState = { status, description, actionsRequired: "None" };
    const connectionName = `${request.name}.${guid("connection")}`;
    const connectionId = `${target.id}/privateEndpointConnections/${connectionName}`;
    const link: EndpointLinkRecord = {
      name: options.linkName ?? request.name,
      manual: request.manual,
      targetResourceId: target.id,
      groupIds: groups.map((g) => g.groupId),
      ...(request.requestMessage !== undefined ? { requestMessage: request.requestMessage } : {}),
      state: { ...state },
    };
    if (status !== "Disconnected") {
      link.connectionId = connectionId;
      this.connections.set(key(connectionId), {
        id: connectionId,
        name: connectionName,
        resourceId: target.id,
        resourceType: target.type,
        endpointId: id,
        groupIds: groups.map((g) => g.groupId),
        state: { ...state },
        provisioningState: "Succeeded",
        etag: newEtag(),
      });
    }
    const endpoint: EndpointRecord = {
      id,
      name: request.name,
      subscriptionId: request.subscriptionId,
      resourceGroup: request.resourceGroup,
      location,
      subnetId: subnet.id,
      tags: { ...(request.tags ?? {}) },
      etag: newEtag(),
      provisioningState: "Succeeded",
      links: [link],
      nicId,
      ...(options.customNetworkInterfaceName !== undefined ? { customNetworkInterfaceName: options.customNetworkInterfaceName } : {}),
      zoneGroups: [],
    };
    this.endpoints.set(key(id), endpoint);
    return endpoint;
  }

  /** Updates what a PUT on an existing endpoint may change (tags). */
  updatePrivateEndpoint(id: string, tags: Record<string, string>): EndpointRecord {
    const endpoint = this.requireEndpoint(id);
    endpoint.tags = { ...tags };
    endpoint.etag = newEtag();
    return endpoint;
  }

  private requireEndpoint(id: string): EndpointRecord {
    const endpoint = this.endpoints.get(key(id));
    if (endpoint === undefined) {
      const parsed = parseArmId(id);
      throw resourceNotFound("Microsoft.Network/privateEndpoints", parsed.names.at(-1) ?? id, parsed.resourceGroup);
    }
    return endpoint;
  }

  /** Deletes an endpoint with its NIC, the connections on its targets and its zone groups' records. */
  deletePrivateEndpoint(id: string): EndpointRecord | undefined {
    const endpoint = this.endpoints.get(key(id));
    if (endpoint === undefined) return undefined;
    for (const group of [...endpoint.zoneGroups]) this.deleteZoneGroup(endpoint.id, group.name);
    for (const link of endpoint.links) if (link.connectionId !== undefined) this.connections.delete(key(link.connectionId));
    const nic = this.nics.get(key(endpoint.nicId));
    if (nic !== undefined) this.ipAllocations.delete(key(nic.subnetId));
    this.nics.delete(key(endpoint.nicId));
    this.endpoints.delete(key(id));
    return endpoint;
  }

  /** The endpoint link that mirrors a connection. */
  private linkOf(connection: ConnectionRecord): EndpointLinkRecord | undefined {
    return this.endpoints.get(key(connection.endpointId))?.links.find((l) => l.connectionId !== undefined && key(l.connectionId) === key(connection.id));
  }

  /** Approves, rejects (or re-pends) a connection from the resource side; the endpoint mirrors it. */
  setConnectionState(connectionId: string, status: ConnectionStatus, description: string): ConnectionRecord {
    const connection = this.connections.get(key(connectionId));
    if (connection === undefined) {
      const parsed = parseArmId(connectionId);
      throw resourceNotFound(armTypeOf(parsed), parsed.names.at(-1) ?? connectionId, parsed.resourceGroup);
    }
    if (status === "Disconnected") throw badRequest("A connection cannot be set to Disconnected; delete it instead.", "InvalidPrivateLinkServiceConnectionStatus");
    connection.state = { status, description, actionsRequired: "None" };
    connection.etag = newEtag();
    connection.provisioningState = "Succeeded";
    const link = this.linkOf(connection);
    const endpoint = this.endpoints.get(key(connection.endpointId));
    if (link !== undefined && endpoint !== undefined) {
      link.state = { ...connection.state };
      endpoint.etag = newEtag();
    }
    return connection;
  }

  /** Removes a connection from the resource side; the endpoint's link becomes Disconnected. */
  removeConnection(connectionId: string): ConnectionRecord | undefined {
    const connection = this.connections.get(key(connectionId));
    if (connection === undefined) return undefined;
    const link = this.linkOf(connection);
    const endpoint = this.endpoints.get(key(connection.endpointId));
    if (link !== undefined && endpoint !== undefined) {
      delete link.connectionId;
      link.state = { status: "Disconnected", description: "Connection removed by the private link resource owner.", actionsRequired: "None" };
      endpoint.etag = newEtag();
    }
    this.connections.delete(key(connectionId));
    return connection;
  }

  /**
   * Moves a PaaS resource to another resource group (`moveResources`): it and its connections get new
   * ids; the endpoints keep naming the old id, as ARM rewrites nothing else. For Batch the endpoints
   * also lose their hold on the connection, so deleting one later orphans its connection on the account.
   */
  moveResource(id: string, targetSubscriptionId: string, targetResourceGroup: string): PaasResource {
    const resource = this.resources.get(key(id));
    if (resource === undefined) throw resourceNotFound("resource", id, undefined);
    this.addResourceGroup(targetSubscriptionId, targetResourceGroup);
    const movedId = `/subscriptions/${targetSubscriptionId}/resourceGroups/${targetResourceGroup}/providers/${resource.type}/${resource.name}`;
    const orphans = privateLinkServiceFor(resource.type)?.orphansConnectionsAfterMove ?? false;
    for (const connection of this.listConnections(resource.id)) {
      const link = this.linkOf(connection);
      this.connections.delete(key(connection.id));
      Object.assign(connection, { id: `${movedId}/privateEndpointConnections/${connection.name}`, resourceId: movedId });
      this.connections.set(key(connection.id), connection);
      if (link === undefined) continue;
      if (orphans) delete link.connectionId;
      else link.connectionId = connection.id;
    }
    this.resources.delete(key(resource.id));
    Object.assign(resource, { id: movedId, subscriptionId: targetSubscriptionId, resourceGroup: targetResourceGroup });
    this.resources.set(key(movedId), resource);
    return resource;
  }

  /** Changes the private IP behind one FQDN (or every FQDN) of an endpoint, as a NIC update would. */
  changeEndpointIp(endpointId: string, fqdn: string | undefined, newIp: string): NicRecord {
    ipToNumber(newIp);
    const endpoint = this.requireEndpoint(endpointId);
    const nic = this.nics.get(key(endpoint.nicId));
    if (nic === undefined) throw new ArmError(404, "ResourceNotFound", `NIC of ${endpointId} not found.`);
    const configs = nic.ipConfigs.filter((c) => fqdn === undefined || c.fqdn.toLowerCase() === fqdn.toLowerCase());
    if (configs.length === 0) throw new RangeError(`Endpoint ${endpointId} serves no FQDN ${fqdn}; expected one of ${nic.ipConfigs.map((c) => c.fqdn).join(", ")}`);
    for (const c of configs) c.privateIp = newIp;
    this.ipAllocations.delete(key(nic.subnetId));
    nic.etag = newEtag();
    endpoint.etag = newEtag();
    for (const group of endpoint.zoneGroups) this.writeZoneGroupRecords(endpoint, group);
    return nic;
  }

  // ---- DNS zone groups ----

  /** Writes a zone group: A records for every endpoint FQDN that maps into one of its zones. */
  putZoneGroup(endpointId: string, name: string, zoneIds: { name?: string; zoneId: string }[]): { group: ZoneGroupRecord; created: boolean } {
    const endpoint = this.requireEndpoint(endpointId);
    const zones = zoneIds.map((z) => {
      const zone = this.zones.get(key(z.zoneId));
      if (zone === undefined) throw badRequest(`Private DNS zone ${z.zoneId} referenced by zone group ${name} was not found.`, "InvalidResourceReference");
      return { name: z.name ?? zone.name.replace(/\./g, "-"), zone };
    });
    const existing = endpoint.zoneGroups.find((g) => key(g.name) === key(name));
    if (existing !== undefined) this.deleteZoneGroupRecords(existing);
    const group: ZoneGroupRecord = existing ?? { id: `${endpoint.id}/privateDnsZoneGroups/${name}`, name, etag: "", configs: [] };
    group.etag = newEtag();
    group.configs = zones.map((z) => ({ name: z.name, zoneId: z.zone.id, recordSets: [] }));
    if (existing === undefined) endpoint.zoneGroups.push(group);
    this.writeZoneGroupRecords(endpoint, group);
    return { group, created: existing === undefined };
  }

  deleteZoneGroup(endpointId: string, name: string): ZoneGroupRecord | undefined {
    const endpoint = this.endpoints.get(key(endpointId));
    const group = endpoint?.zoneGroups.find((g) => key(g.name) === key(name));
    if (endpoint === undefined || group === undefined) return undefined;
    this.deleteZoneGroupRecords(group);
    endpoint.zoneGroups = endpoint.zoneGroups.filter((g) => g !== group);
    return group;
  }

  private writeZoneGroupRecords(endpoint: EndpointRecord, group: ZoneGroupRecord): void {
    const nic = this.nics.get(key(endpoint.nicId));
    const target = this.resources.get(key(endpoint.links[0]?.targetResourceId ?? ""));
    for (const config of group.configs) {
      const zone = this.zones.get(key(config.zoneId));
      if (zone === undefined || nic === undefined || target === undefined) continue;
      const byName = new Map<string, string[]>();
      for (const ip of nic.ipConfigs) {
        const name = zoneGroupRecordName(target, ip.groupId, ip.fqdn, zone.name);
        if (name !== undefined) byName.set(name, [...(byName.get(name) ?? []), ip.privateIp]);
      }
      config.recordSets = [...byName].map(([recordName, ips]) => ({ recordType: "A", recordSetName: recordName, fqdn: `${recordName}.${zone.name}`, ipAddresses: ips }));
      for (const rs of config.recordSets) {
        this.putRecordSet(zone, "A", rs.recordSetName, { ttl: ZONE_GROUP_TTL, metadata: { ...ZONE_GROUP_CREATOR }, aRecords: rs.ipAddresses });
      }
    }
  }

  private deleteZoneGroupRecords(group: ZoneGroupRecord): void {
    for (const config of group.configs) {
      const zone = this.zones.get(key(config.zoneId));
      if (zone === undefined) continue;
      for (const rs of config.recordSets) {
        const existing = this.getRecordSet(zone, "A", rs.recordSetName);
        if (existing?.metadata.creator === ZONE_GROUP_CREATOR.creator) this.recordSets.delete(this.recordKey(zone, "A", rs.recordSetName));
      }
    }
  }

  // ---- Private DNS ----

  addZone(subscriptionId: string, resourceGroup: string, name: string, tags: Record<string, string> = {}): ZoneRecord {
    this.addResourceGroup(subscriptionId, resourceGroup);
    const lower = name.toLowerCase();
    const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/privateDnsZones/${lower}`;
    const zone: ZoneRecord = { id, name: lower, subscriptionId, resourceGroup, tags: { ...tags }, etag: newGuid(), virtualNetworkLinks: [] };
    this.zones.set(key(id), zone);
    return zone;
  }

  /** The zone or ARM's 404. */
  getZone(subscriptionId: string, resourceGroup: string, name: string): ZoneRecord {
    const zone = this.zones.get(key(`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/privateDnsZones/${name}`));
    if (zone === undefined) throw resourceNotFound("Microsoft.Network/privateDnsZones", name, resourceGroup);
    return zone;
  }

  /** Deletes a zone with its record sets (the route refuses a zone that still has links). */
  deleteZone(zone: ZoneRecord): void {
    for (const record of this.listRecordSets(zone)) this.recordSets.delete(this.recordKey(zone, record.type, record.name));
    this.zones.delete(key(zone.id));
  }

  /** Creates or replaces a zone's virtual network link; a new etag either way. */
  putVirtualNetworkLink(zone: ZoneRecord, name: string, input: Omit<VirtualNetworkLinkRecord, "id" | "name" | "etag">): { link: VirtualNetworkLinkRecord; created: boolean } {
    const existing = zone.virtualNetworkLinks.find((l) => key(l.name) === key(name));
    const link: VirtualNetworkLinkRecord = { id: `${zone.id}/virtualNetworkLinks/${existing?.name ?? name}`, name: existing?.name ?? name, ...input, etag: newEtag() };
    zone.virtualNetworkLinks = [...zone.virtualNetworkLinks.filter((l) => l !== existing), link];
    this.changed();
    return { link, created: existing === undefined };
  }

  deleteVirtualNetworkLink(zone: ZoneRecord, name: string): VirtualNetworkLinkRecord | undefined {
    const existing = zone.virtualNetworkLinks.find((l) => key(l.name) === key(name));
    if (existing === undefined) return undefined;
    zone.virtualNetworkLinks = zone.virtualNetworkLinks.filter((l) => l !== existing);
    this.changed();
    return existing;
  }

  findZone(id: string): ZoneRecord | undefined {
    return this.zones.get(key(id));
  }

  listZones(subscriptionId: string, resourceGroup?: string): ZoneRecord[] {
    return [...this.zones.values()].filter(
      (z) => key(z.subscriptionId) === key(subscriptionId) && (resourceGroup === undefined || key(z.resourceGroup) === key(resourceGroup)),
    );
  }

  private recordKey(zone: ZoneRecord, type: string, name: string): string {
    return `${key(zone.id)}|${type.toUpperCase()}|${name.toLowerCase()}`;
  }

  getRecordSet(zone: ZoneRecord, type: string, name: string): RecordSetRecord | undefined {
    return this.recordSets.get(this.recordKey(zone, type, name));
  }

  /** Record sets of a zone, optionally of one type, in a stable order. */
  listRecordSets(zone: ZoneRecord, type?: string): readonly RecordSetRecord[] {
    return this.cached(`recordSets|${key(zone.id)}|${type?.toUpperCase() ?? ""}`, () =>
      [...this.recordSets.values()]
        .filter((r) => key(r.zoneId) === key(zone.id) && (type === undefined || r.type === type.toUpperCase()))
        .sort((a, b) => (a.name === b.name ? a.type.localeCompare(b.type) : a.name.localeCompare(b.name))),
    );
  }

  private checkConditions(existing: RecordSetRecord | undefined, conditions: WriteConditions): void {
    if (conditions.ifNoneMatch !== undefined && existing !== undefined && (conditions.ifNoneMatch.trim() === "*" || sameEtag(conditions.ifNoneMatch, existing.etag))) {
      throw new ArmError(412, "PreconditionFailed", `The record set ${existing.name} of type ${existing.type} already exists (If-None-Match).`);
    }
    if (conditions.ifMatch !== undefined) {
      if (existing === undefined) throw new ArmError(412, "PreconditionFailed", "The record set does not exist, so the If-Match condition cannot hold.");
      if (conditions.ifMatch.trim() !== "*" && !sameEtag(conditions.ifMatch, existing.etag)) {
        throw new ArmError(412, "PreconditionFailed", `The etag ${conditions.ifMatch} does not match the record set's current etag ${existing.etag}.`);
      }
    }
  }

  /** Creates or replaces a record set, honouring If-Match / If-None-Match. */
  putRecordSet(zone: ZoneRecord, type: "A" | "CNAME", name: string, input: RecordSetInput, conditions: WriteConditions = {}): { record: RecordSetRecord; created: boolean } {
    const lower = name.toLowerCase();
    const existing = this.getRecordSet(zone, type, lower);
    this.checkConditions(existing, conditions);
    const other = this.getRecordSet(zone, type === "A" ? "CNAME" : "A", lower);
    if (other !== undefined && (type === "CNAME" || other.type === "CNAME")) {
      throw new ArmError(409, "Conflict", `A CNAME record set cannot coexist with other record sets named '${lower}' in zone ${zone.name}.`);
    }
    const record: RecordSetRecord = {
      zoneId: zone.id,
      zoneName: zone.name,
      type,
      name: lower,
      ttl: input.ttl,
      metadata: { ...input.metadata },
      aRecords: type === "A" ? [...input.aRecords] : [],
      ...(type === "CNAME" && input.cname !== undefined ? { cname: input.cname } : {}),
      etag: newEtag(),
    };
    this.recordSets.set(this.recordKey(zone, type, lower), record);
    return { record, created: existing === undefined };
  }

  /** Deletes a record set, honouring If-Match. Returns what was deleted, or `undefined` if nothing was there. */
  deleteRecordSet(zone: ZoneRecord, type: string, name: string, conditions: WriteConditions = {}): RecordSetRecord | undefined {
    const existing = this.getRecordSet(zone, type, name);
    this.checkConditions(existing, { ...(conditions.ifMatch !== undefined ? { ifMatch: conditions.ifMatch } : {}) });
    if (existing === undefined) return undefined;
    this.recordSets.delete(this.recordKey(zone, type, name));
    return existing;
  }

  snapshot(): EstateSnapshot {
    const clone = <T>(value: T): T => structuredClone(value);
    return clone({
      tenantId: this.tenantId,
      subscriptions: [...this.subscriptions.values()].map((s) => ({ id: s.id, resourceGroups: [...s.resourceGroups.values()] })),
      subnets: [...this.subnets.values()],
      resources: [...this.resources.values()],
      privateEndpoints: [...this.endpoints.values()],
      networkInterfaces: [...this.nics.values()],
      connections: [...this.connections.values()],
      privateDnsZones: [...this.zones.values()],
      recordSets: [...this.recordSets.values()],
    });
  }
}
