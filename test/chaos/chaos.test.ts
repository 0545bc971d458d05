import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EstateSnapshot, RecordSetRecord } from "@privatelink-autopilot/arm-emulator";
import type { ConnectionStatus } from "../../shared/domain";
import { OWNER, SPOKE, startStack, UNKNOWN } from "../e2e/stack";
import type { Stack } from "../e2e/stack";
import { seededRandom } from "@privatelink-autopilot/arm-emulator";
import { chaosEstate, DNS_ZONES, endpointRequest, FOREIGN_ZONES } from "./chaosEstate";
import type { ChaosTarget } from "./chaosEstate";

/** Set CHAOS_SEED to replay a failure; the seed is in every failure message. `npm run chaos -- --long` sets the rest. */
const SEED = Number(process.env["CHAOS_SEED"] ?? 20261123);
const ROUNDS = Number(process.env["CHAOS_ROUNDS"] ?? 4);
const ACTIONS_PER_ROUND = Number(process.env["CHAOS_ACTIONS"] ?? 14);
const TIMEOUT_MS = Number(process.env["CHAOS_TIMEOUT_MS"] ?? 120_000);

interface TrackedEndpoint {
  id: string;
  target: ChaosTarget;
  subscriptionId: string;
}

const recordKey = (r: { zoneName: string; type: string; name: string }) => `${r.zoneName} ${r.type} ${r.name}`;
const recordValue = (r: RecordSetRecord) => `${r.type === "A" ? [...r.aRecords].sort().join(",") : (r.cname ?? "")} ${JSON.stringify(Object.entries(r.metadata).sort())}`;

function ipOf(snapshot: EstateSnapshot, endpointId: string, fqdn: string): string | undefined {
  const endpoint = snapshot.privateEndpoints.find((e) => e.id === endpointId);
  const nic = snapshot.networkInterfaces.find((n) => n.id === endpoint?.nicId);
  return nic?.ipConfigs.find((c) => c.fqdn.toLowerCase() === fqdn)?.privateIp;
}

/** The owned records an approved endpoint of the allowed subscription must have, as `zone type name value`. */
function expectedRecordsOf(snapshot: EstateSnapshot, endpoint: TrackedEndpoint): string[] {
  const { name, kind } = endpoint.target;
  if (kind === "storage") return [`privatelink.blob.core.windows.net A ${name} ${ipOf(snapshot, endpoint.id, `${name}.blob.core.windows.net`)}`];
  if (kind === "keyvault") return [`privatelink.vaultcore.azure.net A ${name} ${ipOf(snapshot, endpoint.id, `${name}.vault.azure.net`)}`];
  return [
    `privatelink.batch.azure.com A ${name}.eastus ${ipOf(snapshot, endpoint.id, `${name}.eastus.batch.azure.com`)}`,
    `privatelink.eastus.batch.azure.com CNAME ${name} ${name}.eastus.privatelink.batch.azure.com`,
  ];
}

function ownedRecordsIn(snapshot: EstateSnapshot): string[] {
  return snapshot.recordSets
    .filter((r) => r.metadata["owner"] === OWNER)
    .map((r) => `${r.zoneName} ${r.type} ${r.name} ${r.type === "A" ? r.aRecords.join(",") : (r.cname ?? "")}`)
    .sort();
}

function foreignRecordsIn(snapshot: EstateSnapshot): Map<string, string> {
  return new Map(snapshot.recordSets.filter((r) => r.metadata["owner"] !== OWNER).map((r) => [recordKey(r), recordValue(r)]));
}

