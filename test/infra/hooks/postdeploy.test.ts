import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bicepParams, readBicep } from "../bicepText";

const loadHook = () => import("../../../infra/hooks/postdeploy.mjs");
let hook: Awaited<ReturnType<typeof loadHook>>;
beforeAll(async () => {
  hook = await loadHook();
});

const HUB = "3c9d2e1f-7a6b-4c5d-9e8f-a0b1c2d3e4f5";
const PLATFORM = "0b6f3f3e-1c2d-4e5f-8a9b-c0d1e2f3a4b5";
const SPOKE = "8f3c2a1e-5b4d-4c6e-9a7f-0123456789ab";

function azdEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    AZURE_ENV_NAME: "prod",
    AZURE_LOCATION: "westeurope",
    AZURE_SUBSCRIPTION_ID: HUB,
    AZURE_RESOURCE_GROUP: "rg-prod",
    AZURE_FUNCTION_APP_NAME: "func-plautopilot-abc",
    SERVICE_API_URI: "https://func-plautopilot-abc.azurewebsites.net",
    APP_STORAGE_ACCOUNT_ID: `/subscriptions/${HUB}/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/stabc`,
    EVENTGRID_DEADLETTER_CONTAINER: "eventgrid-deadletter",
    WATCHED_SUBSCRIPTION_IDS: `${PLATFORM},${SPOKE.toUpperCase()}`,
    ...overrides,
  };
}

describe("readHookEnv", () => {
  it("reads main.bicep's outputs and applies the Event Grid defaults", () => {
    const config = hook.readHookEnv(azdEnv());
    expect(config.watchedSubscriptionIds).toEqual([PLATFORM, SPOKE]);
    expect(config.topicResourceGroup).toBe("rg-prod-events");
    expect([config.maxDeliveryAttempts, config.eventTimeToLiveInMinutes]).toEqual([10, 120]);
  });

  it("names every missing or bad variable at once", () => {
    const env = azdEnv({ AZURE_FUNCTION_APP_NAME: undefined, SERVICE_API_URI: " ", WATCHED_SUBSCRIPTION_IDS: "not-a-guid", EVENTGRID_MAX_DELIVERY_ATTEMPTS: "31" });
    expect(() => hook.readHookEnv(env)).toThrow(TypeError);
    let message = "";
    try {
      hook.readHookEnv(env);
    } catch (error) {
      message = error instanceof Error ? error.message : "";
    }
    for (const name of ["AZURE_FUNCTION_APP_NAME", "SERVICE_API_URI", "WATCHED_SUBSCRIPTION_IDS", "EVENTGRID_MAX_DELIVERY_ATTEMPTS"]) expect(message).toContain(name);
  });
});

describe("names", () => {
  it("makes event subscription names Event Grid accepts from any azd environment name", () => {
    for (const env of ["prod", "Dev_01", "a.b(c)", "x".repeat(64), "___"]) {
      const name = hook.eventSubscriptionNameFor(env);
      expect(name, env).toMatch(/^[A-Za-z0-9-]{3,64}$/);
      expect(name.endsWith("-"), env).toBe(false);
    }
    expect(hook.eventSubscriptionNameFor("Dev_01")).toBe("plautopilot-dev-01");
  });

  it("keeps deployment names within 64 characters", () => {
    expect(hook.deploymentNameFor("y".repeat(64)).length).toBeLessThanOrEqual(64);
    expect(hook.deploymentNameFor("prod")).toBe("prod-eventgrid");
  });
});

