/**
 * @module ARM's own reads that standard clients make before anything else (a CLI login lists
 * tenants and subscriptions; SDKs and tools read provider registrations): `GET /tenants`,
 * `/subscriptions`, `/subscriptions/{id}`, `/subscriptions/{id}/providers[/{namespace}]` and
 * `/providers/{namespace}` for the namespaces the emulator serves.
 */
import { acceptedApiVersions } from "./apiVersions";
import { parseArmId } from "./armIds";
import { ArmError, badRequest } from "./armError";
import type { Estate } from "./estate";
import type { ArmRequest, ArmResponse, Route, RouteContext } from "./router";
import { objectBody, page, param, publishChange, route } from "./router";

function subscriptionBody(estate: Estate, subscription: { id: string; displayName: string }): Record<string, unknown> {
  return {
    id: `/subscriptions/${subscription.id}`,
    authorizationSource: "RoleBased",
    managedByTenants: [],
    subscriptionId: subscription.id,
    tenantId: estate.tenantId,
    displayName: subscription.displayName,
    state: "Enabled",
    subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: "PayAsYouGo_2014-09-01", spendingLimit: "Off" },
  };
}

/**
 * `POST /subscriptions/{sub}/resourceGroups/{rg}/moveResources` with `{resources, targetResourceGroup}`:
 * 202 + `Location` (ARM's `/subscriptions/{sub}/operationresults/{id}`), then the resources move.
 */
function moveResources(request: ArmRequest, context: RouteContext): ArmResponse {
  const { estate } = context;
  estate.requireScope(param(request, "sub"), param(request, "rg"));
  const body = objectBody(request);
  const { resources, targetResourceGroup } = body;
  if (!Array.isArray(resources) || resources.length === 0 || !resources.every((r) => typeof r === "string")) throw badRequest("resources must be a non-empty array of resource ids.");
  if (typeof targetResourceGroup !== "string") throw badRequest("targetResourceGroup must be a resource group id.");
  const target = parseArmId(targetResourceGroup);
  if (target.resourceGroup === undefined || target.namespace !== undefined) throw badRequest(`targetResourceGroup ${JSON.stringify(targetResourceGroup)} is not a resource group id.`);
  estate.requireScope(target.subscriptionId, target.resourceGroup);
  for (const id of resources as string[]) {
    const source = parseArmId(id);
    if (source.subscriptionId.toLowerCase() !== param(request, "sub").toLowerCase() || source.resourceGroup?.toLowerCase() !== param(request, "rg").toLowerCase()) {
      throw badRequest(`${id} is not in the source resource group ${param(request, "rg")}.`);
    }
    if (estate.getResource(id) === undefined) throw badRequest(`${id}: the emulator moves only the Batch, ML, Storage and Key Vault resources it holds.`);
  }
  const operation = context.operations.start(() => {
    for (const id of resources as string[]) estate.moveResource(id, target.subscriptionId, target.resourceGroup as string);
    const sourceGroup = `/subscriptions/${param(request, "sub")}/resourceGroups/${param(request, "rg")}`;
    publishChange(context, request, "action", sourceGroup, "Microsoft.Resources/subscriptions/resourceGroups/moveResources/action");
    return { status: 204 };
  });
  const location = `${context.baseUrl}/subscriptions/${param(request, "sub")}/operationresults/${operation.id}?api-version=${encodeURIComponent(request.apiVersion)}`;
  return { status: 202, headers: { Location: location, "Retry-After": context.operations.retryAfter(operation) } };
}

interface ServedType {
  resourceType: string;
  apiVersions: readonly string[];
}

/** Per namespace (as spelled in the routes), the resource types the routes serve and the versions each accepts. */
function catalogOf(routes: readonly Route[]): Map<string, ServedType[]> {
  const catalog = new Map<string, ServedType[]>();
  for (const r of routes) {
    if (r.family === "byNamespace" || r.family === "resources") continue;
    const [namespace = "", ...type] = r.resourceType.split("/");
    const types = catalog.get(namespace) ?? [];
    const resourceType = type.join("/");
    if (!types.some((t) => t.resourceType === resourceType)) types.push({ resourceType, apiVersions: acceptedApiVersions(r.family, r.resourceType) });
    catalog.set(namespace, types);
  }
  return catalog;
}

