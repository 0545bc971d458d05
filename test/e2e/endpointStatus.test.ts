import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main";
import type { EndpointStatus } from "../../app/endpointStatus";
import { OWNER, ROOT, SPOKE, startStack } from "./stack";
import type { Stack } from "./stack";

const BATCH = `/subscriptions/${SPOKE}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/batchprod`;
const KEYVAULT = `/subscriptions/${SPOKE}/resourceGroups/rg-security/providers/Microsoft.KeyVault/vaults/kv-secrets`;

async function wait(stack: Stack, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["wait", ...argv], { AUTOPILOT_APP_URL: stack.host.url }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("the DNS ready answer and `wait` on the demo (its estate and policy; local host + ARM emulator, events on)", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ policy: await readFile(join(ROOT, "local", "demo", "policy.yaml"), "utf8") });
    await stack.settle();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("wait exits 0 once a new endpoint's records exist, and the status names each record's zone, value and owner", async () => {
    const endpoint = stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: "pe-pipeline", targetResourceId: BATCH, groupIds: ["batchAccount"], manual: true });
    // Right away: Pending, and the policy approves it, so a pipeline keeps waiting.
    const early = (await stack.get(`/api/endpoints${endpoint.id}/status`)).body as EndpointStatus;
    expect(["waiting", "ready"]).toContain(early.verdict);
    const waited = await wait(stack, endpoint.id, "--timeout", "60", "--interval", "0.2");
    expect(waited.code, waited.err).toBe(0);
    expect(waited.err).toMatch(/^ready: every name resolves privately/m);

    const status = (await stack.get(`/api/endpoints${endpoint.id}/status`)).body as EndpointStatus;
    expect(status).toMatchObject({ schemaVersion: 1, endpointId: endpoint.id, verdict: "ready", connections: [{ status: "Approved" }] });
    const written = status.names.filter((n) => n.record !== undefined);
    expect(written.length).toBeGreaterThan(0);
    for (const name of written) {
      expect(name.zone).toMatch(/batch\.azure\.com$/);
      expect(name.record).toMatchObject({ value: name.expected, owner: OWNER, endpointId: endpoint.id.toLowerCase() });
    }
    // The records the emulator holds are the ones the answer names.
    const inZones = stack.emulator.control.snapshot().recordSets.filter((r) => r.metadata["endpointId"]?.toLowerCase() === endpoint.id.toLowerCase());
    expect(inZones.map((r) => `${r.name}.${r.zoneName}`).sort()).toEqual(written.map((n) => n.fqdn).sort());
  });

  it("wait exits 1 for an endpoint the policy leaves Pending, with the rule and its reason", async () => {
    const endpoint = stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: "pe-vault", targetResourceId: KEYVAULT, groupIds: ["vault"], manual: true });
    await stack.settle();
    const waited = await wait(stack, endpoint.id, "--timeout", "60", "--interval", "0.2", "--json");
    expect(waited.code).toBe(1);
    expect(JSON.parse(waited.out)).toMatchObject({
      schemaVersion: 1,
      verdict: "pending-approval",
      reason: expect.stringMatching(/policy rule keyvault-for-humans leaves it for a person \(Key Vault connections are reviewed by the security team\)/),
      connections: [{ status: "Pending", policy: { action: "leavePending", ruleName: "keyvault-for-humans" } }],
    });
  });

  it("wait exits 2 when the timeout passes first, and on usage errors; the status answers 404 and 400 for bad ids", async () => {
    const endpoint = stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: "pe-slow", targetResourceId: BATCH, groupIds: ["batchAccount"], manual: true });
    const quick = await wait(stack, endpoint.id, "--timeout", "0.1", "--interval", "1");
    expect(quick.code).toBe(2);
    expect(quick.err).toMatch(/timed out after 0.1 s: waiting: /);
    await stack.settle();
    expect((await wait(stack, "not-an-id")).code).toBe(2);
    expect((await wait(stack, endpoint.id, "--timeout", "-1")).code).toBe(2);
    expect((await stack.get(`/api/endpoints/subscriptions/${SPOKE}/resourceGroups/rg-endpoints/providers/Microsoft.Network/privateEndpoints/pe-none/status`)).status).toBe(404);
    expect((await stack.get(`/api/endpoints${BATCH}/status`)).status).toBe(400);
    expect((await stack.get(`/api/endpoints/subscriptions/${SPOKE}/../x/status`)).status).toBe(400);
    expect((await wait(stack, `/subscriptions/${SPOKE}/resourceGroups/rg-endpoints/providers/Microsoft.Network/privateEndpoints/pe-none`)).code).toBe(1);
  });
});
