/**
 * @module `npm start`: the whole app on this machine. Starts the ARM emulator with the demo estate, the
 * local Functions host running the app's own registrations, subscribes the host to the emulator's ARM
 * events, runs a first sweep, then plays a short lifecycle as other people would (a new endpoint, a
 * connection removed from the resource side) and keeps serving until Ctrl-C.
 */

import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadEstateSeed, startEmulator } from "@privatelink-autopilot/arm-emulator";
import type { Emulator } from "@privatelink-autopilot/arm-emulator";
import { createConsoleLogger, startLocalHost } from "@privatelink-autopilot/functions-local-host";
import type { LocalHost } from "@privatelink-autopilot/functions-local-host";
import { consoleLine } from "./consoleLine";
import { claimStateDir } from "./stateDir";
import { welcomeText } from "./welcome";

const ROOT = resolve(__dirname, "..", "..");
const HUB = "11111111-1111-1111-1111-111111111111";
const SPOKE = "22222222-2222-2222-2222-222222222222";

const USAGE = `Usage: npm start [-- --port 7071] [--emulator-port 8443] [--no-demo] [--keep-state]

  --port           port of the local Functions host (default 7071)
  --emulator-port  port of the ARM emulator (default 8443)
  --no-demo        only start: no scripted lifecycle after the first sweep
  --keep-state     resume in-flight runs from the last session instead of starting clean`;

function say(message: string): void {
  const bold = process.stdout.isTTY ? (s: string) => `\x1b[1m${s}\x1b[0m` : (s: string) => s;
  console.log(bold(`\n== ${message}`));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "7071" },
      "emulator-port": { type: "string", default: "8443" },
      "no-demo": { type: "boolean", default: false },
      "keep-state": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const stateDir = join(ROOT, ".local-state");
  let releaseStateDir: () => void;
  try {
    releaseStateDir = claimStateDir(stateDir, { keep: values["keep-state"] });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }

  const emulator = await startEmulator({ port: Number(values["emulator-port"]), estate: await loadEstateSeed(join(ROOT, "packages", "arm-emulator", "estates", "demo.json")) });
  const caFile = join(stateDir, "emulator-ca.pem");
  writeFileSync(caFile, emulator.ca);
  const policyFile = join(ROOT, "local", "demo", "policy.yaml");
  const settings = {
    AUTOPILOT_SUBSCRIPTIONS: `${HUB},${SPOKE}`,
    AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: `/subscriptions/${HUB}/resourceGroups/rg-dns`,
    AUTOPILOT_OWNER_ID: "local-demo",
    AUTOPILOT_POLICY_PATH: policyFile,
    AUTOPILOT_ARM_ENDPOINT: emulator.url,
    AUTOPILOT_ARM_CA_FILE: caFile,
    AUTOPILOT_ARM_STATIC_TOKEN: "local-emulator",
  };
  Object.assign(process.env, settings);
  process.env["AUTOPILOT_SWEEP_SCHEDULE"] ??= "0 */15 * * * *";

  const host = await startLocalHost({
    entry: join(ROOT, "dist", "functions", "index.js"),
    port: Number(values.port),
    stateDir: join(stateDir, "durable"),
    // On a terminal a person reads the changes; a file or a pipe keeps every line whole, ids included.
    logger: createConsoleLogger(process.stdout.isTTY === true ? { render: consoleLine } : {}),
  });
  const webhook = `${host.url}/runtime/webhooks/eventgrid?functionName=onArmEvent`;
  await emulator.control.subscribe({ url: webhook });

  console.log(welcomeText({ hostUrl: host.url, emulatorUrl: emulator.url, policyFile, caFile, settings }));
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    say("stopping");
    await host.close();
    await emulator.close();
    releaseStateDir();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());

  say("first drift sweep: deciding the demo estate's Pending connections and writing their DNS");
  try {
    await host.runTimer("driftSweepTimer");
  } catch (error) {
    // Bad settings or policy: the app refuses runs but keeps serving, as it does in Azure.
    say(`first drift sweep refused: ${error instanceof Error ? error.message : String(error)}`);
    say(`still serving, so ${host.url}/api/health answers 503 and /api/health/details names the problem; fix it and restart`);
    return;
  }
  await settle(emulator, host);
  if (!values["no-demo"]) await playLifecycle(emulator, host);
  say(`ready; serving until Ctrl-C (host ${host.url}, emulator ${emulator.url})`);
}

/** Waits until events are delivered and every run they started has finished. */
async function settle(emulator: Emulator, host: LocalHost): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await emulator.control.flushEvents();
    await host.waitForIdle();
  }
}

async function playLifecycle(emulator: Emulator, host: LocalHost): Promise<void> {
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