export function resourceManagerRoutes(served: readonly Route[]): Route[] {
  const catalog = catalogOf(served);
  const providerBody = (request: ArmRequest, context: RouteContext, namespace: string, subscriptionId?: string): Record<string, unknown> => {
    const entry = [...catalog].find(([ns]) => ns.toLowerCase() === namespace.toLowerCase());
    if (entry === undefined) throw new ArmError(404, "InvalidResourceNamespace", `The resource namespace '${namespace}' is invalid or not emulated.`);
    const [name, types] = entry;
    const locations = [...new Set(context.estate.listResources().map((r) => r.location))].sort();
    return {
      id: `${subscriptionId === undefined ? "" : `/subscriptions/${subscriptionId}`}/providers/${name}`,
      namespace: name,
      ...(subscriptionId === undefined ? {} : { registrationState: "Registered", registrationPolicy: "RegistrationRequired" }),
      resourceTypes: types.map((t) => ({
        resourceType: t.resourceType,
        locations: t.resourceType.startsWith("privateDnsZones") ? ["global"] : locations,
        apiVersions: [...t.apiVersions].reverse(),
        capabilities: t.resourceType.includes("/") ? "None" : "CrossResourceGroupResourceMove, CrossSubscriptionResourceMove, SupportsTags, SupportsLocation",
      })),
    };
  };
  const subscriptionOf = (request: ArmRequest, context: RouteContext): { id: string; displayName: string } => {
    context.estate.requireScope(param(request, "sub"));
    const wanted = param(request, "sub").toLowerCase();
    return context.estate.listSubscriptions().find((s) => s.id.toLowerCase() === wanted) as { id: string; displayName: string };
  };
  return [
    route("GET", "/tenants", "tenants:list", "resources", "Microsoft.Resources/tenants", (request, context) => {
      const tenantId = context.estate.tenantId;
      const tenant = { id: `/tenants/${tenantId}`, tenantId, tenantCategory: "Home", displayName: "Emulated tenant", domains: ["emulated.onmicrosoft.com"], defaultDomain: "emulated.onmicrosoft.com", tenantType: "AAD" };
      return page([tenant], request, context, (t) => t);
    }),
    route("GET", "/subscriptions", "subscriptions:list", "resources", "Microsoft.Resources/subscriptions", (request, context) =>
      page(context.estate.listSubscriptions(), request, context, (s) => subscriptionBody(context.estate, s)),
    ),
    route("GET", "/subscriptions/{sub}", "subscriptions:get", "resources", "Microsoft.Resources/subscriptions", (request, context) => ({
      status: 200,
      body: subscriptionBody(context.estate, subscriptionOf(request, context)),
    })),
    route("GET", "/subscriptions/{sub}/providers", "providers:list", "resources", "Microsoft.Resources/providers", (request, context) => {
      const { id } = subscriptionOf(request, context);
      return page([...catalog.keys()], request, context, (namespace) => providerBody(request, context, namespace, id));
    }),
    route("GET", "/subscriptions/{sub}/providers/{namespace}", "providers:get", "resources", "Microsoft.Resources/providers", (request, context) => {
      const { id } = subscriptionOf(request, context);
      return { status: 200, body: providerBody(request, context, param(request, "namespace"), id) };
    }),
    route("POST", "/subscriptions/{sub}/resourceGroups/{rg}/moveResources", "resourceGroups:moveResources", "resources", "Microsoft.Resources/resourceGroups", moveResources),
    route("GET", "/providers/{namespace}", "providers:getAtTenantScope", "resources", "Microsoft.Resources/providers", (request, context) => ({
      status: 200,
      body: providerBody(request, context, param(request, "namespace")),
    })),
  ];
}
