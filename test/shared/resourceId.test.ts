import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatResourceId,
  isResourceId,
  isWithinScope,
  normalizeResourceId,
  parentResourceId,
  parseResourceId,
  resourceNameOf,
  resourceTypeOf,
  sameResourceId,
} from "../../shared/resourceId";
import type { ResourceId } from "../../shared/resourceId";

const SUB = "8f3c2a1e-5b4d-4c6e-9a7f-0123456789ab";
const OTHER_SUB = "11111111-2222-3333-4444-555555555555";
const RG = `/subscriptions/${SUB}/resourceGroups/rg-net`;
const PE = `${RG}/providers/Microsoft.Network/privateEndpoints/pe-batch`;
const BATCH = `/subscriptions/${SUB}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/acct`;
const PEC = `${BATCH}/privateEndpointConnections/acct.conn-1`;

// Arbitraries for well-formed ids: segments are non-blank, not `.` or `..`, and hold no '/'.
const segment = fc
  .string({ unit: fc.constantFrom(..."abcXYZ019-_.()~ é"), minLength: 1, maxLength: 12 })
  .filter((s) => s.trim() !== "" && s !== "." && s !== "..");
const guid = fc.uuid();
const namespace = fc.tuple(fc.constantFrom("Microsoft", "microsoft", "Contoso"), segment.filter((s) => !s.includes(" "))).map(([a, b]) => `${a}.${b}`);
const parsedId: fc.Arbitrary<ResourceId> = fc.oneof(
  guid.map((subscriptionId) => ({ subscriptionId, types: [], names: [] })),
  fc.record({ subscriptionId: guid, resourceGroup: segment }).map((p) => ({ ...p, types: [], names: [] })),
  fc
    .record({ subscriptionId: guid, resourceGroup: segment, namespace, pairs: fc.array(fc.tuple(segment, segment), { minLength: 1, maxLength: 4 }) })
    .map(({ pairs, ...p }) => ({ ...p, types: pairs.map(([t]) => t), names: pairs.map(([, n]) => n) })),
);
const providerId = fc
  .record({ subscriptionId: guid, resourceGroup: segment, namespace, pairs: fc.array(fc.tuple(segment, segment), { minLength: 1, maxLength: 4 }) })
  .map(({ pairs, ...p }) => formatResourceId({ ...p, types: pairs.map(([t]) => t), names: pairs.map(([, n]) => n) }));

