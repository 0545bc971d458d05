/**
 * @module Test helper: compares a response body's shape with an official example's: every key the
 * example has (except known, documented omissions), the same JSON types, and enum values from the
 * specs' sets. Values are not compared, except resource `type`s.
 */

const ENUMS: Record<string, readonly string[]> = {
  status: ["Pending", "Approved", "Rejected", "Disconnected", "InProgress", "Succeeded", "Failed", "Canceled"],
  provisioningState: ["Succeeded", "Creating", "Updating", "Deleting", "Failed", "Canceled", "Cancelled", "Disconnected"],
  actionsRequired: ["None", "Recreate"],
  actionRequired: ["None", "Recreate"],
  recordType: ["A", "AAAA", "CNAME", "MX", "PTR", "SOA", "SRV", "TXT"],
  privateIPAllocationMethod: ["Dynamic", "Static"],
  privateIPAddressVersion: ["IPv4", "IPv6"],
  virtualNetworkLinkState: ["InProgress", "Completed"],
};

/** User-defined string maps: only their type is compared. */
const FREE_FORM = ["tags", "metadata"];

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return kind(value) === "object";
}

/** Lists how `actual` departs from the shape of `expected`; empty when it conforms. */
export function shapeMismatches(expected: unknown, actual: unknown, optionalKeys: readonly string[] = [], path = "$"): string[] {
  if (kind(expected) === "null") return [];
  if (kind(expected) !== kind(actual)) return [`${path}: expected ${kind(expected)}, got ${kind(actual)}`];
  const problems: string[] = [];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length === 0) return [];
    for (const [i, item] of actual.entries()) {
      // Lists mix record types: compare each item with the example item of the same type, if any.
      const sameType = isObject(item) ? expected.find((e) => isObject(e) && e.type !== undefined && e.type === item.type) : undefined;
      const anyTyped = expected.some((e) => isObject(e) && e.type !== undefined);
      const model = sameType ?? (anyTyped && isObject(item) && item.type !== undefined ? undefined : expected[0]);
      if (model !== undefined) problems.push(...shapeMismatches(model, item, optionalKeys, `${path}[${i}]`));
    }
    return problems;
  }
  if (isObject(expected) && isObject(actual)) {
    if (FREE_FORM.some((k) => path.endsWith(`.${k}`))) return [];
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) {
        if (!optionalKeys.includes(key) && value !== null && key !== "nextLink") problems.push(`${path}.${key}: missing`);
        continue;
      }
      problems.push(...shapeMismatches(value, actual[key], optionalKeys, `${path}.${key}`));
    }
    for (const [key, allowed] of Object.entries(ENUMS)) {
      const value = actual[key];
      if (key in expected && typeof value === "string" && !allowed.includes(value)) problems.push(`${path}.${key}: ${value} is not one of ${allowed.join("|")}`);
    }
    if (typeof expected.type === "string" && typeof actual.type === "string" && expected.type.toLowerCase() !== actual.type.toLowerCase()) {
      problems.push(`${path}.type: expected ${expected.type}, got ${actual.type}`);
    }
  }
  return problems;
}
