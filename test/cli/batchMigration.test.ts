import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/main";
import type { Stack } from "../e2e/stack";
import { LEGACY, NEW, startMigrationStack } from "../e2e/batchMigrationEstate";

const WRITES = /^(PUT|PATCH|POST|DELETE) /;

async function cli(env: Record<string, string | undefined>, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("the CLI's batch-migration verb (emulator, and the app on the local host for --live)", () => {
  let stack: Stack;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    ({ stack } = await startMigrationStack());
    // startStack set the app's settings in process.env: the CLI reads the same ones.
    env = { ...process.env, AUTOPILOT_APP_URL: stack.host.url };
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("prints the dry run it computes itself as text, writing nothing: copies, records not copied, the VNet to link", async () => {
    stack.emulator.control.resetCounters();
    const { code, out } = await cli(env, "batch-migration", "--region", "eastus");
    expect(code).toBe(0);
    expect(out).toMatch(/^batchZoneMigration run eastus \(dry run\): 0 decisions; 2 would be created, /);
    expect(out).toMatch(new RegExp(`\\n {4}wouldCopy +batchprod -> batchprod\\.eastus \\([\\d.]+\\): copy to batchprod\\.eastus\\.${NEW.replace(/\./g, "\\.")} for endpoint `));
    expect(out).toMatch(/\n {4}notCopied +batchaway -> batchaway\.eastus \(10\.99\.0\.4\): no Approved endpoint in scope serves batchaway\.eastus\.batch\.azure\.com/);
    expect(out).toContain(`vnet vnet-spoke: legacy zone linked, new zone not linked`);
    expect(out).toContain(`next: link ${NEW} to vnet-spoke: they resolve from ${LEGACY} only`);
    expect(Object.keys(stack.emulator.control.counters().operations).filter((o) => WRITES.test(o))).toEqual([]);
  });

  it("--json prints the run report with schemaVersion", async () => {
    const { code, out } = await cli(env, "batch-migration", "--json");
    expect(code).toBe(0);
    const report = JSON.parse(out) as { schemaVersion: number; kind: string; target: string; batchZoneMigration: { legacyZones: { advice: { step: string; toLink: string[] } }[] } };
    expect(report).toMatchObject({ schemaVersion: 1, kind: "batchZoneMigration", target: "all", dryRun: true });
    expect(report.batchZoneMigration.legacyZones[0]?.advice).toMatchObject({ step: "linkNewZone", toLink: [expect.stringMatching(/vnet-spoke$/)] });
  });

  it("--live starts the migration in the app, whose report then lists the copies it made", async () => {
    const started = await cli(env, "batch-migration", "--region", "eastus", "--live");
    expect(started.code).toBe(0);
    const id = /^started (\S+); its report: privatelink-autopilot report \1$/.exec(started.out)?.[1];
    expect(id).toBeDefined();
    await stack.settle();
    const report = await cli(env, "report", id as string);
    expect(report.out).toMatch(/^batchZoneMigration run eastus: 0 decisions; 2 created, /);
    expect(report.out).toMatch(/\n {4}copied +batchhand -> batchhand\.eastus /);
  });

  it("refuses a bad region as a usage error, and --live without the app's URL", async () => {
    expect(await cli(env, "batch-migration", "--region", "East US")).toMatchObject({ code: 2, err: expect.stringMatching(/^--region: expected all or a region name like eastus/) });
    expect(await cli({ ...env, AUTOPILOT_APP_URL: undefined }, "batch-migration", "--live")).toMatchObject({ code: 2, err: expect.stringMatching(/^expected --app <url> or AUTOPILOT_APP_URL/) });
  });
});
