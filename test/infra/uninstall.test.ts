import { describe, expect, it } from "vitest";
import { ownershipMetadata } from "../../shared/dns/ownership";
import type { Az } from "../../scripts/uninstall";
import { cleanOwnedRecords, planAzureCleanup } from "../../scripts/uninstall";
import { BLOB_ZONE, LEGACY_BATCH_ZONE, RG_DNS, RG_DNS2, SUB, SUB2, useEmulator, zoneId } from "../shared/azure/fixture";

const OWNER = "plautopilot-prod";
const ENDPOINT = `/subscriptions/${SUB}/resourceGroups/rg-pe/providers/Microsoft.Network/privateEndpoints/pe-blob`;

describe("uninstall: the record sets this deployment owns (against the ARM emulator)", () => {
  const fixture = useEmulator();

  function seedOwned() {
    const control = fixture.emulator.control;
    control.putRecordSet({ zoneId: zoneId(BLOB_ZONE), type: "A", name: "ours", ipv4Addresses: ["10.20.1.4"], metadata: { ...ownershipMetadata(OWNER, ENDPOINT), team: "platform" } });
    control.putRecordSet({ zoneId: zoneId(LEGACY_BATCH_ZONE, RG_DNS2), type: "CNAME", name: "ourcname", cname: "x.eastus.privatelink.batch.azure.com", metadata: ownershipMetadata(OWNER, ENDPOINT) });
    control.putRecordSet({ zoneId: zoneId(BLOB_ZONE), type: "A", name: "theirs", ipv4Addresses: ["10.20.1.5"], metadata: ownershipMetadata("another-deployment", ENDPOINT) });
  }
  const records = () =>
    fixture.emulator.control
      .snapshot()
      .recordSets.map((r) => `${r.type} ${r.name}.${r.zoneName} ${JSON.stringify(r.metadata)}`)
      .sort();
  const options = (mode: "delete" | "unmark" | "keep", apply: boolean) => ({ resourceGroupIds: [RG_DNS, RG_DNS2], ownerId: OWNER, mode, apply, log: () => undefined });

  it("changes nothing in a dry run, and lists exactly the owned record sets", async () => {
    seedOwned();
    const before = records();
    const { done } = await cleanOwnedRecords(fixture.clients, options("delete", false));
    expect(done.map((d) => d.record).sort()).toEqual([`A ours.${BLOB_ZONE}`, `CNAME ourcname.${LEGACY_BATCH_ZONE}`]);
    expect(records()).toEqual(before);
  });

  it("deletes the owned record sets and nothing else", async () => {
    seedOwned();
    const before = records();
    await cleanOwnedRecords(fixture.clients, options("delete", true));
    const after = records();
    expect(before.filter((r) => !after.includes(r)).map((r) => r.split(" ").slice(0, 2).join(" "))).toEqual([`A ours.${BLOB_ZONE}`, `CNAME ourcname.${LEGACY_BATCH_ZONE}`]);
    expect(after.filter((r) => !before.includes(r))).toEqual([]);
  });

  it("un-marks the owned record sets: the records stay, the ownership keys go, other metadata stays", async () => {
    seedOwned();
    await cleanOwnedRecords(fixture.clients, options("unmark", true));
    const ours = fixture.emulator.control.snapshot().recordSets.find((r) => r.name === "ours");
    expect(ours?.metadata).toEqual({ team: "platform" });
    expect(fixture.emulator.control.snapshot().recordSets.find((r) => r.name === "ourcname")?.metadata).toEqual({});
    expect(fixture.emulator.control.snapshot().recordSets.find((r) => r.name === "theirs")?.metadata["owner"]).toBe("another-deployment");
    // Un-marked records are no longer ours: a second pass finds nothing.
    expect((await cleanOwnedRecords(fixture.clients, options("delete", false))).done).toEqual([]);
  });

  it("leaves a record set that changed after it was read as contended, never overwriting it", async () => {
    seedOwned();
    const control = fixture.emulator.control;
    // Every record set the cleanup reads is changed by someone else before its delete arrives.
    const clients = fixture.clientsWith();
    const original = clients.privateDns.bind(clients);
    const racing = {
      ...clients,
      privateDns: (subscriptionId: string) => {
        const client = original(subscriptionId);
        const remove = client.recordSets.delete.bind(client.recordSets);
        client.recordSets.delete = async (group, zone, type, name, opts) => {
          const zoneIdOf = `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.Network/privateDnsZones/${zone}`;
          control.putRecordSet({ zoneId: zoneIdOf, type: type as "A" | "CNAME", name, ipv4Addresses: ["10.99.0.1"], cname: "changed.example", metadata: ownershipMetadata(OWNER, ENDPOINT) });
          return remove(group, zone, type, name, opts);
        };
        return client;
      },
    };
    const { done } = await cleanOwnedRecords(racing, options("delete", true));
    expect(done.map((d) => d.action)).toEqual(["contended", "contended"]);
    expect(control.snapshot().recordSets.filter((r) => r.name === "ours" || r.name === "ourcname")).toHaveLength(2);
  });
});

