import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../local/emulator";
import type { Emulator } from "../../local/emulator";
import { clientsFor, runCli } from "../../cli/main";
import { loadConfig } from "../../shared/config";
import { demoEstate, HUB, SPOKE, TEST_POLICY, UNKNOWN } from "../e2e/stack";

describe("the what-if CLI against the emulator", () => {
  let emulator: Emulator;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    emulator = await startEmulator({ estate: await demoEstate() });
    dir = await mkdtemp(join(tmpdir(), "plautopilot-cli-"));
    await writeFile(join(dir, "ca.pem"), emulator.ca);
    env = {
      AUTOPILOT_SUBSCRIPTIONS: `${HUB},${SPOKE}`,
      AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: `/subscriptions/${HUB}/resourceGroups/rg-dns`,
      AUTOPILOT_OWNER_ID: "cli-test",
      AUTOPILOT_POLICY: TEST_POLICY,
      AUTOPILOT_ARM_ENDPOINT: emulator.url,
      AUTOPILOT_ARM_CA_FILE: join(dir, "ca.pem"),
      AUTOPILOT_ARM_STATIC_TOKEN: "cli",
    };
  });
  afterAll(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function cliWith(settings: Record<string, string>, ...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { ...env, ...settings }, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }
  const cli = (...argv: string[]) => cliWith({}, ...argv);

  it("prints a table of the decisions it would make, and changes nothing", async () => {
    const before = emulator.control.snapshot();
    emulator.control.resetCounters();
    const { code, out, err } = await cli("plan");

    expect(code).toBe(0);
    expect(out).toMatch(/Decisions for Pending connections \(6\):/);
    expect(out).toMatch(/approve\s+platform-subscriptions\s+\/subscriptions\/.*batchAccounts\/batchprod\/privateEndpointConnections\//);
    expect(out).toMatch(/reject\s+unknown-subscriptions\s+\/subscriptions\/.*storageAccounts\/stdata\/privateEndpointConnections\/pe-rogue/);
    expect(out).toMatch(/leavePending\s+keyvault-for-humans/);
    expect(out).toContain("DNS record changes (0; 0 owned records already right)");
    expect(err).toMatch(/^\.\. read 5 endpoints and 4 Private Link resources in 2 subscriptions/m);
    expect(emulator.control.snapshot()).toEqual(before);
    const writes = Object.keys(emulator.control.counters().operations).filter((op) => !op.startsWith("GET"));
    expect(writes).toEqual([]);
  });

  it("prints the record changes a sweep would make, as JSON on request", async () => {
    const zoneId = `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;
    emulator.control.putRecordSet({ zoneId, type: "A", name: "stale", ipv4Addresses: ["10.1.1.1"], metadata: { managedBy: "privatelink-autopilot", owner: "cli-test", endpointId: "/subscriptions/22222222-2222-2222-2222-222222222222/resourcegroups/rg/providers/microsoft.network/privateendpoints/gone" } });
    const { code, out } = await cli("plan", "--json");
    expect(code).toBe(0);
    const result = JSON.parse(out) as { delete: { name: string }[]; decisions: unknown[] };
    expect(result.delete).toEqual([expect.objectContaining({ name: "stale", zone: "privatelink.blob.core.windows.net" })]);
    expect(result.decisions).toHaveLength(6);
  });

  it("reads through clients that refuse every write", () => {
    expect(clientsFor(loadConfig(env)).readOnly).toBe(true);
  });

  it("explains which rule decides a connection and why", async () => {
    const connection = emulator.control.snapshot().connections.find((c) => c.resourceType === "Microsoft.KeyVault/vaults");
    const { code, out } = await cli("explain", connection?.id ?? "");
    expect(code).toBe(0);
    expect(out).toMatch(/decision\s+leavePending by rule keyvault-for-humans: Key Vault connections are reviewed by the security team/);
    expect(out).toMatch(/description privatelink-autopilot/);
  });

  it("stops with a message naming each bad setting, and a usage for an unknown command", async () => {
    let badErr = "";
    const bad = await runCli(["plan"], { ...env, AUTOPILOT_OWNER_ID: "Bad Owner" }, { out: () => undefined, err: (l) => void (badErr += `${l}\n`) });
    expect(bad).toBe(2);
    expect(badErr).toContain(`AUTOPILOT_OWNER_ID: expected 1-63 lower-case letters, digits or '-', got "Bad Owner"`);
    const unknown = await cli("apply");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/Unknown command "apply"/);
  });

  describe("with the scope given by a management group", () => {
    // The demo estate: mg-platform holds the hub and, nested, mg-landing-zones with the spoke.
    const byGroup = { AUTOPILOT_SUBSCRIPTIONS: "", AUTOPILOT_MANAGEMENT_GROUP: "mg-platform" };

    it("resolves the group and plans the same as with its subscriptions listed", async () => {
      const listed = await cli("plan", "--json");
      const grouped = await cliWith(byGroup, "plan", "--json");
      expect(grouped.code).toBe(0);
      expect(grouped.err).toMatch(/^\.\. resolving management group mg-platform$/m);
      expect(grouped.err).toMatch(/^\.\. 2 subscriptions in scope \(0 listed, 2 from management group mg-platform\)$/m);
      const { scope, ...plan } = JSON.parse(grouped.out) as { scope: unknown };
      expect(scope).toEqual({ subscriptionIds: [HUB, SPOKE], managementGroup: "mg-platform" });
      const { scope: listedScope, ...listedPlan } = JSON.parse(listed.out) as { scope: unknown };
      expect(listedScope).toEqual({ subscriptionIds: [HUB, SPOKE] });
      expect(plan).toEqual(listedPlan);
    });

    it("takes the union with the listed subscriptions", async () => {
      const { code, out } = await cliWith({ AUTOPILOT_SUBSCRIPTIONS: UNKNOWN, AUTOPILOT_MANAGEMENT_GROUP: "mg-landing-zones" }, "plan", "--json");
      expect(code).toBe(0);
      expect((JSON.parse(out) as { scope: unknown }).scope).toEqual({ subscriptionIds: [SPOKE, UNKNOWN], managementGroup: "mg-landing-zones" });
    });

    it("refuses --subscription outside the resolved scope", async () => {
      const { code, err } = await cliWith({ ...byGroup, AUTOPILOT_MANAGEMENT_GROUP: "mg-landing-zones" }, "plan", "--subscription", HUB);
      expect(code).toBe(2);
      expect(err).toContain(`--subscription ${HUB}: not in scope; expected one of ${SPOKE}`);
    });

    it("fails naming the group when it cannot be resolved", async () => {
      const { code, err } = await cliWith({ ...byGroup, AUTOPILOT_MANAGEMENT_GROUP: "Landing Zones" }, "plan");
      expect(code).toBe(2);
      expect(err).toMatch(/AUTOPILOT_MANAGEMENT_GROUP: expected a management group id/);
      const missing = await cliWith({ ...byGroup, AUTOPILOT_MANAGEMENT_GROUP: "mg-typo" }, "plan");
      expect(missing.code).toBe(1);
      expect(missing.err).toMatch(/Could not resolve management group "mg-typo" \(AUTOPILOT_MANAGEMENT_GROUP\) to its subscriptions: .*not found/);
    });
  });
});
