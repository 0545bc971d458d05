import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatePrivateEndpointRequest, EstateSeed } from "@privatelink-autopilot/arm-emulator";
import { runCli } from "../../cli/main";
import { demoEstate, emptyEstate, SPOKE, startStack, TEST_POLICY } from "./stack";
import type { Stack } from "./stack";

const STORAGE = `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`;
const ML = `/subscriptions/${SPOKE}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlws`;
const KEYVAULT = `/subscriptions/${SPOKE}/resourceGroups/rg-security/providers/Microsoft.KeyVault/vaults/kv-secrets`;

// Machine Learning, Storage and Key Vault carry no groupIds on their side of the connection: only the
// private endpoint knows them, so each of these rules matches only when the run reads the endpoint.
const GROUP_ID_POLICY = `
defaultAction: leavePending
rules:
  - name: ml-workspaces
    match: { targetResourceTypes: [Microsoft.MachineLearningServices/workspaces], groupIds: [amlworkspace] }
    action: approve
    reason: ML workspace endpoint
  - name: blob-only
    match: { targetResourceTypes: [Microsoft.Storage/storageAccounts], groupIds: [blob] }
    action: approve
    reason: blob endpoints are allowed
  - name: storage-not-blob
    match: { targetResourceTypes: [Microsoft.Storage/storageAccounts], not: { groupIds: [blob] } }
    action: reject
    reason: only blob endpoints on storage
  - name: vaults
    match: { groupIds: [vault] }
    action: approve
    reason: vault endpoint
`;

/** What each endpoint asks for, and the decision the policy gives it wherever it is decided. */
const CASES = [
  { name: "pe-ml", target: ML, groupIds: ["amlworkspace"], action: "approve", rule: "ml-workspaces", status: "Approved" },
  { name: "pe-blob", target: STORAGE, groupIds: ["blob"], action: "approve", rule: "blob-only", status: "Approved" },
  { name: "pe-file", target: STORAGE, groupIds: ["file"], action: "reject", rule: "storage-not-blob", status: "Rejected" },
  { name: "pe-kv", target: KEYVAULT, groupIds: ["vault"], action: "approve", rule: "vaults", status: "Approved" },
] as const;

function request(c: (typeof CASES)[number]): CreatePrivateEndpointRequest {
  return { subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: c.name, targetResourceId: c.target, groupIds: [...c.groupIds], manual: true, requestMessage: `please, for ${c.name}` };
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, process.env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

interface ExplainJson {
  schemaVersion: number;
  explanations: { facts: Record<string, unknown>; decision: { action: string; ruleName: string }; rules: { name: string; matched: boolean }[] }[];
}

describe("groupIds rules decide ML, Storage and Key Vault connections alike on every path", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ estate: await emptyEstate(), policy: GROUP_ID_POLICY });
  });
  afterAll(async () => {
    await stack.close();
  });

  const connectionOf = (endpointName: string) => stack.emulator.control.snapshot().connections.find((c) => c.endpointId.endsWith(`/${endpointName}`));

  it("decides them from their events, with the group ids read from the endpoint", async () => {
    await stack.reseed(await emptyEstate());
    for (const c of CASES) stack.emulator.control.createPrivateEndpoint(request(c));
    await stack.settle();
    for (const c of CASES) {
      expect(connectionOf(c.name)?.state, c.name).toMatchObject({ status: c.status, description: expect.stringContaining(`(rule ${c.rule})`) });
    }
  });

  it("decides them in a sweep, and explain against the emulator gives the same decisions first", async () => {
    // Seeded endpoints raise no events: the connections stay Pending until the sweep.
    const seeded: EstateSeed = { ...(await emptyEstate()), privateEndpoints: CASES.map((c) => request(c)) };
    await stack.reseed(seeded);
    const explained = new Map<string, { action: string; ruleName: string }>();
    for (const c of CASES) {
      const connection = connectionOf(c.name);
      expect(connection?.state.status).toBe("Pending");
      const { code, out } = await cli("explain", connection?.id ?? "", "--json");
      expect(code).toBe(0);
      const [explanation] = (JSON.parse(out) as ExplainJson).explanations;
      expect(explanation?.facts).toMatchObject({ groupIds: [...c.groupIds], groupIdsSource: "endpoint" });
      explained.set(connection?.id ?? "", { action: explanation?.decision.action ?? "", ruleName: explanation?.decision.ruleName ?? "" });
    }

    const { report } = await stack.run("all");
    expect(report.decisions).toHaveLength(CASES.length);
    for (const c of CASES) {
      const id = connectionOf(c.name)?.id ?? "";
      expect(explained.get(id), c.name).toEqual({ action: c.action, ruleName: c.rule });
      expect(report.decisions.find((d) => d.connectionId === id), c.name).toMatchObject({ action: c.action, ruleName: c.rule });
      expect(connectionOf(c.name)?.state.status, c.name).toBe(c.status);
    }
  });

  it("explains an endpoint id: each of its connections, rule by rule", async () => {
    await stack.reseed({ ...(await emptyEstate()), privateEndpoints: [request(CASES[2])] });
    const endpointId = `/subscriptions/${SPOKE}/resourceGroups/rg-endpoints/providers/Microsoft.Network/privateEndpoints/pe-file`;
    const { code, out } = await cli("explain", endpointId);
    expect(code).toBe(0);
    expect(out).toMatch(/^groupIds\s+file \(from the endpoint\)$/m);
    expect(out).toMatch(/^ {2}2\. blob-only -> approve: not matched: groupIds failed$/m);
    expect(out).toMatch(/^ {7}fails {4}groupIds: file \(from the endpoint\) is not listed$/m);
    expect(out).toMatch(/^ {2}3\. storage-not-blob -> reject: MATCHED, decides$/m);
    expect(out).toMatch(/^decision\s+reject by rule storage-not-blob: only blob endpoints on storage$/m);
  });
});

describe("explain --facts decides every connection of the demo estate as the app does", () => {
  let stack: Stack;
  let dir: string;

  beforeAll(async () => {
    stack = await startStack({ estate: await demoEstate(), policy: `${GROUP_ID_POLICY}${TEST_POLICY.replace(/^[\s\S]*?rules:\n/, "")}` });
    dir = await mkdtemp(join(tmpdir(), "plautopilot-facts-"));
  });
  afterAll(async () => {
    await stack.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("gives the decision of a dry-run sweep for each Pending connection, from its facts alone", async () => {
    const { report } = await stack.run("all", true);
    const pending = stack.emulator.control.snapshot().connections.filter((c) => c.state.status === "Pending");
    expect(pending.length).toBeGreaterThanOrEqual(6);
    expect(report.decisions).toHaveLength(pending.length);
    for (const connection of pending) {
      const read = await cli("explain", connection.id, "--json");
      expect(read.code).toBe(0);
      const facts = (JSON.parse(read.out) as ExplainJson).explanations[0]?.facts;
      const factsFile = join(dir, "facts.json");
      await writeFile(factsFile, JSON.stringify(facts));
      // Offline: no settings, no Azure.
      const out: string[] = [];
      const code = await runCli(["explain", "--facts", factsFile, "--policy", stack.policyFile, "--json"], {}, { out: (l) => out.push(l), err: () => undefined });
      expect(code).toBe(0);
      const offline = (JSON.parse(out.join("\n")) as ExplainJson).explanations[0]?.decision;
      const app = report.decisions.find((d) => d.connectionId === connection.id);
      expect({ action: offline?.action, ruleName: offline?.ruleName }, connection.id).toEqual({ action: app?.action, ruleName: app?.ruleName });
    }
  });
});