describe("topic plans", () => {
  const topics = [
    { id: `/subscriptions/${PLATFORM}/resourceGroups/rg-storage-events/providers/Microsoft.EventGrid/systemTopics/st-topic`, name: "st-topic", topicType: "Microsoft.Storage.StorageAccounts", source: `/subscriptions/${PLATFORM}/resourceGroups/x/providers/Microsoft.Storage/storageAccounts/y` },
    {
      id: `/subscriptions/${PLATFORM}/resourceGroups/RG-Security/providers/Microsoft.EventGrid/systemTopics/sub-events`,
      name: "sub-events",
      topicType: "microsoft.resources.subscriptions",
      source: `/subscriptions/${PLATFORM.toUpperCase()}`,
      tags: { owner: "security" },
    },
  ];

  it("finds the subscription's Azure Subscriptions topic whatever the case, and no other topic", () => {
    expect(hook.findSubscriptionTopic(topics, PLATFORM)?.name).toBe("sub-events");
    expect(hook.findSubscriptionTopic(topics, SPOKE)).toBeUndefined();
  });

  it("uses an existing topic where it is, without creating or changing it", () => {
    const plan = hook.topicPlanFor({ subscriptionId: PLATFORM, existingTopic: hook.findSubscriptionTopic(topics, PLATFORM), resourceGroupName: "rg-prod-events", resourceGroupExists: false, tags: { "azd-env-name": "prod" } });
    expect(plan).toEqual({ subscriptionId: PLATFORM, resourceGroupName: "RG-Security", createResourceGroup: false, createTopic: false, topicName: "sub-events", topicTags: {} });
  });

  it("plans a new topic, and a resource group only when there is none", () => {
    const input = { subscriptionId: SPOKE, existingTopic: undefined, resourceGroupName: "rg-prod-events", tags: { "azd-env-name": "prod" } };
    expect(hook.topicPlanFor({ ...input, resourceGroupExists: false })).toEqual({
      subscriptionId: SPOKE,
      resourceGroupName: "rg-prod-events",
      createResourceGroup: true,
      createTopic: true,
      topicName: hook.NEW_TOPIC_NAME,
      topicTags: { "azd-env-name": "prod" },
    });
    expect(hook.topicPlanFor({ ...input, resourceGroupExists: true }).createResourceGroup).toBe(false);
  });

  it("writes exactly the parameters eventgrid.bicep declares, every required one included", () => {
    const declared = bicepParams(readBicep("eventgrid.bicep"));
    const written = Object.keys(hook.deploymentParameters(hook.readHookEnv(azdEnv()), []).parameters);
    expect(written.filter((name) => !declared.some((p) => p.name === name))).toEqual([]);
    expect(declared.filter((p) => p.defaultText === undefined && !written.includes(p.name)).map((p) => p.name)).toEqual([]);
  });
});

describe("waitFor", () => {
  it("stops at the first success and never sleeps more than attempts - 1 times", async () => {
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
    };
    expect(await hook.waitFor((attempt) => attempt === 3, { attempts: 5, delayMs: 7, sleep })).toBe(true);
    expect(sleeps).toEqual([7, 7]);
    sleeps.length = 0;
    expect(await hook.waitFor(() => false, { attempts: 4, delayMs: 1, sleep })).toBe(false);
    expect(sleeps).toHaveLength(3);
  });
});

