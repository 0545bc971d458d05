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
import { createConsoleLogger, startLocalHost } from "@privatelink-autopilot/functions-local-host";
import { consoleLine } from "./consoleLine";
import { playLifecycle, settle } from "./demoLifecycle";
import { demoTable } from "./demoTable";
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
  if (!values["no-demo"]) {
    await playLifecycle(emulator, host, say);
    say("where the demo ended: connections and names");
    for (const line of demoTable(emulator.control.snapshot())) console.log(line === "" ? "" : `  ${line}`);
  }
  say(`ready; serving until Ctrl-C (host ${host.url}, emulator ${emulator.url})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
