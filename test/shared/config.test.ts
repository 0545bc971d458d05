import { describe, expect, it } from "vitest";
import { DEFAULT_SHARD, sweepShards } from "../../app/sweepShards";
import { ConfigError, DEFAULT_SWEEP_SCHEDULE, loadConfig, sweepScheduleSetting } from "../../shared/config";

const HUB = "11111111-1111-1111-1111-111111111111";
const valid = {
  AUTOPILOT_SUBSCRIPTIONS: `${HUB}, 22222222-2222-2222-2222-222222222222`,
  AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: `/subscriptions/${HUB}/resourceGroups/rg-dns`,
  AUTOPILOT_OWNER_ID: "plautopilot-prod",
  AUTOPILOT_POLICY_PATH: "policy.yaml",
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(TypeError);
    return (error as Error).message.split("\n").slice(1).map((l) => l.trim());
  }
  throw new Error("expected loadConfig to throw");
}

describe("loadConfig", () => {
  it("reads a minimal configuration and fills in the defaults", () => {
    const config = loadConfig(valid);
    expect(config).toEqual({
      subscriptionIds: [HUB, "22222222-2222-2222-2222-222222222222"],
      dnsZoneResourceGroupIds: [`/subscriptions/${HUB}/resourceGroups/rg-dns`],
      policy: { path: "policy.yaml" },
      ownerId: "plautopilot-prod",
      sweepSchedule: DEFAULT_SWEEP_SCHEDULE,
      recordTtl: 10,
      dryRun: false,
      adoptRecords: false,
      sweepConcurrency: 8,
      runRetentionDays: 30,
      arm: { endpoint: "https://management.azure.com", writePacing: { capacity: 200, refillPerSecond: 10 } },
    });
  });

  it("takes every optional setting", () => {
    const config = loadConfig({
      ...valid,
      AUTOPILOT_POLICY_PATH: undefined,
      AUTOPILOT_POLICY: "defaultAction: reject",
      AUTOPILOT_SWEEP_SCHEDULE: "0 0 * * * *",
      AUTOPILOT_RECORD_TTL: "300",
      AUTOPILOT_DRY_RUN: "true",
      AUTOPILOT_ADOPT_RECORDS: "true",
      AUTOPILOT_SWEEP_CONCURRENCY: "4",
      AUTOPILOT_ARM_ENDPOINT: "https://127.0.0.1:8443/",
      AUTOPILOT_ARM_CA_FILE: "/tmp/ca.pem",
      AUTOPILOT_ARM_STATIC_TOKEN: "emulator",
      AUTOPILOT_ARM_WRITE_PACING: "OFF",
    });
    expect(config.policy).toEqual({ text: "defaultAction: reject" });
    expect(config).toMatchObject({ sweepSchedule: "0 0 * * * *", recordTtl: 300, dryRun: true, adoptRecords: true, sweepConcurrency: 4 });
    expect(config.arm).toEqual({ endpoint: "https://127.0.0.1:8443", caFile: "/tmp/ca.pem", staticToken: "emulator", writePacing: false });
  });

  it("paces writes to the bucket given, and says what a pacing setting must look like", () => {
    expect(loadConfig({ ...valid, AUTOPILOT_ARM_WRITE_PACING: "1000/2.5" }).arm.writePacing).toEqual({ capacity: 1000, refillPerSecond: 2.5 });
    for (const bad of ["fast", "200", "0/10", "200/0", "-1/10"]) {
      expect(problemsOf({ ...valid, AUTOPILOT_ARM_WRITE_PACING: bad })).toEqual([expect.stringMatching(/^AUTOPILOT_ARM_WRITE_PACING: expected .*200\/10/)]);
    }
  });

  it("names every missing setting at once", () => {
    const problems = problemsOf({});
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AUTOPILOT_SUBSCRIPTIONS or AUTOPILOT_MANAGEMENT_GROUP: missing; expected subscription GUIDs .*, a management group id, or both/),
        expect.stringMatching(/^AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: missing; expected resource group ids/),
        expect.stringMatching(/^AUTOPILOT_OWNER_ID: missing; expected an owner id/),
      ]),
    );
  });

  it("says what was wrong with each bad setting and what was expected", () => {
    const problems = problemsOf({
      ...valid,
      AUTOPILOT_SUBSCRIPTIONS: "not-a-guid",
      AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: `/subscriptions/${HUB}`,
      AUTOPILOT_OWNER_ID: "Has Spaces",
      AUTOPILOT_SWEEP_SCHEDULE: "*/5 * * * *",
      AUTOPILOT_RECORD_TTL: "0",
      AUTOPILOT_DRY_RUN: "maybe",
      AUTOPILOT_ARM_ENDPOINT: "http://insecure.example",
    });
    expect(problems).toEqual([
      'AUTOPILOT_SUBSCRIPTIONS: expected subscription GUIDs, got "not-a-guid"',
      `AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: expected resource group ids (/subscriptions/{guid}/resourceGroups/{name}), got "/subscriptions/${HUB}"`,
      "AUTOPILOT_OWNER_ID: expected 1-63 lower-case letters, digits or '-', got \"Has Spaces\"",
      'AUTOPILOT_SWEEP_SCHEDULE: expected a six-field NCRONTAB expression, e.g. 0 */15 * * * *, got "*/5 * * * *"',
      'AUTOPILOT_RECORD_TTL: expected a whole number from 1 to 2147483647, got "0"',
      'AUTOPILOT_DRY_RUN: expected true or false, got "maybe"',
      'AUTOPILOT_ARM_ENDPOINT: expected an https URL, got "http://insecure.example"',
    ]);
  });

  it("requires a policy, from a file or inline", () => {
    expect(problemsOf({ ...valid, AUTOPILOT_POLICY_PATH: "" })).toEqual([
      "AUTOPILOT_POLICY_PATH or AUTOPILOT_POLICY: missing; expected a policy file path or the policy itself (YAML or JSON)",
    ]);
  });

  it("refuses a static token against public ARM, and never echoes the token", () => {
    const problems = problemsOf({ ...valid, AUTOPILOT_ARM_STATIC_TOKEN: "secret-value" });
    expect(problems).toEqual([expect.stringMatching(/^AUTOPILOT_ARM_STATIC_TOKEN: only for a local ARM emulator/)]);
    expect(problems.join()).not.toContain("secret-value");
  });

  it.each(["https://management.azure.com/", "https://MANAGEMENT.azure.com", "https://management.azure.com:443"])(
    "knows public ARM written as %s, and refuses a static token and a CA file against it",
    (endpoint) => {
      const problems = problemsOf({ ...valid, AUTOPILOT_ARM_ENDPOINT: endpoint, AUTOPILOT_ARM_STATIC_TOKEN: "t", AUTOPILOT_ARM_CA_FILE: "ca.pem" });
      expect(problems).toEqual([
        expect.stringMatching(/^AUTOPILOT_ARM_STATIC_TOKEN: only for a local ARM emulator/),
        expect.stringMatching(/^AUTOPILOT_ARM_CA_FILE: only for a local ARM emulator/),
      ]);
    },
  );

  it("takes a static token and a CA file for an emulator's endpoint", () => {
    expect(loadConfig({ ...valid, AUTOPILOT_ARM_ENDPOINT: "https://127.0.0.1:8443", AUTOPILOT_ARM_STATIC_TOKEN: "t", AUTOPILOT_ARM_CA_FILE: "ca.pem" }).arm).toMatchObject({
      endpoint: "https://127.0.0.1:8443",
      staticToken: "t",
      caFile: "ca.pem",
    });
  });

  describe("scope", () => {
    const withoutSubscriptions = { ...valid, AUTOPILOT_SUBSCRIPTIONS: undefined };

    it("takes a management group instead of subscriptions, leaving the explicit list empty", () => {
      const config = loadConfig({ ...withoutSubscriptions, AUTOPILOT_MANAGEMENT_GROUP: "mg-landing-zones" });
      expect(config.subscriptionIds).toEqual([]);
      expect(config.managementGroupId).toBe("mg-landing-zones");
    });

    it("takes both, and reads the group's full resource id as its id", () => {
      const config = loadConfig({ ...valid, AUTOPILOT_MANAGEMENT_GROUP: " /providers/Microsoft.Management/managementGroups/Corp(Prod)_1 " });
      expect(config.subscriptionIds).toEqual([HUB, "22222222-2222-2222-2222-222222222222"]);
      expect(config.managementGroupId).toBe("Corp(Prod)_1");
    });

    it("leaves the management group out when it is not set", () => {
      expect(loadConfig(valid)).not.toHaveProperty("managementGroupId");
      expect(loadConfig({ ...valid, AUTOPILOT_MANAGEMENT_GROUP: "  " })).not.toHaveProperty("managementGroupId");
    });

    it("lower-cases and de-duplicates the explicit subscriptions", () => {
      expect(loadConfig({ ...valid, AUTOPILOT_SUBSCRIPTIONS: `${HUB.toUpperCase()}; ${HUB}` }).subscriptionIds).toEqual([HUB]);
    });

    it("requires subscriptions or a management group, and says both are allowed", () => {
      const expected = [
        "AUTOPILOT_SUBSCRIPTIONS or AUTOPILOT_MANAGEMENT_GROUP: missing; expected subscription GUIDs separated by commas, a management group id, or both (the scope is their union)",
      ];
      expect(problemsOf(withoutSubscriptions)).toEqual(expected);
      expect(problemsOf({ ...valid, AUTOPILOT_SUBSCRIPTIONS: " , ;", AUTOPILOT_MANAGEMENT_GROUP: "" })).toEqual(expected);
    });

    it("says what a management group id must look like", () => {
      for (const bad of ["mg/child", "ends-with-dot.", "a".repeat(91), "/providers/Microsoft.Management/managementGroups/"]) {
        expect(problemsOf({ ...valid, AUTOPILOT_MANAGEMENT_GROUP: bad }), bad).toEqual([
          `AUTOPILOT_MANAGEMENT_GROUP: expected a management group id (e.g. mg-landing-zones) or /providers/Microsoft.Management/managementGroups/{id}, got ${JSON.stringify(bad)}`,
        ]);
      }
      expect(loadConfig({ ...valid, AUTOPILOT_MANAGEMENT_GROUP: "a".repeat(90) }).managementGroupId).toHaveLength(90);
    });
  });
});

