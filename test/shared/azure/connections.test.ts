import { describe, expect, it } from "vitest";
import type { Connection } from "../../../shared/domain";
import { approveConnection, deleteConnection, getConnection, getLinkTarget, listConnections, rejectConnection, toConnection } from "../../../shared/azure/connections";
import { ArmRequestError, PermissionDeniedError, PreconditionFailedError } from "../../../shared/azure/errors";
import { BATCH, ML, STORAGE, SUB, SUB2, VAULT, endpointId, useEmulator } from "./fixture";

describe("toConnection", () => {
  const id = `${STORAGE}/privateEndpointConnections/pec1`;

  it("reads Storage's actionRequired and everyone else's actionsRequired into actionsRequired", () => {
    const storage = toConnection({
      id,
      properties: { provisioningState: "Succeeded", privateEndpoint: { id: endpointId("pe") }, privateLinkServiceConnectionState: { status: "Approved", description: "ok", actionRequired: "None" } },
    });
    expect(storage).toEqual({
      id,
      resourceId: STORAGE,
      resourceType: "Microsoft.Storage/storageAccounts",
      privateEndpointId: endpointId("pe"),
      groupIds: [],
      status: "Approved",
      description: "ok",
      actionsRequired: "None",
      provisioningState: "Succeeded",
    });
    const batch = toConnection({
      id: `${BATCH}/privateEndpointConnections/x`,
      properties: { groupIds: ["batchAccount", 7], privateLinkServiceConnectionState: { status: "Pending", actionsRequired: "Recreate" } },
    });
    expect(batch).toMatchObject({ resourceType: "Microsoft.Batch/batchAccounts", groupIds: ["batchAccount"], status: "Pending", description: "", actionsRequired: "Recreate", privateEndpointId: "" });
  });

  it("keeps a status that is none of the four known ones (or none at all), so it never passes for Disconnected", () => {
    const read = (state: Record<string, unknown>) => toConnection({ id, properties: { privateLinkServiceConnectionState: state } });
    expect(read({ status: "Removing" })).toMatchObject({ status: "Disconnected", unrecognizedStatus: "Removing" });
    expect(read({})).toMatchObject({ status: "Disconnected", unrecognizedStatus: "" });
    expect(read({ status: "disconnected" })).not.toHaveProperty("unrecognizedStatus");
    expect(read({ status: "Disconnected" }).status).toBe("Disconnected");
  });

  it("refuses a body without an id", () => {
    expect(() => toConnection({ properties: {} })).toThrow(TypeError);
    expect(() => toConnection("x")).toThrow(TypeError);
  });
});

