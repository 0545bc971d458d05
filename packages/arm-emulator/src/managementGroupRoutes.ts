/**
 * @module The emulated Management Groups surface: `GET /providers/Microsoft.Management/managementGroups/
 * {groupId}/descendants`, every group and subscription beneath a group at any depth, flattened and
 * paged with `nextLink` as ARM does.
 */
import { ArmError } from "./armError";
import type { ManagementGroupDescendant } from "./estate";
import type { ArmRequest, Route } from "./router";
import { page, param, route } from "./router";

/** Accepted Microsoft.Management api-versions; the first is the one the app sends. */
export const MANAGEMENT_GROUP_API_VERSIONS: readonly string[] = ["2020-05-01", "2023-04-01", "2021-04-01", "2020-10-01", "2020-02-01"];

const GROUP_TYPE = "Microsoft.Management/managementGroups";
const SUBSCRIPTION_TYPE = "Microsoft.Management/managementGroups/subscriptions";
const groupResourceId = (id: string): string => `/providers/${GROUP_TYPE}/${id}`;

/** ARM's 400 for an api-version Microsoft.Management does not offer (the shared table covers resource providers only). */
function checkManagementApiVersion(request: ArmRequest): void {
  if (!MANAGEMENT_GROUP_API_VERSIONS.includes(request.apiVersion)) {
    throw new ArmError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${request.apiVersion}' is invalid. The supported versions for resource type '${GROUP_TYPE}' are '${MANAGEMENT_GROUP_API_VERSIONS.join(",")}'.`,
    );
  }
}

function render(item: ManagementGroupDescendant): unknown {
  if (item.kind === "group") {
    const { group } = item;
    return { id: groupResourceId(group.id), type: GROUP_TYPE, name: group.id, properties: { displayName: group.displayName, parent: { id: groupResourceId(group.parent) } } };
  }
  return {
    id: `/subscriptions/${item.subscriptionId}`,
    type: SUBSCRIPTION_TYPE,
    name: item.subscriptionId,
    properties: { displayName: item.subscriptionId, parent: { id: groupResourceId(item.parent) } },
  };
}

// Family "byNamespace" with no {namespace} capture: the pipeline's per-provider check is skipped and
// the handler checks Microsoft.Management's own versions.
export const MANAGEMENT_GROUP_ROUTES: readonly Route[] = [
  route("GET", "providers/Microsoft.Management/managementGroups/{groupId}/descendants", "managementGroups/descendants:list", "byNamespace", GROUP_TYPE, (request, context) => {
    checkManagementApiVersion(request);
    const groupId = param(request, "groupId");
    if (!context.estate.hasManagementGroup(groupId)) {
      throw new ArmError(404, "NotFound", `The management group '${groupId}' was not found.`);
    }
    return page(context.estate.listManagementGroupDescendants(groupId), request, context, render, true);
  }),
];