/** Flips the case of each letter at random positions (ids compare case-insensitively). */
function recase(id: string, flips: boolean[]): string {
  return [...id].map((c, i) => (flips[i % Math.max(flips.length, 1)] ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join("");
}

describe("parseResourceId", () => {
  it("parses a subscription id", () => {
    expect(parseResourceId(`/subscriptions/${SUB}`)).toEqual({ subscriptionId: SUB, types: [], names: [] });
  });

  it("parses a resource group id", () => {
    expect(parseResourceId(RG)).toEqual({ subscriptionId: SUB, resourceGroup: "rg-net", types: [], names: [] });
  });

  it("parses a top-level provider resource", () => {
    expect(parseResourceId(PE)).toEqual({
      subscriptionId: SUB,
      resourceGroup: "rg-net",
      namespace: "Microsoft.Network",
      types: ["privateEndpoints"],
      names: ["pe-batch"],
    });
  });

  it("parses child resources from the top-level resource down", () => {
    expect(parseResourceId(PEC)).toMatchObject({
      namespace: "Microsoft.Batch",
      types: ["batchAccounts", "privateEndpointConnections"],
      names: ["acct", "acct.conn-1"],
    });
  });

  it("accepts keywords in any case and one trailing slash, and keeps the names' casing", () => {
    const parsed = parseResourceId(`/SUBSCRIPTIONS/${SUB.toUpperCase()}/resourcegroups/RG-Net/PROVIDERS/microsoft.network/privateendpoints/PE-1/`);
    expect(parsed).toEqual({
      subscriptionId: SUB.toUpperCase(),
      resourceGroup: "RG-Net",
      namespace: "microsoft.network",
      types: ["privateendpoints"],
      names: ["PE-1"],
    });
  });

  it.each([
    ["an empty string", ""],
    ["a relative id", `subscriptions/${SUB}`],
    ["the root alone", "/"],
    ["a non-GUID subscription", "/subscriptions/{subscription-id}/resourceGroups/rg"],
    ["a missing subscription id", "/subscriptions"],
    ["a tenant-level provider id", "/providers/Microsoft.Management/managementGroups/mg"],
    ["a subscription-level provider id", `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/x`],
    ["a resource group keyword typo", `/subscriptions/${SUB}/resourceGroup/rg`],
    ["a resource group without a name", `/subscriptions/${SUB}/resourceGroups`],
    ["a providers keyword typo", `${RG}/provider/Microsoft.Network/privateEndpoints/pe`],
    ["a namespace without a dot", `${RG}/providers/Network/privateEndpoints/pe`],
    ["a namespace and no type", `${RG}/providers/Microsoft.Network`],
    ["a type without a name", `${RG}/providers/Microsoft.Network/privateEndpoints`],
    ["a child type without a name", `${PE}/privateDnsZoneGroups`],
    ["an empty segment", `/subscriptions/${SUB}//resourceGroups/rg`],
    ["a blank segment", `/subscriptions/${SUB}/resourceGroups/ /providers/Microsoft.Network/privateEndpoints/pe`],
    ["two trailing slashes", `${RG}//`],
    ["a '..' segment", `${RG}/providers/Microsoft.Network/privateEndpoints/../../../rg-other/providers/Microsoft.Network/privateEndpoints/pe`],
    ["a '..' name", `${RG}/providers/Microsoft.Network/privateEndpoints/..`],
    ["a '.' name", `${RG}/providers/Microsoft.Network/privateEndpoints/.`],
    ["a '.' resource group", `/subscriptions/${SUB}/resourceGroups/./providers/Microsoft.Network/privateEndpoints/pe`],
    ["a query in a name", `${RG}/providers/Microsoft.Network/privateEndpoints/pe?api-version=1`],
    ["a percent escape", `${RG}/providers/Microsoft.Network/privateEndpoints/pe%2F..`],
    ["a backslash", `${RG}/providers/Microsoft.Network/privateEndpoints/pe\\..\\x`],
    ["a fragment", `${RG}/providers/Microsoft.Network/privateEndpoints/pe#x`],
    ["a control character", `${RG}/providers/Microsoft.Network/privateEndpoints/pe\u0000`],
    ["angle brackets", `${RG}/providers/Microsoft.Network/privateEndpoints/<script>`],
  ])("throws a TypeError naming the id for %s", (_what, id) => {
    expect(() => parseResourceId(id)).toThrow(TypeError);
    expect(() => parseResourceId(id)).toThrow(`Invalid ARM resource id ${JSON.stringify(id)}`);
    expect(() => parseResourceId(id)).toThrow(/expected \/subscriptions\/\{guid\}/);
  });

  it("throws a TypeError for a value that is not a string", () => {
    expect(() => parseResourceId(42 as unknown as string)).toThrow(TypeError);
    expect(() => parseResourceId(undefined as unknown as string)).toThrow('"undefined"');
  });

  it("accepts names with dots, dashes, underscores, parentheses and a wildcard label", () => {
    expect(parseResourceId(`${RG}/providers/Microsoft.Storage/storageAccounts/st/privateEndpointConnections/st.pe-1_(a)`).names).toEqual(["st", "st.pe-1_(a)"]);
    expect(parseResourceId(`${RG}/providers/Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms/A/*.inference`).names).toEqual(["privatelink.api.azureml.ms", "*.inference"]);
  });

  it("says which part was wrong", () => {
    expect(() => parseResourceId(`${RG}/providers/Microsoft.Network/privateEndpoints/..`)).toThrow("it has a '.' or '..' segment");
    expect(() => parseResourceId(`${RG}/providers/Microsoft.Network/privateEndpoints/pe?x`)).toThrow('it holds "?", which ARM does not allow');
    expect(() => parseResourceId("/subscriptions/nope")).toThrow('subscription "nope" is not a GUID');
    expect(() => parseResourceId(`${RG}/providers/Network/x/y`)).toThrow('provider namespace "Network" has no \'.\'');
    expect(() => parseResourceId(`${PE}/privateDnsZoneGroups`)).toThrow("expected type/name pairs");
  });

  it("round-trips through formatResourceId", () => {
    fc.assert(
      fc.property(parsedId, (parsed) => {
        expect(parseResourceId(formatResourceId(parsed))).toEqual(parsed);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects every id with a blank segment", () => {
    fc.assert(
      fc.property(providerId, fc.nat(), fc.constantFrom("", " ", "\t"), (id, at, blank) => {
        const parts = id.split("/");
        const i = 1 + (at % (parts.length - 1));
        parts[i] = blank;
        expect(() => parseResourceId(parts.join("/"))).toThrow(TypeError);
      }),
      { numRuns: 200 },
    );
  });

  it("only ever throws TypeError, whatever the input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom("/", "subscriptions", SUB, "resourceGroups", "providers", "Microsoft.X", "t", "n", "") })), (id) => {
        try {
          parseResourceId(id);
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          expect((error as TypeError).message).toContain(JSON.stringify(id));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("isResourceId", () => {
  it("is true for well-formed ids and false for anything else", () => {
    expect(isResourceId(PEC)).toBe(true);
    expect(isResourceId(`/subscriptions/${SUB}`)).toBe(true);
    expect(isResourceId("/subscriptions/x")).toBe(false);
    expect(isResourceId(undefined)).toBe(false);
    expect(isResourceId({ id: PE })).toBe(false);
  });

  it("agrees with parseResourceId", () => {
    fc.assert(
      fc.property(fc.oneof(providerId, fc.string()), (id) => {
        let parses = true;
        try {
          parseResourceId(id);
        } catch {
          parses = false;
        }
        expect(isResourceId(id)).toBe(parses);
      }),
      { numRuns: 200 },
    );
  });
});

describe("formatResourceId", () => {
  it("writes the canonical keywords and keeps names as given", () => {
    expect(formatResourceId(parseResourceId(`/SUBSCRIPTIONS/${SUB}/RESOURCEGROUPS/Rg/PROVIDERS/Microsoft.Batch/batchAccounts/Acct/`))).toBe(
      `/subscriptions/${SUB}/resourceGroups/Rg/providers/Microsoft.Batch/batchAccounts/Acct`,
    );
  });

  it("formats subscription and resource group ids", () => {
    expect(formatResourceId({ subscriptionId: SUB, types: [], names: [] })).toBe(`/subscriptions/${SUB}`);
    expect(formatResourceId({ subscriptionId: SUB, resourceGroup: "rg-net", types: [], names: [] })).toBe(RG);
  });

  it("is the identity on ids already in canonical form", () => {
    fc.assert(
      fc.property(providerId, (id) => {
        expect(formatResourceId(parseResourceId(id))).toBe(id);
      }),
      { numRuns: 200 },
    );
  });
});

describe("normalizeResourceId and sameResourceId", () => {
  it("lower-cases, fixes keywords and drops the trailing slash", () => {
    expect(normalizeResourceId(`/SUBSCRIPTIONS/${SUB.toUpperCase()}/resourcegroups/RG-Net/providers/Microsoft.Network/privateEndpoints/PE-Batch/`)).toBe(PE.toLowerCase());
  });

  it("throws a TypeError for a malformed id", () => {
    expect(() => normalizeResourceId("not-an-id")).toThrow(TypeError);
    expect(() => sameResourceId(PE, "not-an-id")).toThrow('"not-an-id"');
  });

  it("tells different resources apart", () => {
    expect(sameResourceId(PE, `${RG}/providers/Microsoft.Network/privateEndpoints/pe-batch2`)).toBe(false);
    expect(sameResourceId(PE, PE.replace(SUB, OTHER_SUB))).toBe(false);
    expect(sameResourceId(BATCH, PEC)).toBe(false);
  });

  it("ignores case", () => {
    fc.assert(
      fc.property(providerId, fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }), fc.boolean(), (id, flips, slash) => {
        const variant = recase(id, flips) + (slash ? "/" : "");
        expect(sameResourceId(id, variant)).toBe(true);
        expect(normalizeResourceId(variant)).toBe(normalizeResourceId(id));
        expect(normalizeResourceId(id)).toBe(id.toLowerCase());
      }),
      { numRuns: 300 },
    );
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(providerId, (id) => {
        expect(normalizeResourceId(normalizeResourceId(id))).toBe(normalizeResourceId(id));
      }),
      { numRuns: 100 },
    );
  });
});

describe("resourceTypeOf and resourceNameOf", () => {
  it("gives the full type of provider resources, including children", () => {
    expect(resourceTypeOf(PE)).toBe("Microsoft.Network/privateEndpoints");
    expect(resourceTypeOf(PEC)).toBe("Microsoft.Batch/batchAccounts/privateEndpointConnections");
    expect(resourceTypeOf(parseResourceId(BATCH))).toBe("Microsoft.Batch/batchAccounts");
  });

  it("gives the Microsoft.Resources types of subscriptions and resource groups", () => {
    expect(resourceTypeOf(`/subscriptions/${SUB}`)).toBe("Microsoft.Resources/subscriptions");
    expect(resourceTypeOf(RG)).toBe("Microsoft.Resources/resourceGroups");
  });

  it("gives the last name in the id", () => {
    expect(resourceNameOf(PEC)).toBe("acct.conn-1");
    expect(resourceNameOf(PE)).toBe("pe-batch");
    expect(resourceNameOf(RG)).toBe("rg-net");
    expect(resourceNameOf(`/subscriptions/${SUB}`)).toBe(SUB);
  });

  it("throws a TypeError for a malformed id", () => {
    expect(() => resourceTypeOf("/subscriptions/x")).toThrow(TypeError);
    expect(() => resourceNameOf("")).toThrow(TypeError);
  });
});

describe("parentResourceId", () => {
  it("walks from a child up to the subscription", () => {
    expect(parentResourceId(PEC)).toBe(BATCH);
    expect(parentResourceId(BATCH)).toBe(`/subscriptions/${SUB}/resourceGroups/rg-batch`);
    expect(parentResourceId(`/subscriptions/${SUB}/resourceGroups/rg-batch`)).toBe(`/subscriptions/${SUB}`);
    expect(parentResourceId(`/subscriptions/${SUB}`)).toBeUndefined();
  });

  it("throws a TypeError for a malformed id", () => {
    expect(() => parentResourceId("/nope")).toThrow(TypeError);
  });

  it("is the id of the child without its last type/name pair", () => {
    fc.assert(
      fc.property(providerId, segment, segment, (parent, type, name) => {
        const child = `${parent}/${type}/${name}`;
        expect(parentResourceId(child)).toBe(parent);
        expect(resourceNameOf(child)).toBe(name);
        expect(resourceTypeOf(child)).toBe(`${resourceTypeOf(parent)}/${type}`);
      }),
      { numRuns: 200 },
    );
  });

  it("reaches the subscription in as many steps as the id has levels", () => {
    fc.assert(
      fc.property(parsedId, (parsed) => {
        let id: string | undefined = formatResourceId(parsed);
        let steps = 0;
        while (id !== undefined && steps < 10) {
          id = parentResourceId(id);
          steps++;
        }
        const levels = 1 + (parsed.resourceGroup === undefined ? 0 : 1) + parsed.types.length;
        expect(steps).toBe(levels);
      }),
      { numRuns: 200 },
    );
  });
});

describe("isWithinScope", () => {
  const scope = { subscriptionIds: [SUB] };

  it("is true for ids in a scoped subscription, whatever their depth or case", () => {
    expect(isWithinScope(PEC, scope)).toBe(true);
    expect(isWithinScope(`/subscriptions/${SUB}`, scope)).toBe(true);
    expect(isWithinScope(PE.toUpperCase(), scope)).toBe(true);
    expect(isWithinScope(PE, { subscriptionIds: [SUB.toUpperCase()] })).toBe(true);
  });

  it("is false for other subscriptions and for an empty scope", () => {
    expect(isWithinScope(PE.replace(SUB, OTHER_SUB), scope)).toBe(false);
    expect(isWithinScope(PE, { subscriptionIds: [] })).toBe(false);
  });

  it("throws a TypeError naming a malformed id", () => {
    expect(() => isWithinScope("/subscriptions/{subscription-id}", scope)).toThrow(TypeError);
    expect(() => isWithinScope("/subscriptions/{subscription-id}", scope)).toThrow('"/subscriptions/{subscription-id}"');
  });

  it("holds exactly when the id's subscription is listed, compared case-insensitively", () => {
    fc.assert(
      fc.property(parsedId, fc.uniqueArray(guid, { maxLength: 4 }), fc.boolean(), fc.boolean(), (parsed, others, include, upper) => {
        const id = formatResourceId(parsed);
        const listed = include ? [...others, upper ? parsed.subscriptionId.toUpperCase() : parsed.subscriptionId] : others;
        const expected = listed.some((s) => s.toLowerCase() === parsed.subscriptionId.toLowerCase());
        expect(isWithinScope(id, { subscriptionIds: listed })).toBe(expected);
        expect(isWithinScope(id, { subscriptionIds: listed })).toBe(isWithinScope(normalizeResourceId(id), { subscriptionIds: listed }));
      }),
      { numRuns: 200 },
    );
  });

  it("puts a child in scope exactly when its parent is", () => {
    fc.assert(
      fc.property(providerId, segment, segment, fc.uniqueArray(guid, { maxLength: 3 }), (parent, type, name, subs) => {
        const scopeOf = { subscriptionIds: subs };
        expect(isWithinScope(`${parent}/${type}/${name}`, scopeOf)).toBe(isWithinScope(parent, scopeOf));
      }),
      { numRuns: 100 },
    );
  });
});