// The hook end to end, with a stand-in `az` on PATH (a small Node script that answers from a
// scenario and logs its calls) and the app's health endpoint on loopback.
describe.skipIf(process.platform === "win32")("the postdeploy hook, run against a stand-in az", () => {
  let dir = "";
  let healthHits = 0;
  const server = createServer((request, response) => {
    if (request.url === "/api/health") healthHits++;
    response.writeHead(503, { "content-type": "application/json" }).end("{}");
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "postdeploy-test-"));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await new Promise<void>((done) => server.close(() => done()));
  });

  function installAz(scenario: object): { env: Record<string, string | undefined>; calls: () => { args: string[]; parameters?: { parameters: Record<string, { value: unknown }> } }[] } {
    const bin = mkdtempSync(join(dir, "bin-"));
    const log = join(bin, "calls.jsonl");
    writeFileSync(join(bin, "scenario.json"), JSON.stringify(scenario));
    writeFileSync(
      join(bin, "az"),
      `#!/usr/bin/env node
const fs = require("node:fs");
const path = require("node:path");
const args = process.argv.slice(2);
const scenario = JSON.parse(fs.readFileSync(path.join(__dirname, "scenario.json"), "utf8"));
const log = path.join(__dirname, "calls.jsonl");
const previous = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
const entry = { args };
const at = (flag) => args[args.indexOf(flag) + 1];
const say = (value) => process.stdout.write(JSON.stringify(value));
const firstOption = args.findIndex((a) => a.startsWith("-"));
const cmd = (firstOption < 0 ? args : args.slice(0, firstOption)).join(" ");
if (scenario.fail === cmd) {
  fs.appendFileSync(log, JSON.stringify(entry) + "\\n");
  process.stderr.write("ERROR: (InvalidTemplate) stand-in failure");
  process.exit(1);
}
if (cmd.startsWith("version")) say({ "azure-cli": "2.70.0" });
else if (cmd === "functionapp keys list") {
  const n = previous.filter((c) => c.args[0] === "functionapp").length + 1;
  say({ functionKeys: {}, systemKeys: n >= scenario.keyAfter ? { eventgrid_extension: "secret-key" } : {} });
} else if (cmd === "provider show") say({ registrationState: scenario.registered.includes(at("--subscription")) ? "Registered" : "NotRegistered" });
else if (cmd === "provider register") process.stdout.write("");
else if (cmd === "eventgrid system-topic list") say(scenario.topics[at("--subscription")] ?? []);
else if (cmd === "group exists") say(scenario.groups.includes(at("--subscription")));
else if (cmd === "deployment sub create") {
  entry.parametersFile = at("--parameters").slice(1);
  entry.parameters = JSON.parse(fs.readFileSync(entry.parametersFile, "utf8"));
}
else { process.stderr.write("unexpected az " + args.join(" ")); process.exit(2); }
fs.appendFileSync(log, JSON.stringify(entry) + "\\n");
`,
    );
    chmodSync(join(bin, "az"), 0o755);
    const env = {
      ...azdEnv({ SERVICE_API_URI: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
      PATH: `${bin}${delimiter}${process.env.PATH ?? ""}`,
    };
    return { env, calls: () => readFileSync(log, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { args: string[] }) };
  }

  it("waits for the key, registers Event Grid where needed, uses or creates topics and deploys eventgrid.bicep", async () => {
    const existing = {
      id: `/subscriptions/${PLATFORM}/resourceGroups/rg-security/providers/Microsoft.EventGrid/systemTopics/sub-events`,
      name: "sub-events",
      topicType: "Microsoft.Resources.Subscriptions",
      source: `/subscriptions/${PLATFORM}`,
      tags: { owner: "security" },
    };
    const { env, calls } = installAz({ keyAfter: 2, registered: [PLATFORM], topics: { [PLATFORM]: [existing] }, groups: [] });
    const lines: string[] = [];
    const { topics } = await hook.main(env, { attempts: 3, delayMs: 1, fetchTimeoutMs: 2000, log: (line) => lines.push(line) });

    expect(healthHits).toBeGreaterThanOrEqual(2);
    const made = calls();
    expect(made.filter((c) => c.args[0] === "functionapp")).toHaveLength(2);
    expect(made.filter((c) => c.args[0] === "provider" && c.args[1] === "register").map((c) => c.args[c.args.indexOf("--subscription") + 1])).toEqual([SPOKE]);
    expect(topics.map((t) => [t.subscriptionId, t.topicName, t.resourceGroupName, t.createTopic, t.createResourceGroup])).toEqual([
      [PLATFORM, "sub-events", "rg-security", false, false],
      [SPOKE, hook.NEW_TOPIC_NAME, "rg-prod-events", true, true],
    ]);
    const deployment = made.find((c) => c.args[0] === "deployment");
    expect(deployment?.args).toEqual(expect.arrayContaining(["--subscription", HUB, "--location", "westeurope", "--name", "prod-eventgrid"]));
    expect(deployment?.args.find((a) => a.endsWith("eventgrid.bicep"))).toMatch(/infra[/\\]eventgrid\.bicep$/);
    expect(deployment?.parameters?.parameters["topics"]?.value).toEqual(topics);
    expect(deployment?.parameters?.parameters["eventSubscriptionName"]?.value).toBe("plautopilot-prod");
    // The key never leaves az: it is not in the parameters, the calls or the log.
    expect(JSON.stringify(made.filter((c) => c.args[0] !== "functionapp"))).not.toContain("secret-key");
    expect(lines.join("\n")).not.toContain("secret-key");
    expect(lines.join("\n")).toContain("using the existing system topic sub-events");
  });

  it("gives up after the bounded wait when the key never appears, and deploys nothing", async () => {
    const { env, calls } = installAz({ keyAfter: 99, registered: [PLATFORM, SPOKE], topics: {}, groups: [] });
    await expect(hook.main(env, { attempts: 2, delayMs: 1, fetchTimeoutMs: 2000, log: () => undefined })).rejects.toThrow(/no eventgrid_extension system key after 2 checks.*azd hooks run postdeploy/s);
    expect(calls().some((c) => c.args[0] === "deployment")).toBe(false);
  });

  it("stops with az's own error when the deployment fails, and removes its parameters file", async () => {
    const { env, calls } = installAz({ keyAfter: 1, registered: [PLATFORM, SPOKE], topics: {}, groups: [PLATFORM, SPOKE], fail: "deployment sub create" });
    await expect(hook.main(env, { attempts: 1, delayMs: 1, fetchTimeoutMs: 2000, log: () => undefined })).rejects.toThrow(/^az deployment sub create failed \(exit 1\): ERROR: \(InvalidTemplate\) stand-in failure$/);
    const groupsChecked = calls().filter((c) => c.args[0] === "group");
    expect(groupsChecked).toHaveLength(2);
    const parametersFile = calls().find((c) => c.args[0] === "deployment")?.args.find((a) => a.startsWith("@"))?.slice(1) ?? "";
    expect(parametersFile).not.toBe("");
    expect(existsSync(parametersFile)).toBe(false);
  });
});
