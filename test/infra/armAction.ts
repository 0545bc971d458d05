/**
 * @module The RBAC action Azure Resource Manager checks for a request, derived from its method and
 * path as ARM does: the provider namespace, then the resource types of the path (every other segment
 * after the namespace), then `read`, `write` or `delete` (a POST names its own action).
 */

/** `GET /subscriptions/s/resourceGroups/g/providers/Microsoft.Batch/batchAccounts/a` -> `Microsoft.Batch/batchAccounts/read`. */
export function armActionOf(method: string, path: string): string {
  const segments = path.split("?")[0]!.split("/").filter((s) => s !== "");
  const at = segments.map((s) => s.toLowerCase()).lastIndexOf("providers");
  if (at < 0 || segments[at + 1] === undefined) throw new RangeError(`no provider namespace in ${path}`);
  const namespace = segments[at + 1]!;
  const rest = segments.slice(at + 2);
  const verb = method.toUpperCase();
  if (verb === "POST") {
    const action = rest.pop();
    return [namespace, ...rest.filter((_, i) => i % 2 === 0), `${action}/action`].join("/");
  }
  const types = rest.filter((_, i) => i % 2 === 0);
  const suffix = verb === "GET" || verb === "HEAD" ? "read" : verb === "DELETE" ? "delete" : "write";
  return [namespace, ...types, suffix].join("/");
}