describe("connection adapter against the emulator", () => {
  const fx = useEmulator(2);
  const connectionOf = async (resourceId: string, endpointName: string): Promise<Connection> => {
    const found = (await listConnections(fx.clients, resourceId)).find((c) => c.privateEndpointId.toLowerCase().endsWith(`/${endpointName}`));
    if (found === undefined) throw new Error(`no connection for ${endpointName} on ${resourceId}`);
    return found;
  };

  it("reads the target resource's type, location and tags", async () => {
    expect(await getLinkTarget(fx.clients, BATCH)).toEqual({ id: BATCH, type: "Microsoft.Batch/batchAccounts", location: "eastus", tags: { env: "prod", owner: "hpc" } });
    expect(await getLinkTarget(fx.clients, ML)).toMatchObject({ type: "Microsoft.MachineLearningServices/workspaces", location: "eastus", tags: {} });
    expect(await getLinkTarget(fx.clients, BATCH.replace("batchacct", "gone"))).toBeUndefined();
  });

  it("lists a resource's connections from every subscription in the one answer Storage's unpaged list gives", async () => {
    const connections = await listConnections(fx.clients, STORAGE);
    expect(fx.clients.requestCount()).toBe(1);
    expect(connections.map((c) => [c.privateEndpointId.toLowerCase(), c.status]).sort()).toEqual(
      [
        [endpointId("pe-blob").toLowerCase(), "Approved"],
        [endpointId("pe-file").toLowerCase(), "Pending"],
        [endpointId("pe-other-sub", SUB2).toLowerCase(), "Approved"],
      ].sort(),
    );
    const pending = connections.find((c) => c.status === "Pending");
    expect(pending).toMatchObject({ resourceId: STORAGE, resourceType: "Microsoft.Storage/storageAccounts", description: "please", actionsRequired: "None", provisioningState: "Succeeded" });
    expect(await listConnections(fx.clients, STORAGE.replace("stacct", "gone"))).toEqual([]);
  });

  it("follows nextLink across the pages of a pageable list (Key Vault)", async () => {
    for (const name of ["pe-kv-2", "pe-kv-3"]) {
      fx.emulator.control.createPrivateEndpoint({ subscriptionId: SUB, resourceGroup: "rg-pe", name, targetResourceId: VAULT, groupIds: ["vault"], manual: true });
    }
    const connections = await listConnections(fx.clients, VAULT);
    expect(fx.clients.requestCount()).toBe(2);
    expect(connections.map((c) => c.privateEndpointId.split("/").at(-1)).sort()).toEqual(["pe-kv", "pe-kv-2", "pe-kv-3"]);
  });

  it("gets one connection, and reads a removed one as gone", async () => {
    const listed = await connectionOf(VAULT, "pe-kv");
    expect(await getConnection(fx.clients, listed.id)).toEqual({ ...listed, etag: expect.stringMatching(/.+/) });
    expect(fx.emulator.control.removeConnection(listed.id)).toBe(true);
    expect(await getConnection(fx.clients, listed.id)).toBeUndefined();
    await expect(approveConnection(fx.clients, listed.id, "too late", { updateIntervalInMs: 5 })).resolves.toBeUndefined();
  });

  it("approves a Pending ML connection (synchronous PUT) and writes the reason", async () => {
    const pending = await connectionOf(ML, "pe-ml");
    const approved = await approveConnection(fx.clients, pending.id, "rule ml-team: workspace tagged owner=ml-team", { updateIntervalInMs: 5 });
    expect(approved).toMatchObject({ id: pending.id, status: "Approved", description: "rule ml-team: workspace tagged owner=ml-team" });
    const seen = fx.emulator.control.snapshot().connections.find((c) => c.id === pending.id);
    expect(seen?.state).toMatchObject({ status: "Approved", description: "rule ml-team: workspace tagged owner=ml-team" });
  });

  it("rejects a Pending Storage connection, sending Storage's actionRequired", async () => {
    const pending = await connectionOf(STORAGE, "pe-file");
    const rejected = await rejectConnection(fx.clients, pending.id, "rule default: file shares are not allowed", { updateIntervalInMs: 5 });
    expect(rejected).toMatchObject({ status: "Rejected", description: "rule default: file shares are not allowed", actionsRequired: "None" });
  });

  it("approves a Batch connection with PATCH, polling the long-running operation to the end", async () => {
    fx.emulator.control.createPrivateEndpoint({ subscriptionId: SUB, resourceGroup: "rg-pe", name: "pe-batch-manual", targetResourceId: BATCH, groupIds: ["nodeManagement"], manual: true });
    const pending = await connectionOf(BATCH, "pe-batch-manual");
    expect(pending).toMatchObject({ status: "Pending", groupIds: ["nodeManagement"] });
    fx.emulator.control.setAsyncOperationDelay(60);
    fx.emulator.control.resetCounters();
    const approved = await approveConnection(fx.clients, pending.id, "rule hpc: approved", { updateIntervalInMs: 10 });
    expect(approved).toMatchObject({ status: "Approved", description: "rule hpc: approved", provisioningState: "Succeeded" });
    const operations = Object.keys(fx.emulator.control.counters().operations);
    expect(operations).toContain("PATCH batchAccounts/privateEndpointConnections:update");
    expect(operations.some((o) => o.startsWith("PUT "))).toBe(false);
    expect(operations).toContain("GET operations:status");
  });

  it("rejects a Key Vault connection that was approved", async () => {
    const current = await connectionOf(VAULT, "pe-kv");
    const rejected = await rejectConnection(fx.clients, current.id, "rule vaults: only from the hub", { updateIntervalInMs: 5 });
    expect(rejected).toMatchObject({ status: "Rejected", description: "rule vaults: only from the hub" });
    expect(await getConnection(fx.clients, current.id)).toMatchObject({ status: "Rejected" });
  });

  it("reads a connection's ETag where the provider gives one (Batch, Key Vault) and none where it does not (Storage, ML)", async () => {
    expect((await getConnection(fx.clients, (await connectionOf(VAULT, "pe-kv")).id))?.etag).toMatch(/.+/);
    expect((await getConnection(fx.clients, (await connectionOf(BATCH, "pe-batch")).id))?.etag).toMatch(/.+/);
    expect((await getConnection(fx.clients, (await connectionOf(STORAGE, "pe-file")).id))?.etag).toBeUndefined();
    expect((await getConnection(fx.clients, (await connectionOf(ML, "pe-ml")).id))?.etag).toBeUndefined();
  });

  it("sends If-Match with the ETag read: a decision someone made after our read is not overwritten (412)", async () => {
    fx.emulator.control.createPrivateEndpoint({ subscriptionId: SUB, resourceGroup: "rg-pe", name: "pe-batch-raced", targetResourceId: BATCH, groupIds: ["batchAccount"], manual: true });
    const read = await getConnection(fx.clients, (await connectionOf(BATCH, "pe-batch-raced")).id);
    expect(read).toMatchObject({ status: "Pending", etag: expect.stringMatching(/.+/) });
    fx.emulator.control.setConnectionState(read!.id, "Rejected", "rejected by a person");

    const error = await approveConnection(fx.clients, read!.id, "rule hpc: approved", { ifMatch: read!.etag!, updateIntervalInMs: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(await getConnection(fx.clients, read!.id)).toMatchObject({ status: "Rejected", description: "rejected by a person" });
    // With the ETag still current, the same write goes through.
    const current = await getConnection(fx.clients, read!.id);
    await expect(approveConnection(fx.clients, read!.id, "rule hpc: approved", { ifMatch: current!.etag!, updateIntervalInMs: 5 })).resolves.toMatchObject({ status: "Approved" });
  });

  it("deletes a Batch connection with a long-running DELETE polled to the end, and the endpoint's link reads Disconnected", async () => {
    const connection = await connectionOf(BATCH, "pe-batch");
    fx.emulator.control.setAsyncOperationDelay(40);
    fx.emulator.control.resetCounters();
    await deleteConnection(fx.clients, connection.id, { updateIntervalInMs: 10 });
    expect(await getConnection(fx.clients, connection.id)).toBeUndefined();
    const operations = Object.keys(fx.emulator.control.counters().operations);
    expect(operations).toContain("DELETE batchAccounts/privateEndpointConnections:delete");
    expect(operations.some((o) => o.startsWith("GET operation"))).toBe(true);
    const endpoint = fx.emulator.control.snapshot().privateEndpoints.find((e) => e.name === "pe-batch");
    expect(endpoint?.links[0]?.state.status).toBe("Disconnected");
  });

  it("deletes a Storage connection (synchronous) and a Key Vault one, and takes an already deleted one as done", async () => {
    for (const [resource, name] of [[STORAGE, "pe-blob"], [VAULT, "pe-kv"]] as const) {
      const connection = await connectionOf(resource, name);
      await deleteConnection(fx.clients, connection.id, { updateIntervalInMs: 5 });
      expect(await getConnection(fx.clients, connection.id)).toBeUndefined();
      await expect(deleteConnection(fx.clients, connection.id, { updateIntervalInMs: 5 })).resolves.toBeUndefined();
    }
  });

  it("surfaces a refused delete (403) as PermissionDeniedError naming the delete action, and deletes nothing", async () => {
    const connection = await connectionOf(STORAGE, "pe-blob");
    fx.emulator.control.injectFault({ method: "DELETE", path: "privateEndpointConnections", sequence: [{ type: "error", status: 403 }] });
    const error = await deleteConnection(fx.clients, connection.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ operation: "deleteConnection", actions: ["Microsoft.Storage/storageAccounts/privateEndpointConnections/delete"] });
    expect((error as Error).cause).toMatchObject({ statusCode: 403 });
    fx.emulator.control.clearFaults();
    expect(await getConnection(fx.clients, connection.id)).toMatchObject({ status: "Approved" });
  });

  it("refuses a resource type it has no provider entry for, naming the supported ones", async () => {
    const widget = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Contoso/widgets/w1`;
    await expect(listConnections(fx.clients, widget)).rejects.toThrow(RangeError);
    await expect(getLinkTarget(fx.clients, widget)).rejects.toThrow(/supported types: .*Microsoft\.KeyVault\/vaults/);
    await expect(approveConnection(fx.clients, `${widget}/privateEndpointConnections/c`, "x")).rejects.toThrow(RangeError);
    expect(fx.clients.requestCount()).toBe(0);
  });

  it("rejects ids of the wrong shape before calling ARM", async () => {
    await expect(getConnection(fx.clients, STORAGE)).rejects.toThrow(/not a private endpoint connection id/);
    await expect(listConnections(fx.clients, `${STORAGE}/privateEndpointConnections/c`)).rejects.toThrow(/not a PaaS resource id/);
  });

  it("surfaces other ARM refusals as ArmRequestError with the status", async () => {
    // A supported type the emulator does not serve: ARM's 400 for an unknown namespace.
    const sql = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Sql/servers/sql1`;
    const error = await getLinkTarget(fx.clients, sql).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArmRequestError);
    expect(error).toMatchObject({ statusCode: 400, operation: "getLinkTarget" });
  });
});