describe("sweepScheduleSetting", () => {
  it("registers the timer with a valid setting, and with the default when the setting is bad (the host still loads)", () => {
    expect(sweepScheduleSetting({ AUTOPILOT_SWEEP_SCHEDULE: " 0 0 * * * * " })).toBe("0 0 * * * *");
    expect(sweepScheduleSetting({})).toBe(DEFAULT_SWEEP_SCHEDULE);
    for (const bad of ["every minute", "0 * * * *", "99 * * * * *"]) {
      expect(sweepScheduleSetting({ AUTOPILOT_SWEEP_SCHEDULE: bad })).toBe(DEFAULT_SWEEP_SCHEDULE);
      expect(() => loadConfig({ AUTOPILOT_SWEEP_SCHEDULE: bad })).toThrow(/AUTOPILOT_SWEEP_SCHEDULE: expected a six-field NCRONTAB expression/);
    }
  });

  describe("AUTOPILOT_ZONE_SETS", () => {
    const RG = (name: string) => `/subscriptions/${HUB}/resourceGroups/${name}`;
    const VNET = (name: string) => `/subscriptions/${HUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${name}`;
    const twoGroups = { ...valid, AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: `${RG("rg-dns-a")},${RG("rg-dns-b")}` };
    const sets = [
      { name: "workload", zoneResourceGroups: [RG("rg-dns-a")], virtualNetworks: [VNET("vnet-workload")], resolverVirtualNetworks: [VNET("vnet-hub")] },
      { name: "rest", zoneResourceGroups: [RG("rg-dns-b")] },
    ];

    it("is absent by default, and read as given when set", () => {
      expect(loadConfig(valid).zoneSets).toBeUndefined();
      expect(loadConfig({ ...twoGroups, AUTOPILOT_ZONE_SETS: JSON.stringify(sets) }).zoneSets).toEqual(sets);
    });

    it("leaves the sweep one shard holding every set's zone resource groups (a set is chosen by VNet, so sets share subscriptions)", () => {
      expect(sweepShards(loadConfig({ ...twoGroups, AUTOPILOT_ZONE_SETS: JSON.stringify(sets) }))).toEqual([{ shard: DEFAULT_SHARD, zoneResourceGroupIds: [RG("rg-dns-a"), RG("rg-dns-b")] }]);
    });

    it("says what is wrong with malformed JSON, unknown keys, bad ids and bad names", () => {
      expect(problemsOf({ ...twoGroups, AUTOPILOT_ZONE_SETS: "[{" })).toEqual([expect.stringMatching(/^AUTOPILOT_ZONE_SETS: expected JSON: /)]);
      expect(problemsOf({ ...twoGroups, AUTOPILOT_ZONE_SETS: "{}" })).toEqual([expect.stringMatching(/^AUTOPILOT_ZONE_SETS: expected a JSON array of zone sets/)]);
      const bad = [{ name: "Bad Name", zoneResourceGroups: [VNET("x")], virtualNetworks: [RG("rg-dns-a")], extra: 1 }];
      expect(problemsOf({ ...twoGroups, AUTOPILOT_ZONE_SETS: JSON.stringify(bad) }).join("\n")).toMatch(
        /expected a name of 1-63[\s\S]*expected resource group ids[\s\S]*expected virtual network ids[\s\S]*extra/,
      );
      expect(problemsOf({ ...twoGroups, AUTOPILOT_ZONE_SETS: "x".repeat(70_000) })).toEqual([`AUTOPILOT_ZONE_SETS: expected at most 65536 characters, got "${"x".repeat(199)}...`]);
    });

    it("requires the sets to partition AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS and the VNets, with at most one set for every other VNet", () => {
      const overlapping = [
        { name: "a", zoneResourceGroups: [RG("rg-dns-a")], virtualNetworks: [VNET("v1")] },
        { name: "b", zoneResourceGroups: [RG("RG-DNS-A"), RG("rg-elsewhere")], virtualNetworks: [VNET("V1")] },
        { name: "c", zoneResourceGroups: [RG("rg-c")] },
        { name: "c", zoneResourceGroups: [RG("rg-d")] },
      ];
      expect(problemsOf({ ...twoGroups, AUTOPILOT_ZONE_SETS: JSON.stringify(overlapping) })).toEqual([
        "AUTOPILOT_ZONE_SETS: zone set name c is used more than once; expected unique names",
        `AUTOPILOT_ZONE_SETS: resource group ${RG("RG-DNS-A")} is in zone sets a and b; expected it in one set only`,
        `AUTOPILOT_ZONE_SETS: virtual network ${VNET("V1")} is in zone sets a and b; expected it in one set only`,
        "AUTOPILOT_ZONE_SETS: zone sets c, c leave out virtualNetworks; expected at most one set for every other VNet",
        `AUTOPILOT_ZONE_SETS: resource group ${RG("rg-elsewhere").toLowerCase()} of zone set b is not in AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS; expected every zone resource group listed there (the DNS writer role is granted on those)`,
        `AUTOPILOT_ZONE_SETS: resource group ${RG("rg-c").toLowerCase()} of zone set c is not in AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS; expected every zone resource group listed there (the DNS writer role is granted on those)`,
        `AUTOPILOT_ZONE_SETS: resource group ${RG("rg-d").toLowerCase()} of zone set c is not in AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS; expected every zone resource group listed there (the DNS writer role is granted on those)`,
        `AUTOPILOT_ZONE_SETS: AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS lists ${RG("rg-dns-b")}, which is in no zone set; expected each listed resource group in one set`,
      ]);
    });
  });
});
