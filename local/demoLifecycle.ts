/**
 * @module The demo `npm start` plays on the emulated estate after its first sweep: a new endpoint
 * arrives Pending, a connection is removed (its name passes to another endpoint), an endpoint is deleted.
 */
import type { Emulator } from "@privatelink-autopilot/arm-emulator";
import type { LocalHost } from "@privatelink-autopilot/functions-local-host";

const SPOKE = "22222222-2222-2222-2222-222222222222";

/** Waits until events are delivered and every run they started has finished. */
export async function settle(emulator: Emulator, host: LocalHost): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await emulator.control.flushEvents();
    await host.waitForIdle();
  }
}

/** The scripted lifecycle `npm start` plays after its first sweep; `say` announces each step. */
export async function playLifecycle(emulator: Emulator, host: LocalHost, say: (message: string) => void): Promise<void> {
  const { control } = emulator;
  const storage = `/subscriptions/${SPOKE}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`;
  say("demo: a platform team creates a new private endpoint to the storage account's blob service (it arrives Pending)");
  const endpoint = control.createPrivateEndpoint({
    subscriptionId: SPOKE,
    resourceGroup: "rg-endpoints",
    name: "pe-stdata-blob-team2",
    subnetId: `/subscriptions/${SPOKE}/resourceGroups/rg-spoke-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-private-endpoints`,
    targetResourceId: storage,
    groupIds: ["blob"],
    manual: true,
    requestMessage: "team 2 needs the data lake",
  });
  await settle(emulator, host);

  // Both endpoints serve the same name: the first holder keeps it (the new one is a reported conflict)
  // until its connection goes; then the name is handed over to the second.
  const first = control.snapshot().privateEndpoints.find((e) => e.name === "pe-stdata-blob");
  const connection = control.snapshot().connections.find((c) => c.endpointId.toLowerCase() === (first?.id ?? endpoint.id).toLowerCase());
  if (connection !== undefined) {
    say("demo: the storage account's owner removes the first blob endpoint's connection (it turns Disconnected): its record goes, and the name passes to team 2's endpoint");
    control.removeConnection(connection.id);
    await settle(emulator, host);
  }
  say("demo: someone deletes the ML workspace's private endpoint");
  const ml = control.snapshot().privateEndpoints.find((e) => e.name.startsWith("pe-mlws"));
  if (ml !== undefined) {
    control.deletePrivateEndpoint(ml.id);
    await settle(emulator, host);
  }
}