describe(`the app under chaos (seed ${SEED})`, () => {
  let stack: Stack;
  const random = seededRandom(SEED);
  const tracked: TrackedEndpoint[] = [];
  /** Connection states someone other than the app set (or that were never Pending): they must stay. */
  const setByHand = new Map<string, ConnectionStatus>();
  /** Endpoints whose connection someone removed from the resource side. */
  const removedConnections = new Set<string>();
  let foreign = new Map<string, string>();
  const journal: string[] = [];

  const pick = <T>(items: readonly T[]): T | undefined => (items.length === 0 ? undefined : items[Math.floor(random() * items.length)]);
  const why = (what: string) => `seed ${SEED} (replay with CHAOS_SEED=${SEED}): ${what}\nlast actions:\n${journal.slice(-30).join("\n")}`;

  beforeAll(async () => {
    const estate = await chaosEstate(random, 40, 40);
    stack = await startStack({ estate: estate.seed });
    const snapshot = stack.emulator.control.snapshot();
    foreign = foreignRecordsIn(snapshot);
    for (const [i, request] of (estate.seed.privateEndpoints ?? []).entries()) {
      const endpoint = snapshot.privateEndpoints.find((e) => e.name === request.name);
      const target = estate.allTargets.find((t) => t.id === request.targetResourceId);
      if (endpoint === undefined || target === undefined) throw new Error(`seeded endpoint ${i} missing`);
      tracked.push({ id: endpoint.id, target, subscriptionId: request.subscriptionId });
      const connection = snapshot.connections.find((c) => c.endpointId === endpoint.id);
      if (connection !== undefined && connection.state.status !== "Pending") setByHand.set(connection.id, connection.state.status);
    }
    const free = estate.freeTargets;
    let created = 0;
    let staleCount = 0;

    const actions: [number, () => void][] = [
      [
        5,
        () => {
          const unknown = random() < 0.25;
          const target = unknown ? pick(estate.allTargets) : free.pop();
          if (target === undefined) return;
          const subscriptionId = unknown ? UNKNOWN : SPOKE;
          const manual = random() < 0.85;
          const endpoint = stack.emulator.control.createPrivateEndpoint(endpointRequest(`pe-chaos-${created++}`, target, subscriptionId, manual));
          tracked.push({ id: endpoint.id, target, subscriptionId });
          const connectionId = endpoint.links[0]?.connectionId;
          if (!manual && connectionId !== undefined) setByHand.set(connectionId, "Approved");
          journal.push(`create ${endpoint.id} -> ${target.name}${manual ? "" : " (auto-approved)"}`);
        },
      ],
      [
        3,
        () => {
          const connection = pick(stack.emulator.control.snapshot().connections.filter((c) => c.resourceId.includes("chaos")));
          if (connection === undefined) return;
          const status: ConnectionStatus = random() < 0.5 ? "Approved" : "Rejected";
          stack.emulator.control.setConnectionState(connection.id, status, `${status.toLowerCase()} by a human`);
          setByHand.set(connection.id, status);
          journal.push(`setConnectionState ${connection.id} ${status}`);
        },
      ],
      [
        2,
        () => {
          const connection = pick(stack.emulator.control.snapshot().connections.filter((c) => c.resourceId.includes("chaos")));
          if (connection === undefined) return;
          stack.emulator.control.removeConnection(connection.id);
          removedConnections.add(connection.endpointId);
          journal.push(`removeConnection ${connection.id}`);
        },
      ],
      [
        2,
        () => {
          const endpoint = pick(tracked);
          if (endpoint === undefined) return;
          stack.emulator.control.deletePrivateEndpoint(endpoint.id);
          tracked.splice(tracked.indexOf(endpoint), 1);
          journal.push(`deletePrivateEndpoint ${endpoint.id}`);
        },
      ],
      [
        2,
        () => {
          const endpoint = pick(tracked.filter((e) => e.subscriptionId === SPOKE));
          if (endpoint === undefined) return;
          const ip = `10.20.1.${200 + Math.floor(random() * 50)}`;
          try {
            stack.emulator.control.changeEndpointIp(endpoint.id, undefined, ip);
            journal.push(`changeEndpointIp ${endpoint.id} ${ip}`);
          } catch (error) {
            journal.push(`changeEndpointIp ${endpoint.id} ${ip} refused: ${(error as Error).message}`);
          }
        },
      ],
      [
        1,
        () => {
          const zone = pick(FOREIGN_ZONES) ?? FOREIGN_ZONES[0];
          const name = `handwritten-${Math.floor(random() * 6)}`;
          const written = stack.emulator.control.putRecordSet({ zoneId: `${DNS_ZONES}/${zone}`, type: "A", name, ipv4Addresses: [`10.99.1.${Math.floor(random() * 250)}`], metadata: { creator: "ops-team", note: `round ${journal.length}` } });
          foreign.set(recordKey(written), recordValue(written));
          journal.push(`putRecordSet foreign ${zone} ${name}`);
        },
      ],
      [
        1,
        () => {
          const zone = pick(FOREIGN_ZONES) ?? FOREIGN_ZONES[0];
          const gone = `/subscriptions/${SPOKE}/resourceGroups/rg-endpoints/providers/Microsoft.Network/privateEndpoints/pe-long-gone-${staleCount}`;
          stack.emulator.control.putRecordSet({ zoneId: `${DNS_ZONES}/${zone}`, type: "A", name: `stale-${staleCount++}`, ipv4Addresses: ["10.20.1.250"], metadata: { managedBy: "privatelink-autopilot", owner: OWNER, endpointId: gone.toLowerCase() } });
          journal.push(`putRecordSet stale owned record for ${gone}`);
        },
      ],
      [
        1,
        () => {
          const endpoint = pick(tracked);
          if (endpoint === undefined) return;
          const forgeDelete = random() < 0.5;
          stack.emulator.control.forgeEvent({ eventType: forgeDelete ? "Microsoft.Resources.ResourceDeleteSuccess" : "Microsoft.Resources.ResourceWriteSuccess", resourceId: endpoint.id, operationName: `Microsoft.Network/privateEndpoints/${forgeDelete ? "delete" : "write"}` });
          journal.push(`forgeEvent ${forgeDelete ? "delete" : "write"} ${endpoint.id}`);
        },
      ],
    ];
    const totalWeight = actions.reduce((n, [w]) => n + w, 0);
    const act = () => {
      let roll = random() * totalWeight;
      for (const [weight, action] of actions) {
        roll -= weight;
        if (roll < 0) return action();
      }
    };

    const control = stack.emulator.control;
    for (let round = 0; round < ROUNDS; round++) {
      const faultSeed = Math.floor(random() * 1e9);
      control.injectFault({ probability: 0.04, action: { type: "throttle", retryAfterSeconds: 0 }, seed: faultSeed });
      control.injectFault({ probability: 0.01, action: { type: "error", status: 500 }, seed: faultSeed + 1 });
      control.injectFault({ probability: 0.01, action: { type: "error", status: 503 }, seed: faultSeed + 2 });
      control.injectFault({ probability: 0.05, action: { type: "latency", ms: 15 }, seed: faultSeed + 3 });
      control.injectFault({ probability: 0.005, action: { type: "drop" }, seed: faultSeed + 4 });
      control.setEventChaos({ duplicate: 1 + Math.floor(random() * 3), delayMs: Math.floor(random() * 20), reorderWindow: 1 + Math.floor(random() * 4), dropProbability: 0.3, seed: faultSeed + 5 });
      journal.push(`-- round ${round}: faults and event chaos on`);
      // The actions of a round run with no await between them, so the app never races a human's action.
      for (let i = 0; i < ACTIONS_PER_ROUND; i++) act();
      // Each injected 429 empties the app's write bucket, so it may pace a round's writes down to ARM's
      // refill rate (10/s): slower, and correct.
      await stack.settle({ timeoutMs: 90_000 });
    }
    control.clearFaults();
    control.clearEventChaos();
    journal.push("-- faults and chaos off; sweep twice");
    for (let sweep = 0; sweep < 2; sweep++) {
      await stack.host.runTimer("driftSweepTimer");
      await stack.settle();
    }
  }, TIMEOUT_MS);

  afterAll(async () => {
    await stack?.close();
  });

  it("writes exactly the desired records for every approved endpoint of the allowed subscription, and no other owned record", () => {
    const snapshot = stack.emulator.control.snapshot();
    const expected: string[] = [];
    for (const endpoint of tracked) {
      if (endpoint.subscriptionId !== SPOKE) continue;
      const record = snapshot.privateEndpoints.find((e) => e.id === endpoint.id);
      if (record?.links[0]?.state.status !== "Approved") continue;
      expected.push(...expectedRecordsOf(snapshot, endpoint));
    }
    expect(ownedRecordsIn(snapshot), why("owned records differ from the desired ones")).toEqual(expected.sort());
  });

  it("leaves every foreign record set as its writer left it", () => {
    const after = foreignRecordsIn(stack.emulator.control.snapshot());
    expect(Object.fromEntries(after), why("foreign records changed")).toEqual(Object.fromEntries(foreign));
  });

  it("leaves every connection in the state the policy or a human chose", () => {
    const snapshot = stack.emulator.control.snapshot();
    const actual: Record<string, string> = {};
    const wanted: Record<string, string> = {};
    for (const endpoint of tracked) {
      const connection = snapshot.connections.find((c) => c.endpointId === endpoint.id);
      if (connection === undefined) {
        expect(removedConnections.has(endpoint.id), why(`the connection of ${endpoint.id} vanished`)).toBe(true);
        continue;
      }
      actual[connection.id] = connection.state.status;
      // The test policy's first rule leaves every Key Vault connection Pending, whoever asks.
      const policy = endpoint.target.kind === "keyvault" ? "Pending" : endpoint.subscriptionId === SPOKE ? "Approved" : "Rejected";
      // A stranger's request to a resource none of our endpoints uses is found only by its event (the sweep
      // lists the connections of our endpoints' targets); when chaos dropped that event it stays Pending.
      const unseen = endpoint.subscriptionId !== SPOKE && !tracked.some((e) => e.subscriptionId === SPOKE && e.target.id === endpoint.target.id);
      wanted[connection.id] = setByHand.get(connection.id) ?? (unseen && connection.state.status === "Pending" ? "Pending" : policy);
    }
    expect(actual, why("connection states disagree with the policy")).toEqual(wanted);
  });

  it("fails no orchestration and never crashes the host", async () => {
    const failures = stack.logs.filter((l) => l.level === "error" && /failed|crash|uncaught|unhandled/i.test(l.message)).map((l) => l.message);
    expect(failures.filter((m) => /^Orchestration '.*' failed/.test(m) || /crash|uncaught|unhandled/i.test(m)), why("orchestrations failed")).toEqual([]);
    const health = await stack.get("/api/health");
    expect(health.status, why(`health answered ${JSON.stringify(health.body)}`)).toBe(200);
  });

  it("keeps the last valid policy when the policy file is replaced with an invalid one", async () => {
    await writeFile(stack.policyFile, "rules: [ this is not: a policy");
    const health = await stack.get("/api/health/details");
    expect(health.body, why("health does not show the policy error")).toMatchObject({ checks: { policy: { ok: false, detail: expect.stringContaining("last valid policy") } } });

    const endpoint = stack.emulator.control.createPrivateEndpoint(endpointRequest("pe-after-bad-policy", { kind: "storage", name: "stdata", id: `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`, groupId: "blob" }, SPOKE, true));
    await stack.settle();
    expect(stack.emulator.control.snapshot().connections.find((c) => c.endpointId === endpoint.id)?.state.status, why("the last valid policy was not applied")).toBe("Approved");
  });
});
