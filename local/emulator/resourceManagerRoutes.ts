/**
 * @module ARM's own reads that standard clients make before anything else (a CLI login lists
 * tenants and subscriptions; SDKs and tools read provider registrations): `GET /tenants`,
 * `/subscriptions`, `/subscriptions/{id}`, `/subscriptions/{id}/providers[/{namespace}]` and
 * `/providers/{namespace}` for the namespaces the emulator serves.
 */
import { acceptedApiVersions } from "./apiVersions";
import { ArmError } from "./armError";
import type { Estate } from "./estate";
import type { ArmRequest, Route, RouteContext } from "./router";
import { page, param, route } from "./router";

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
    route("GET", "/providers/{namespace}", "providers:getAtTenantScope", "resources", "Microsoft.Resources/providers", (request, context) => ({
      status: 200,
      body: providerBody(request, context, param(request, "namespace")),
    })),
  ];
}
