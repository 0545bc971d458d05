/**
 * @module The domain types that flow through every stage of a run: private endpoints, the
 * connections on PaaS resources, DNS records and the report a run returns. Plain data only; the
 * Azure SDK types are translated into these at the adapter boundary (`shared/azure`).
 */

/** The state of a private endpoint connection, as both sides of the link report it. */
export type ConnectionStatus = "Pending" | "Approved" | "Rejected" | "Disconnected";

/** One connection as the private endpoint sees it (`privateLinkServiceConnections` or `manualPrivateLinkServiceConnections`). */
export interface EndpointLink {
  /** The connection's name on the endpoint side. */
  name: string;
  /** The PaaS resource the endpoint connects to (`privateLinkServiceId`). */
  targetResourceId: string;
  groupIds: string[];
  status: ConnectionStatus;
  /** True for `manualPrivateLinkServiceConnections` (the requester lacked approval rights). */
  manual: boolean;
  requestMessage?: string;
}

/** An FQDN the endpoint serves and the private IPs behind it (`customDnsConfigs`). */
export interface EndpointDnsConfig {
  fqdn: string;
  ipAddresses: string[];
}

/** A private endpoint (`Microsoft.Network/privateEndpoints`). */
export interface PrivateEndpoint {
  id: string;
  name: string;
  location: string;
  /** ARM provisioning state; DNS is written only once this is `Succeeded` and IPs are known. */
  provisioningState: string;
  links: EndpointLink[];
  dnsConfigs: EndpointDnsConfig[];
  /** Private DNS zone names that the endpoint's own DNS zone group already serves. */
  zoneGroupZones: string[];
  /** The subnet the endpoint's NIC sits in (`subnet.id`). */
  subnetId?: string;
  /** The VNet of that subnet: its clients resolve from here, or from a zone set's resolver VNets. */
  virtualNetworkId?: string;
}

/** A private endpoint connection on a PaaS resource (`<provider>/<type>/privateEndpointConnections/<name>`). */
export interface Connection {
  id: string;
  /** The PaaS resource that holds the connection. */
  resourceId: string;
  /** The PaaS resource type, e.g. `Microsoft.Batch/batchAccounts`. */
  resourceType: string;
  privateEndpointId: string;
  groupIds: string[];
  status: ConnectionStatus;
  /**
   * The state's status as ARM sent it when it is none of the four known ones (`""` when absent): such a
   * connection reads as Disconnected (no DNS, no decision) but never counts as an orphan.
   */
  unrecognizedStatus?: string;
  /** `privateLinkServiceConnectionState.description`: the request message while Pending, our decision after. */
  description: string;
  actionsRequired?: string;
  provisioningState?: string;
}

/** A PaaS resource that accepts private endpoint connections. */
export interface LinkTarget {
  id: string;
  type: string;
  location: string;
  tags: Record<string, string>;
}

/** A VNet linked to a private DNS zone, as far as the answers its clients get go. */
export interface ZoneLink {
  virtualNetworkId: string;
  /** `NxDomainRedirect`: a name the zone lacks is resolved publicly; `Default`: NXDOMAIN. */
  resolutionPolicy: "Default" | "NxDomainRedirect";
}

/** A private DNS zone we may write into (`Microsoft.Network/privateDnsZones`). */
export interface ZoneRef {
  id: string;
  /** The zone name, lower case, e.g. `privatelink.batch.azure.com`. */
  name: string;
  /** The zone's VNet links, when they were read (see `withVirtualNetworkLinks`). */
  links?: ZoneLink[];
}

export type DnsRecordType = "A" | "CNAME";

/** A record set in a private DNS zone, as it is or as we want it. */
export interface DnsRecord {
  /** The ARM id of the zone that holds the record set. */
  zoneId: string;
  /** The zone name, lower case. */
  zone: string;
  /** The record name relative to the zone, lower case (`myacct.eastus`). */
  name: string;
  type: DnsRecordType;
  ttl: number;
  /** For A record sets: the IPv4 addresses, sorted. */
  ipv4Addresses: string[];
  /** For CNAME record sets: the canonical name. */
  cname?: string;
  /** Record set metadata; ownership lives here (see `shared/dns/ownership`). */
  metadata: Record<string, string>;
  /** Present on record sets read from ARM; used for `If-Match`. */
  etag?: string;
  /**
   * On a desired CNAME in Batch's legacy zone only: the addresses of the record it points at. Our A record
   * that already holds the name is kept with these instead (it answers the same; see `keepHeldARecords`).
   */
  sameAnswerAddresses?: string[];
}

export type DecisionAction = "approve" | "reject" | "leavePending";

/** What the policy decided for one connection, and why. */
export interface Decision {
  action: DecisionAction;
  /** The name of the rule that matched, or `default` when none did. */
  ruleName: string;
  reason: string;
  /** The text written into the connection's `privateLinkServiceConnectionState.description`. */
  description: string;
}

/** What an entry point asks a run to reconcile. */
export type ReconcileRequest =
  | { kind: "endpoint"; id: string; reason: string }
  | { kind: "resource"; id: string; reason: string }
  /** A NIC changed; the run resolves it to the private endpoint that owns it, if any. */
  | { kind: "networkInterface"; id: string; reason: string };
