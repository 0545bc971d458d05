import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "@privatelink-autopilot/arm-emulator";
import type { Emulator } from "@privatelink-autopilot/arm-emulator";
import { execFileSync } from "node:child_process";
import { clientsFor, runCli } from "../../cli/main";
import { loadConfig } from "../../shared/config";
import { shellExports } from "../../cli/shellExports";
import { welcomeText } from "../../local/welcome";
import { loadPolicy } from "../../shared/policy";
import { demoEstate, HUB, SPOKE, TEST_POLICY, UNKNOWN } from "../e2e/stack";

describe("the what-if CLI against the emulator", () => {
  let emulator: Emulator;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    emulator = await startEmulator({ estate: await demoEstate() });
    dir = await mkdtemp(join(tmpdir(), "plautopilot-cli-"));
    await writeFile(join(dir, "ca.pem"), emulator.ca);
    env = {
      AUTOPILOT_SUBSCRIPTIONS: `${HUB},${SPOKE}`,
      AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: `/subscriptions/${HUB}/resourceGroups/rg-dns`,
      AUTOPILOT_OWNER_ID: "cli-test",
      AUTOPILOT_POLICY: TEST_POLICY,
      AUTOPILOT_ARM_ENDPOINT: emulator.url,
      AUTOPILOT_ARM_CA_FILE: join(dir, "ca.pem"),
      AUTOPILOT_ARM_STATIC_TOKEN: "cli",
    };
  });
  afterAll(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function cliWith(settings: Record<string, string>, ...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { ...env, ...settings }, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }
  const cli = (...argv: string[]) => cliWith({}, ...argv);

  it("prints a table of the decisions it would make, and changes nothing", async () => {
    const before = emulator.control.snapshot();
    emulator.control.resetCounters();
    const { code, out, err } = await cli("plan");

    expect(code).toBe(0);
    expect(out).toMatch(/Decisions for Pending connections \(6\):/);
    expect(out).toMatch(/approve\s+platform-subscriptions\s+\/subscriptions\/.*batchAccounts\/batchprod\/privateEndpointConnections\//);
    expect(out).toMatch(/reject\s+unknown-subscriptions\s+\/subscriptions\/.*storageAccounts\/stdata\/privateEndpointConnections\/pe-rogue/);
    expect(out).toMatch(/leavePending\s+keyvault-for-humans/);
    // The records those decisions cause (the approvals count as made), and the name the left-Pending Key Vault endpoint does not get.
    expect(out).toContain("DNS record changes, after those decisions (8; 0 owned records already right)");
    expect(out).toMatch(/create\s+A\s+stdata\.privatelink\.blob\.core\.windows\.net\s+10\.20\.1\.10/);
    // What clients get: the demo's zones are linked to the hub VNet.
    expect(out).toMatch(/What clients get after those changes, per VNet linked to the zone \(8\):\n.*\n[\s\S]*\n\s+stdata\.privatelink\.blob\.core\.windows\.net\s+create\s+vnet-hub\s+10\.20\.1\.10/);
    expect(out).toMatch(/Names skipped \(1\):\n.*\n\s+kv-secrets\.vault\.azure\.net\s+notApproved\s+no connection of /);
    expect(err).toMatch(/^\.\. read 5 endpoints and 4 Private Link resources in 2 subscriptions/m);
    expect(emulator.control.snapshot()).toEqual(before);
    const writes = Object.keys(emulator.control.counters().operations).filter((op) => !op.startsWith("GET"));
    expect(writes).toEqual([]);
  });

  it("prints the record changes a sweep would make, as JSON on request", async () => {
    const zoneId = `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;
    emulator.control.putRecordSet({ zoneId, type: "A", name: "stale", ipv4Addresses: ["10.1.1.1"], metadata: { managedBy: "privatelink-autopilot", owner: "cli-test", endpointId: "/subscriptions/22222222-2222-2222-2222-222222222222/resourcegroups/rg/providers/microsoft.network/privateendpoints/gone" } });
    const { code, out } = await cli("plan", "--json");
    expect(code).toBe(0);
    const result = JSON.parse(out) as { schemaVersion: number; kind: string; dryRun: boolean; dns: { deleted: { name: string }[] }; decisions: { outcome: string }[] };
    expect(result).toMatchObject({ schemaVersion: 1, kind: "sweep", dryRun: true });
    expect(result.dns.deleted).toEqual([expect.objectContaining({ name: "stale", zone: "privatelink.blob.core.windows.net" })]);
    expect(result.decisions).toHaveLength(6);
    expect(result.decisions.map((d) => d.outcome).sort()).toEqual(["leftPending", "wouldApprove", "wouldApprove", "wouldApprove", "wouldApprove", "wouldReject"]);
  });

  it("exits 1 when part of the scope cannot be read, naming it with ARM's status, and still plans the rest (with or without --detailed-exitcode)", async () => {
    // A Retry-After longer than the SDK waits out: the list fails at once with its 429.
    emulator.control.injectFault({ method: "GET", path: `^/subscriptions/${HUB}/providers/Microsoft.Network/privateEndpoints$`, probability: 1, action: { type: "throttle", retryAfterSeconds: 3600 } });
    try {
      for (const flags of [[], ["--detailed-exitcode"]]) {
        const { code, out } = await cli("plan", "--json", ...flags);
        expect(code).toBe(1);
        const result = JSON.parse(out) as { errors: { target: string; status?: number; message: string }[]; decisions: unknown[] };
        expect(result.errors).toEqual([expect.objectContaining({ target: `/subscriptions/${HUB}`, status: 429, message: expect.stringMatching(/^could not list its private endpoints, so no record of its endpoints is deleted: /) })]);
        expect(result.decisions).toHaveLength(6);
      }
      const { code, out } = await cli("plan");
      expect(code).toBe(1);
      expect(out).toMatch(new RegExp(`\\nerror: /subscriptions/${HUB}: could not list its private endpoints`));
    } finally {
      emulator.control.clearFaults();
    }
  });

  it("exits 2 naming the setting when the CA file it names cannot be read", async () => {
    const { code, err } = await cliWith({ AUTOPILOT_ARM_CA_FILE: join(dir, "missing-ca.pem") }, "plan");
    expect(code).toBe(2);
    expect(err).toMatch(/AUTOPILOT_ARM_CA_FILE: cannot read .*missing-ca\.pem/);
  });

  it("reads through clients that refuse every write", () => {
    expect(clientsFor(loadConfig(env)).readOnly).toBe(true);
  });

  it("explains which rule decides a connection and why", async () => {
    const connection = emulator.control.snapshot().connections.find((c) => c.resourceType === "Microsoft.KeyVault/vaults");
    const { code, out } = await cli("explain", connection?.id ?? "");
    expect(code).toBe(0);
    expect(out).toMatch(/decision\s+leavePending by rule keyvault-for-humans: Key Vault connections are reviewed by the security team/);
    expect(out).toMatch(/description privatelink-autopilot/);
  });

  it("explains with a draft policy, and exits 1 for a connection that does not exist", async () => {
    const connection = emulator.control.snapshot().connections.find((c) => c.resourceType === "Microsoft.KeyVault/vaults");
    const draft = join(dir, "draft.yaml");
    await writeFile(draft, "rules:\n  - { name: vaults, action: approve, reason: vault endpoint, match: { groupIds: [vault] } }\n");
    const { code, out } = await cli("explain", connection?.id ?? "", "--policy", draft);
    expect(code).toBe(0);
    expect(out).toMatch(/^groupIds\s+vault \(from the endpoint\)$/m);
    expect(out).toMatch(/^decision\s+approve by rule vaults: vault endpoint$/m);
    const missing = await cli("explain", `${connection?.id ?? ""}-gone`);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no such private endpoint connection/);
  });

  it("runs with the export block npm start prints, pasted into a shell", async () => {
    const settings = { ...env, AUTOPILOT_EXTRA: "it's $HOME `x` \\ \"q\"" };
    const banner = welcomeText({ hostUrl: "http://127.0.0.1:7071", emulatorUrl: emulator.url, policyFile: "local/demo/policy.yaml", caFile: env["AUTOPILOT_ARM_CA_FILE"] ?? "", settings });
    const block = /from this directory\):\n([^]*?)\n {2}npx /.exec(banner)?.[1] ?? "";
    expect(block).toBe(shellExports(settings));
    const seen = JSON.parse(execFileSync("sh", ["-c", `${block}\nexec node -e 'console.log(JSON.stringify(process.env))'`], { env: {}, encoding: "utf8" })) as Record<string, string>;
    expect(Object.fromEntries(Object.keys(settings).map((name) => [name, seen[name]]))).toEqual(settings);
    const out: string[] = [];
    expect(await runCli(["plan", "--json"], seen, { out: (l) => out.push(l), err: () => undefined })).toBe(0);
    expect(JSON.parse(out.join("\n"))).toMatchObject({ schemaVersion: 1 });
    expect(banner).toContain("npx privatelink-autopilot plan");
  });

  it("stops with a message naming each bad setting, and a usage for an unknown command", async () => {
    let badErr = "";
    const bad = await runCli(["plan"], { ...env, AUTOPILOT_OWNER_ID: "Bad Owner" }, { out: () => undefined, err: (l) => void (badErr += `${l}\n`) });
    expect(bad).toBe(2);
    expect(badErr).toContain(`AUTOPILOT_OWNER_ID: expected 1-63 lower-case letters, digits or '-', got "Bad Owner"`);
    const unknown = await cli("apply");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/Unknown command "apply"/);
  });

  describe("with the scope given by a management group", () => {
    // The demo estate: mg-platform holds the hub and, nested, mg-landing-zones with the spoke.
    const byGroup = { AUTOPILOT_SUBSCRIPTIONS: "", AUTOPILOT_MANAGEMENT_GROUP: "mg-platform" };

    it("resolves the group and plans the same as with its subscriptions listed", async () => {
      const listed = await cli("plan", "--json");
      const grouped = await cliWith(byGroup, "plan", "--json");
      expect(grouped.code).toBe(0);
      expect(grouped.err).toMatch(/^\.\. resolving management group mg-platform$/m);
      expect(grouped.err).toMatch(/^\.\. 2 subscriptions in scope \(0 listed, 2 from management group mg-platform\)$/m);
      // Everything but the scope and the run's times is the same.
      const { scope, startedAt, finishedAt, ...plan } = JSON.parse(grouped.out) as { scope: unknown; startedAt: string; finishedAt: string };
      expect(scope).toEqual({ subscriptionIds: [HUB, SPOKE], managementGroup: "mg-platform" });
      expect(Date.parse(finishedAt)).toBeGreaterThanOrEqual(Date.parse(startedAt));
      const { scope: listedScope, startedAt: _s, finishedAt: _f, ...listedPlan } = JSON.parse(listed.out) as { scope: unknown; startedAt: string; finishedAt: string };
      expect(listedScope).toEqual({ subscriptionIds: [HUB, SPOKE] });
      expect(plan).toEqual(listedPlan);
    });

    it("takes the union with the listed subscriptions", async () => {
      const { code, out } = await cliWith({ AUTOPILOT_SUBSCRIPTIONS: UNKNOWN, AUTOPILOT_MANAGEMENT_GROUP: "mg-landing-zones" }, "plan", "--json");
      expect(code).toBe(0);
      expect((JSON.parse(out) as { scope: unknown }).scope).toEqual({ subscriptionIds: [SPOKE, UNKNOWN], managementGroup: "mg-landing-zones" });
    });

    it("refuses --subscription outside the resolved scope", async () => {
      const { code, err } = await cliWith({ ...byGroup, AUTOPILOT_MANAGEMENT_GROUP: "mg-landing-zones" }, "plan", "--subscription", HUB);
      expect(code).toBe(2);
      expect(err).toContain(`--subscription ${HUB}: not in scope; expected one of ${SPOKE}`);
    });

    it("fails naming the group when it cannot be resolved", async () => {
      const { code, err } = await cliWith({ ...byGroup, AUTOPILOT_MANAGEMENT_GROUP: "Landing Zones" }, "plan");
      expect(code).toBe(2);
      expect(err).toMatch(/AUTOPILOT_MANAGEMENT_GROUP: expected a management group id/);
      const missing = await cliWith({ ...byGroup, AUTOPILOT_MANAGEMENT_GROUP: "mg-typo" }, "plan");
      expect(missing.code).toBe(1);
      expect(missing.err).toMatch(/Could not resolve management group "mg-typo" \(AUTOPILOT_MANAGEMENT_GROUP\) to its subscriptions: .*not found/);
    });
  });
});

describe("the CLI offline: validate, explain --facts and its conventions", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "plautopilot-cli-offline-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the CLI with no settings at all: these commands need none. */
  async function offline(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {}, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }
  async function file(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  it("validate accepts a valid policy with exit 0", async () => {
    const { code, out } = await offline("validate", await file("ok.yaml", TEST_POLICY));
    expect(code).toBe(0);
    expect(out).toMatch(/ok\.yaml: valid \(3 rules, default action leavePending\)$/);
  });

  it("validate rejects each mistake with one message per problem at its path, as the app words it, exit 1", async () => {
    const path = await file(
      "bad.yaml",
      [
        "rules:",
        "  - name: storage-typo",
        "    match: { not: { targetResourceTypes: [Microsoft.Storage/storageAccount] } }",
        "    action: reject",
        "    reason: r",
        "  - name: glob-class",
        "    match: { endpointResourceGroups: ['rg-[a-z]*-net'], targetResourceGroups: ['rg-**'] }",
        "    action: approve",
        "    reason: r",
        "  - name: ml",
        "    mach: { groupIds: [amlworkspace] }",
        "    action: approve",
        "    reason: r",
        "  - name: later",
        "    match: { targetResourceTypes: [Microsoft.KeyVault/vaults], groupIds: [blob] }",
        "    action: approve",
        "    reason: r",
        "",
      ].join("\n"),
    );
    const { code, err } = await offline("validate", path);
    expect(code).toBe(1);
    expect(err.split("\n")).toEqual([
      `Invalid policy in ${path}: 5 problems`,
      '  rules[0].match.not.targetResourceTypes[0]: unknown resource type "Microsoft.Storage/storageAccount"; nearest known: Microsoft.Storage/storageAccounts (line 3)',
      '  rules[1].match.endpointResourceGroups[0]: unsupported glob syntax: character classes [...]; only * and ? are wildcards, got "rg-[a-z]*-net" (line 7)',
      '  rules[1].match.targetResourceGroups[0]: unsupported glob syntax: ** (one * already matches any run of characters); only * and ? are wildcards, got "rg-**" (line 7)',
      '  rules[2].mach: unknown key (did you mean "match"?); expected one of name, match, action, reason (line 11)',
      '  rules[3].match.groupIds[0]: "blob" is not a group id of Microsoft.KeyVault/vaults; expected one of vault (line 15)',
    ]);
    let appMessage = "";
    try {
      loadPolicy(await readFile(path, "utf8"), { source: path });
    } catch (error) {
      appMessage = (error as Error).message;
    }
    expect(err).toBe(appMessage);

    const json = await offline("validate", path, "--json");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ schemaVersion: 1, valid: false, issues: expect.arrayContaining([{ path: "rules[2].mach", message: expect.stringContaining("did you mean"), line: 11 }]) });
    expect((await offline("validate", join(dir, "missing.yaml"))).code).toBe(1);
  });

  it("explain --facts traces every rule and criterion, offline", async () => {
    const policy = await file("policy.yaml", TEST_POLICY);
    const facts = await file("facts.json", JSON.stringify({ targetResourceType: "Microsoft.Storage/storageAccounts", endpointSubscriptionId: UNKNOWN, groupIds: ["blob"], requestMessage: "let me in" }));
    const { code, out } = await offline("explain", "--facts", facts, "--policy", policy);
    expect(code).toBe(0);
    expect(out).toMatch(/^ {2}1\. keyvault-for-humans -> leavePending: not matched: targetResourceTypes failed$/m);
    expect(out).toMatch(/^ {7}fails {4}targetResourceTypes: the target's type Microsoft.Storage\/storageAccounts is not listed$/m);
    expect(out).toMatch(/^ {2}3\. unknown-subscriptions -> reject: MATCHED, decides$/m);
    expect(out).toMatch(/^ {7}fails {4}not\.endpointSubscriptions: the endpoint's subscription 33333333-3333-3333-3333-333333333333 is not listed$/m);
    expect(out).toMatch(/^decision\s+reject by rule unknown-subscriptions: the endpoint is in a subscription we do not know$/m);

    const json = JSON.parse((await offline("explain", "--facts", facts, "--policy", policy, "--json")).out) as { schemaVersion: number; explanations: { decision: { ruleName: string } }[] };
    expect(json.schemaVersion).toBe(1);
    expect(json.explanations[0]?.decision.ruleName).toBe("unknown-subscriptions");
  });

  it("explain --facts says when a rule cannot tell for lack of facts, and never approves on it", async () => {
    const policy = await file("groups.yaml", "rules:\n  - { name: blobs, action: approve, reason: r, match: { groupIds: [blob] } }\n  - { name: not-blobs, action: reject, reason: r, match: { not: { groupIds: [blob] } } }\n");
    const facts = await file("unknown.json", JSON.stringify({ targetResourceType: "Microsoft.Storage/storageAccounts", groupIdsSource: "unknown" }));
    const { code, out } = await offline("explain", "--facts", facts, "--policy", policy);
    expect(code).toBe(0);
    expect(out).toMatch(/^ {2}1\. blobs -> approve: not matched: groupIds cannot be evaluated, the facts lack what it needs$/m);
    expect(out).toMatch(/^ {7}unknown {2}groupIds: the requested group ids are not known \(the resource side carries none and the endpoint could not be read\)$/m);
    expect(out).toMatch(/^ {2}2\. not-blobs -> reject: not matched: the not block's groupIds cannot be evaluated/m);
    expect(out).toMatch(/^decision\s+leavePending by rule default: no rule matched$/m);
  });

  it("explain --facts refuses a facts file with an unknown key, naming it", async () => {
    const policy = await file("p.yaml", TEST_POLICY);
    const facts = await file("typo.json", JSON.stringify({ groupId: ["blob"] }));
    const { code, err } = await offline("explain", "--facts", facts, "--policy", policy);
    expect(code).toBe(1);
    expect(err).toContain("invalid connection facts: 1 problem\n  groupId: unknown key");
  });

  it.each(["plan", "explain", "validate"])("%s --help prints its usage and exits 0", async (command) => {
    const { code, out } = await offline(command, "--help");
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^Usage: privatelink-autopilot ${command} `));
  });

  it.each([
    ["an unknown flag", ["validate", "x.yaml", "--strict"], /Unknown option '--strict'/],
    ["a flag of another command", ["validate", "x.yaml", "--facts", "f.json"], /Unknown option '--facts'/],
    ["a missing flag value", ["explain", "--facts"], /--facts/],
    ["--facts without --policy", ["explain", "--facts", "f.json"], /--facts needs --policy <file>/],
    ["explain without anything to explain", ["explain"], /expected a connection id, an endpoint id or --facts <file>/],
    ["validate without a file", ["validate"], /expected one policy file/],
    ["an unknown command", ["apply"], /Unknown command "apply"/],
  ])("answers %s with the usage and exit 2, no stack trace", async (_what, argv, message) => {
    const { code, err } = await offline(...argv);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).toMatch(/Usage: /);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it("documents its exit codes", async () => {
    const { code, out } = await offline("--help");
    expect(code).toBe(0);
    expect(out).toContain("Exit codes: 0 done (validate: the policy is valid); 1 the policy is invalid");
  });
});
