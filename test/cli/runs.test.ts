import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main";
import { sinceParameter } from "../../cli/runs";
import { SPOKE, startStack } from "../e2e/stack";
import type { Stack } from "../e2e/stack";

const BATCH = `/subscriptions/${SPOKE}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/batchprod`;

async function cli(env: Record<string, string>, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("the CLI's runs and report verbs, against the app on the local host", () => {
  let stack: Stack;
  let env: Record<string, string>;
  let endpointId: string;
  let runIds: string[];

  beforeAll(async () => {
    stack = await startStack({ eventsOff: true });
    env = { AUTOPILOT_APP_URL: stack.host.url };
    endpointId = stack.emulator.control.createPrivateEndpoint({ subscriptionId: SPOKE, resourceGroup: "rg-endpoints", name: "pe-cli", targetResourceId: BATCH, groupIds: ["batchAccount"], manual: true }).id;
    runIds = [];
    for (let i = 0; i < 2; i++) {
      runIds.push(((await stack.post("/api/runs", { scope: { endpointId } })).body as { id: string }).id);
      await stack.settle();
    }
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("runs lists a key's runs newest first, one aligned line each, and --json with schemaVersion", async () => {
    const listed = await cli(env, "runs", "--key", endpointId, "--since", "1h");
    expect(listed.code).toBe(0);
    const lines = listed.out.split("\n");
    expect(lines[0]).toMatch(/^STARTED\s+KIND\s+STATUS\s+DECISIONS\s+RECORDS\s+ERRORS\s+ID$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).at(-1))).toEqual([...runIds].reverse());
    expect(lines[2]).toMatch(/endpoint\s+Completed\s+1\s+\d+\s+0\s+/);
    const json = await cli(env, "runs", "--key", endpointId, "--has-changes", "--json");
    expect(JSON.parse(json.out)).toMatchObject({ schemaVersion: 1, runs: [{ id: runIds[0] }] });
    expect(JSON.parse((await cli(env, "runs", "--top", "1", "--json")).out).continuationToken).toEqual(expect.any(String));
  });

  it("report prints a run's text report, --json its report; an unknown id exits 1", async () => {
    const text = await cli(env, "report", runIds[0] ?? "");
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^endpoint run pe-cli: 1 decision \(1 approved\); [1-9]\d* created, /);
    expect(text.out).toMatch(/\nresource batchprod:\n {2}approve {3}batchprod\/pe-cli\.\S+ {2}rule /);
    expect(text.out).toMatch(/\n {2}create {4}A \S+ -> [\d.]+ {2}for pe-cli\n/);
    const json = await cli(env, "report", runIds[1] ?? "", "--json");
    expect(JSON.parse(json.out)).toMatchObject({ schemaVersion: 1, instanceId: runIds[1], report: { kind: "endpoint", decisions: [] } });
    const missing = await cli(env, "report", "no-such-run");
    expect(missing).toMatchObject({ code: 1, err: expect.stringMatching(/answered 404: no run with id "no-such-run"/) });
  });

  it("exits 2 on usage errors: no app, a bad URL, extra arguments, filters the API refuses", async () => {
    expect((await cli({}, "runs")).code).toBe(2);
    expect((await cli({}, "runs")).err).toMatch(/expected --app <url> or AUTOPILOT_APP_URL/);
    expect((await cli(env, "runs", "--app", "ftp://x")).code).toBe(2);
    expect((await cli(env, "report")).code).toBe(2);
    expect((await cli(env, "runs", "extra")).code).toBe(2);
    const refused = await cli(env, "runs", "--kind", "vm");
    expect(refused).toMatchObject({ code: 2, err: expect.stringMatching(/answered 400: kind: expected endpoint, resource, sweep/) });
    expect((await cli(env, "runs", "--help")).out).toMatch(/AUTOPILOT_FUNCTION_KEY/);
  });

  it("sends the function key as x-functions-key", async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers["x-functions-key"] as string | undefined);
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ schemaVersion: 1, runs: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect((await cli({ AUTOPILOT_APP_URL: url, AUTOPILOT_FUNCTION_KEY: "k3y" }, "runs")).out).toBe("No runs match.");
      expect(seen).toEqual(["k3y"]);
    } finally {
      server.close();
    }
  });
});

describe("sinceParameter", () => {
  it("turns 12h and 7d into ISO times back from now, and passes anything else to the API", () => {
    const now = new Date("2026-11-30T12:00:00Z");
    expect(sinceParameter("12h", now)).toBe("2026-11-30T00:00:00.000Z");
    expect(sinceParameter("7d", now)).toBe("2026-11-23T12:00:00.000Z");
    expect(sinceParameter("2026-11-29T18:00:00Z", now)).toBe("2026-11-29T18:00:00Z");
  });
});