describe("uninstall: the Event Grid wiring and roles (planned from az's answers)", () => {
  const ENV = "plautopilot-prod";
  const approver = "11111111-aaaa-4aaa-8aaa-111111111111";
  const answers: Record<string, unknown> = {
    [`eventgrid system-topic list --subscription ${SUB}`]: [
      { id: `/subscriptions/${SUB}/resourceGroups/rg-${ENV}-events/providers/Microsoft.EventGrid/systemTopics/egst-azure-subscription-events`, name: "egst-azure-subscription-events", topicType: "Microsoft.Resources.Subscriptions", source: `/subscriptions/${SUB}`, tags: { "azd-env-name": ENV } },
    ],
    [`eventgrid system-topic list --subscription ${SUB2}`]: [
      { id: `/subscriptions/${SUB2}/resourceGroups/rg-shared/providers/Microsoft.EventGrid/systemTopics/existing`, name: "existing", topicType: "Microsoft.Resources.Subscriptions", source: `/subscriptions/${SUB2}`, tags: {} },
    ],
    [`group show --subscription ${SUB} --name rg-${ENV}-events`]: { tags: { "azd-env-name": ENV } },
    [`role definition list --name ${approver} --custom-role-only true`]: [{ id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${approver}`, roleName: "privatelink-autopilot approver", assignableScopes: [`/subscriptions/${SUB}`, `/subscriptions/${SUB2}`] }],
    [`role assignment list --role ${approver} --scope /subscriptions/${SUB}`]: [{ id: "assignment-1" }],
    [`role assignment list --role ${approver} --scope /subscriptions/${SUB2}`]: [{ id: "assignment-2" }],
  };
  const calls: string[] = [];
  const az: Az = (args) => {
    const key = args.filter((a) => a !== "--output" && a !== "json").join(" ");
    calls.push(key);
    return JSON.stringify(answers[key] ?? []);
  };

  it("deletes both event subscriptions everywhere, but a topic and its group only where this deployment created them; then assignments, then the role", () => {
    const steps = planAzureCleanup(az, { environmentName: ENV, eventSubscriptionName: ENV, watchedSubscriptionIds: [SUB, SUB2], roleDefinitionIds: [`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${approver}`], topicResourceGroup: `rg-${ENV}-events` });
    expect(steps.map((s) => s.why)).toEqual([
      `event subscription ${ENV} on egst-azure-subscription-events`,
      `event subscription ${ENV}-nic on egst-azure-subscription-events`,
      "system topic egst-azure-subscription-events, created by this deployment",
      `resource group rg-${ENV}-events, created by this deployment for the topic`,
      `event subscription ${ENV} on existing`,
      `event subscription ${ENV}-nic on existing`,
      `assignment of privatelink-autopilot approver on /subscriptions/${SUB}`,
      `assignment of privatelink-autopilot approver on /subscriptions/${SUB2}`,
      "role definition privatelink-autopilot approver",
    ]);
    // Planning only reads.
    expect(calls.every((c) => / (list|show)( |$)/.test(c))).toBe(true);
  });
});
