import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Connection, LinkTarget, PrivateEndpoint } from "../../../shared/domain";
import { APP_NAME, connectionFactsOf, decide, describeDecision, DESCRIPTION_MAX_LENGTH, explainDecision, loadPolicy, POLICY_ACTIONS } from "../../../shared/policy";
import type { ConnectionFacts, Policy, PolicyCriteria, PolicyMatch, PolicyRule } from "../../../shared/policy";

const OURS = "8f3c2a1e-5b4d-4c6e-9a7f-0123456789ab";
const PLATFORM = "0b6f3f3e-1c2d-4e5f-8a9b-c0d1e2f3a4b5";
const FOREIGN = "99999999-8888-4777-8666-555555555555";
const BATCH = `/subscriptions/${PLATFORM}/resourceGroups/rg-batch/providers/Microsoft.Batch/batchAccounts/contosobatch`;
const VAULT = `/subscriptions/${PLATFORM}/resourceGroups/rg-secrets/providers/Microsoft.KeyVault/vaults/kv-contoso`;
const STORAGE = `/subscriptions/${PLATFORM}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/contosodata`;
const WORKSPACE = `/subscriptions/${PLATFORM}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw`;

function endpointId(subscription = OURS, resourceGroup = "rg-app-network", name = "pe-batch"): string {
  return `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/privateEndpoints/${name}`;
}

function target(id = BATCH, tags: Record<string, string> = {}): LinkTarget {
  const type = id.split("/providers/")[1]?.split("/").filter((_, i) => i === 0 || i % 2 === 1).join("/") ?? "";
  return { id, type, location: "westeurope", tags };
}

function connection(overrides: Partial<Connection> = {}, on: LinkTarget = target()): Connection {
  return {
    id: `${on.id}/privateEndpointConnections/pe-batch.1a2b`,
    resourceId: on.id,
    resourceType: on.type,
    privateEndpointId: endpointId(),
    groupIds: ["batchAccount"],
    status: "Pending",
    description: "please approve",
    ...overrides,
  };
}

/** What a run read besides the connection. */
interface DecisionContext {
  target: LinkTarget;
  endpoint?: PrivateEndpoint;
}

function factsOf(conn: Connection, context: DecisionContext): ConnectionFacts {
  return connectionFactsOf({ connection: conn, ...context });
}

/** A private endpoint with one link to `on`, requesting `groupIds`. */
function endpointTo(on: LinkTarget, groupIds: string[], requestMessage?: string): PrivateEndpoint {
  const id = endpointId();
  const link = { name: "pe-batch", targetResourceId: on.id, groupIds, status: "Pending" as const, manual: true, ...(requestMessage === undefined ? {} : { requestMessage }) };
  return { id, name: "pe-batch", location: "westeurope", provisioningState: "Succeeded", links: [link], dnsConfigs: [], zoneGroupZones: [] };
}

function rule(name: string, match: PolicyMatch, action: PolicyRule["action"] = "approve", reason = `because ${name}`): PolicyRule {
  return { name, match, action, reason };
}

function policy(rules: PolicyRule[], defaultAction: Policy["defaultAction"] = "leavePending"): Policy {
  return { defaultAction, rules, orphanedConnections: "report" };
}

/** Whether a one-rule policy with `match` takes the connection. */
function takes(match: PolicyMatch, conn: Connection = connection(), context: DecisionContext = { target: target() }): boolean {
  return decide(policy([rule("r", match)]), factsOf(conn, context)).ruleName === "r";
}

describe("decide", () => {
  it("lets the first matching rule decide and names it", () => {
    const p = policy([
      rule("storage", { targetResourceTypes: ["Microsoft.Storage/storageAccounts"] }, "reject"),
      rule("batch", { targetResourceTypes: ["Microsoft.Batch/batchAccounts"] }, "approve", "platform batch is trusted"),
      rule("batch-again", { groupIds: ["batchAccount"] }, "reject"),
    ]);
    expect(decide(p, factsOf(connection(), { target: target() }))).toEqual({
      action: "approve",
      ruleName: "batch",
      reason: "platform batch is trusted",
      description: `${APP_NAME} approved (rule batch): platform batch is trusted`,
    });
  });

  it("applies the default action when no rule matches", () => {
    const p = policy([rule("storage", { targetResourceTypes: ["Microsoft.Storage/storageAccounts"] })], "reject");
    expect(decide(p, factsOf(connection(), { target: target() }))).toEqual({
      action: "reject",
      ruleName: "default",
      reason: "no rule matched",
      description: `${APP_NAME} rejected (rule default): no rule matched`,
    });
    expect(decide(policy([]), factsOf(connection(), { target: target() })).description).toBe(`${APP_NAME} left pending (rule default): no rule matched`);
  });

  it("matches every connection with an empty match", () => {
    expect(takes({})).toBe(true);
    expect(takes({}, connection({ privateEndpointId: "", groupIds: [] }))).toBe(true);
  });

  it("requires every given criterion (AND) and any entry of a list (OR)", () => {
    expect(takes({ targetResourceTypes: ["Microsoft.Storage/storageAccounts", "Microsoft.Batch/batchAccounts"], endpointSubscriptions: [FOREIGN, OURS] })).toBe(true);
    expect(takes({ targetResourceTypes: ["Microsoft.Batch/batchAccounts"], endpointSubscriptions: [FOREIGN] })).toBe(false);
  });

  describe("criteria", () => {
    it("targetResourceTypes compares case-insensitively, falling back to the connection's type", () => {
      expect(takes({ targetResourceTypes: ["microsoft.batch/BATCHACCOUNTS"] })).toBe(true);
      expect(takes({ targetResourceTypes: ["Microsoft.Batch/batchAccounts"] }, connection(), { target: { ...target(), type: "" } })).toBe(true);
      expect(takes({ targetResourceTypes: ["Microsoft.KeyVault/vaults"] })).toBe(false);
    });

    it("groupIds holds only when every requested group id is listed", () => {
      expect(takes({ groupIds: ["BatchAccount", "nodeManagement"] })).toBe(true);
      expect(takes({ groupIds: ["blob"] }, connection({ groupIds: ["blob", "file"] }))).toBe(false);
      expect(takes({ groupIds: ["blob", "file"] }, connection({ groupIds: ["blob", "file"] }))).toBe(true);
      expect(takes({ groupIds: ["blob"] }, connection({ groupIds: [] }))).toBe(false);
    });

    it("endpointSubscriptions compares the endpoint's subscription case-insensitively", () => {
      expect(takes({ endpointSubscriptions: [OURS.toUpperCase()] })).toBe(true);
      expect(takes({ endpointSubscriptions: [PLATFORM] })).toBe(false);
    });

    it("endpointResourceGroups and endpointNames are case-insensitive globs", () => {
      expect(takes({ endpointResourceGroups: ["RG-*-NETWORK"] })).toBe(true);
      expect(takes({ endpointResourceGroups: ["rg-app"] })).toBe(false);
      expect(takes({ endpointNames: ["pe-?atch"] })).toBe(true);
      expect(takes({ endpointNames: ["pe-batch-*"] })).toBe(false);
    });

    it("targetResourceIds compares whole ids, ignoring case", () => {
      expect(takes({ targetResourceIds: [VAULT, BATCH.toUpperCase()] })).toBe(true);
      expect(takes({ targetResourceIds: [`${BATCH}2`] })).toBe(false);
      expect(takes({ targetResourceIds: ["not an id", BATCH] })).toBe(true);
    });

    it("targetResourceGroups globs the target's resource group, falling back to the connection's resource", () => {
      expect(takes({ targetResourceGroups: ["rg-b*"] })).toBe(true);
      expect(takes({ targetResourceGroups: ["rg-batch"] }, connection(), { target: { ...target(), id: "" } })).toBe(true);
      expect(takes({ targetResourceGroups: ["rg-data"] })).toBe(false);
    });

    it("targetTags needs every tag, names case-insensitive, values exact, * for any value", () => {
      const tagged = { target: target(BATCH, { Env: "prod", CostCenter: "4711" }) };
      expect(takes({ targetTags: { env: "prod" } }, connection(), tagged)).toBe(true);
      expect(takes({ targetTags: { env: "Prod" } }, connection(), tagged)).toBe(false);
      expect(takes({ targetTags: { env: "prod", costcenter: "*" } }, connection(), tagged)).toBe(true);
      expect(takes({ targetTags: { env: "prod", owner: "*" } }, connection(), tagged)).toBe(false);
    });

    it("requestMessage tests the connection's description, or the endpoint's request message when it is empty", () => {
      expect(takes({ requestMessage: "^ticket-[0-9]+" }, connection({ description: "ticket-42 please" }))).toBe(true);
      expect(takes({ requestMessage: "^ticket-[0-9]+" }, connection({ description: "please" }))).toBe(false);
      expect(takes({ requestMessage: "^ticket-[0-9]+" }, connection({ description: "" }), { target: target(), endpoint: endpointTo(target(), ["batchAccount"], "ticket-7") })).toBe(true);
      expect(takes({ requestMessage: "^$" }, connection({ description: "" }))).toBe(true);
    });

    it("requestMessage sees at most the first 140 characters, as Azure allows no more", () => {
      const long = connection({ description: `${"x".repeat(140)}CHG1` });
      expect(takes({ requestMessage: "CHG1" }, long)).toBe(false);
      expect(takes({ requestMessage: "^x{140}$" }, long)).toBe(true);
    });

    it("decides a pathological pattern on a 140-character message at once: the engine is linear-time (RE2)", () => {
      // On a backtracking engine (JavaScript's RegExp) this takes about 2^140 steps and would never finish.
      const hostile = connection({ description: `${"a".repeat(139)}!` });
      expect(takes({ requestMessage: "(a+)+$" }, hostile)).toBe(false);
      expect(takes({ requestMessage: "(a|aa)+$" }, hostile)).toBe(false);
      expect(takes({ requestMessage: "(a+)+!$" }, hostile)).toBe(true);
    });

    it("requestMessage is case-sensitive and unanchored unless written otherwise", () => {
      expect(takes({ requestMessage: "CHG[0-9]{3}" }, connection({ description: "see CHG123" }))).toBe(true);
      expect(takes({ requestMessage: "CHG[0-9]{3}" }, connection({ description: "see chg123" }))).toBe(false);
      expect(takes({ requestMessage: "(?i)CHG[0-9]{3}" }, connection({ description: "see chg123" }))).toBe(true);
    });

    it("a pattern that does not compile never holds (loadPolicy rejects such patterns)", () => {
      expect(takes({ requestMessage: "(" })).toBe(false);
      expect(takes({ requestMessage: "(" })).toBe(false);
    });

    it("not holds when its criteria, all together, do not", () => {
      expect(takes({ not: { endpointSubscriptions: [OURS] } })).toBe(false);
      expect(takes({ not: { endpointSubscriptions: [PLATFORM] } })).toBe(true);
      expect(takes({ not: { endpointSubscriptions: [OURS], groupIds: ["blob"] } })).toBe(true);
      expect(takes({ targetResourceTypes: ["Microsoft.Storage/storageAccounts"], not: { endpointSubscriptions: [PLATFORM] } })).toBe(false);
    });

    it("is unknown where the facts lack what a criterion needs, and then the rule does not match, with or without not", () => {
      const broken = connection({ privateEndpointId: "/subscriptions/unknown" });
      expect(takes({ endpointSubscriptions: [OURS] }, broken)).toBe(false);
      expect(takes({ endpointResourceGroups: ["*"] }, broken)).toBe(false);
      expect(takes({ endpointNames: ["*"] }, broken)).toBe(false);
      expect(takes({ not: { endpointSubscriptions: [OURS] } }, broken)).toBe(false);
      const noGroups = connection({ groupIds: [] });
      expect(takes({ groupIds: ["batchAccount"] }, noGroups)).toBe(false);
      expect(takes({ not: { groupIds: ["blob"] } }, noGroups)).toBe(false);
      // One criterion of the not block certainly fails, so the block as a whole does: the rule matches.
      expect(takes({ not: { groupIds: ["blob"], endpointSubscriptions: [PLATFORM] } }, noGroups)).toBe(true);
    });

    it("takes group ids from the endpoint when the connection carries none (ML, Storage, Key Vault)", () => {
      for (const [id, groupId] of [[WORKSPACE, "amlworkspace"], [STORAGE, "blob"], [VAULT, "vault"]] as const) {
        const on = target(id);
        const conn = connection({ groupIds: [] }, on);
        const context = { target: on, endpoint: endpointTo(on, [groupId]) };
        expect(takes({ groupIds: [groupId] }, conn, context)).toBe(true);
        expect(takes({ not: { groupIds: [groupId] } }, conn, context)).toBe(false);
        expect(factsOf(conn, context)).toMatchObject({ groupIds: [groupId], groupIdsSource: "endpoint" });
      }
      // The endpoint's links to other resources do not count.
      expect(takes({ groupIds: ["blob"] }, connection({ groupIds: [] }, target(STORAGE)), { target: target(STORAGE), endpoint: endpointTo(target(VAULT), ["blob"]) })).toBe(false);
    });
  });

  it("never throws on incomplete input from an untyped source, and approves nothing on missing data", () => {
    const p = policy([
      rule("subs", { endpointSubscriptions: [OURS] }),
      rule("tags", { targetTags: { env: "*" } }),
      rule("groups", { groupIds: ["blob"] }),
      rule("types", { targetResourceTypes: ["Microsoft.Batch/batchAccounts"] }),
      rule("ids", { targetResourceIds: [BATCH] }),
      rule("rgs", { targetResourceGroups: ["*"] }),
      rule("message", { requestMessage: "." }),
    ]);
    const empty = {} as Connection;
    expect(decide(p, factsOf(empty, {} as DecisionContext))).toMatchObject({ action: "leavePending", ruleName: "default" });
    expect(decide(p, factsOf(empty, { target: { tags: { env: 1 } } } as unknown as DecisionContext)).ruleName).toBe("default");
  });

  describe("the documented scenarios", () => {
    const example = loadPolicy(readFileSync(join(__dirname, "..", "..", "..", "examples", "policy.yaml"), "utf8"));

    it("approves Batch from our landing zones", () => {
      const decision = decide(example, factsOf(connection(), { target: target() }));
      expect(decision).toMatchObject({ action: "approve", ruleName: "allow-batch-from-landing-zones" });
    });

    it("rejects a cross-tenant endpoint: its subscription is not in our list", () => {
      const crossTenant = connection({ privateEndpointId: endpointId(FOREIGN, "rg-partner", "pe-to-contoso") });
      expect(decide(example, factsOf(crossTenant, { target: target() }))).toMatchObject({ action: "reject", ruleName: "reject-unknown-subscriptions" });
    });

    it("leaves Key Vault for humans, even from our own subscriptions", () => {
      const vault = target(VAULT);
      const decision = decide(example, factsOf(connection({ groupIds: ["vault"] }, vault), { target: vault }));
      expect(decision).toMatchObject({ action: "leavePending", ruleName: "keyvault-for-humans" });
      expect(decision.description).toBe(`${APP_NAME} left pending (rule keyvault-for-humans): Key Vault connections are reviewed by the security team`);
    });

    it("approves production storage only with a change ticket", () => {
      const prod = target(STORAGE, { env: "prod" });
      expect(decide(example, factsOf(connection({ groupIds: ["blob"], description: "CHG0012345 new app" }, prod), { target: prod })).ruleName).toBe("allow-prod-storage-with-ticket");
      expect(decide(example, factsOf(connection({ groupIds: ["blob"], description: "please" }, prod), { target: prod }))).toMatchObject({ action: "leavePending", ruleName: "default" });
      const dev = target(STORAGE, { env: "dev" });
      expect(decide(example, factsOf(connection({ groupIds: ["blob"] }, dev), { target: dev })).ruleName).toBe("allow-nonprod-storage");
    });

    it("approves ML workspaces in the ML resource groups, with the group id read from the endpoint", () => {
      const ml = target(WORKSPACE);
      expect(decide(example, factsOf(connection({ groupIds: [] }, ml), { target: ml, endpoint: endpointTo(ml, ["amlworkspace"]) })).ruleName).toBe("allow-ml-workspaces");
      expect(decide(example, factsOf(connection({ groupIds: [] }, ml), { target: ml })).ruleName).toBe("default");
    });
  });
});

describe("describeDecision", () => {
  it("names the app, the outcome, the rule and the reason", () => {
    expect(describeDecision("approve", "allow-platform", "platform subscriptions are trusted")).toBe(
      "privatelink-autopilot approved (rule allow-platform): platform subscriptions are trusted",
    );
    expect(describeDecision("reject", "r", "x")).toBe("privatelink-autopilot rejected (rule r): x");
  });

  it("keeps to one line", () => {
    expect(describeDecision("approve", "r", "line one\nline two\t\u0000end  ")).toBe("privatelink-autopilot approved (rule r): line one line two end");
  });

  it("cuts a long reason to the limit and marks the cut", () => {
    const description = describeDecision("approve", "allow-platform", "x".repeat(500));
    expect(description).toHaveLength(DESCRIPTION_MAX_LENGTH);
    expect(description.startsWith("privatelink-autopilot approved (rule allow-platform): xxx")).toBe(true);
    expect(description.endsWith("...")).toBe(true);
  });

  it("never splits a surrogate pair", () => {
    const head = "privatelink-autopilot approved (rule r): ";
    for (let pad = 0; pad < 4; pad++) {
      const description = describeDecision("approve", "r", "a".repeat(DESCRIPTION_MAX_LENGTH - head.length - 3 - 1 + pad) + "😀".repeat(50));
      expect(description.length).toBeLessThanOrEqual(DESCRIPTION_MAX_LENGTH);
      expect(description).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    }
  });

  it("keeps the app name even when the rule name alone is too long", () => {
    const description = describeDecision("reject", "r".repeat(300), "why");
    expect(description).toHaveLength(DESCRIPTION_MAX_LENGTH);
    expect(description.startsWith(`${APP_NAME} rejected (rule rrr`)).toBe(true);
  });
});

describe("decide properties", () => {
  const subs = [OURS, PLATFORM, FOREIGN];
  const targets = [target(BATCH, { env: "prod" }), target(VAULT), target(STORAGE, { env: "dev", Owner: "team" }), target(WORKSPACE)];
  const criteria: fc.Arbitrary<PolicyCriteria> = fc.record(
    {
      targetResourceTypes: fc.subarray(["Microsoft.Batch/batchAccounts", "microsoft.keyvault/vaults", "Microsoft.Storage/storageAccounts"], { minLength: 1 }),
      groupIds: fc.subarray(["batchAccount", "vault", "blob", "amlworkspace"], { minLength: 1 }),
      endpointSubscriptions: fc.subarray(subs, { minLength: 1 }),
      endpointResourceGroups: fc.subarray(["rg-*", "RG-APP-NETWORK", "rg-partner", "*"], { minLength: 1 }),
      endpointNames: fc.subarray(["pe-*", "pe-batch", "*-to-*"], { minLength: 1 }),
      targetResourceIds: fc.subarray([BATCH, VAULT.toLowerCase(), STORAGE], { minLength: 1 }),
      targetResourceGroups: fc.subarray(["rg-b*", "rg-data", "rg-ml-*"], { minLength: 1 }),
      targetTags: fc.constantFrom<Record<string, string>>({ env: "prod" }, { env: "*" }, { owner: "team" }),
      requestMessage: fc.constantFrom("^CHG", "please", "^$", "[0-9]{3}"),
    },
    { requiredKeys: [] },
  );
  const match: fc.Arbitrary<PolicyMatch> = fc.tuple(criteria, fc.option(criteria.filter((c) => Object.keys(c).length > 0), { nil: undefined })).map(([c, not]) => (not ? { ...c, not } : c));
  const action = fc.constantFrom(...POLICY_ACTIONS);
  const rules = fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), match, action, reason: fc.string({ maxLength: 200 }) }), {
    selector: (r) => r.name,
    maxLength: 6,
  });
  const policies = fc.record({ defaultAction: action, rules });
  const connections = fc
    .record({
      target: fc.constantFrom(...targets),
      sub: fc.constantFrom(...subs),
      rg: fc.constantFrom("rg-app-network", "rg-partner"),
      name: fc.constantFrom("pe-batch", "pe-to-contoso", "x"),
      groupIds: fc.subarray(["batchAccount", "vault", "blob", "amlworkspace"]),
      description: fc.oneof(fc.constantFrom("CHG0012345", "please", "", "ticket 123"), fc.string({ maxLength: 40 })),
      brokenEndpoint: fc.boolean(),
      endpointGroupIds: fc.option(fc.subarray(["batchAccount", "vault", "blob", "amlworkspace"], { minLength: 1 }), { nil: undefined }),
    })
    .map(({ target: on, sub, rg, name, groupIds, description, brokenEndpoint, endpointGroupIds }) => ({
      connection: connection({ privateEndpointId: brokenEndpoint ? "garbage" : endpointId(sub, rg, name), groupIds, description }, on),
      context: endpointGroupIds === undefined ? { target: on } : { target: on, endpoint: endpointTo(on, endpointGroupIds) },
    }));

  it("is total and deterministic, and its description always fits and names the app", () => {
    fc.assert(
      fc.property(policies, connections, (p, { connection: conn, context }) => {
        const first = decide(p, factsOf(conn, context));
        expect(decide(p, factsOf(conn, context))).toEqual(first);
        expect(POLICY_ACTIONS).toContain(first.action);
        expect(first.description.length).toBeLessThanOrEqual(DESCRIPTION_MAX_LENGTH);
        expect(first.description.startsWith(APP_NAME)).toBe(true);
        expect(first.description).toContain(`(rule ${first.ruleName})`);
      }),
      { numRuns: 300 },
    );
  });

  it("lets the first rule that matches on its own decide", () => {
    fc.assert(
      fc.property(policies, connections, (p, { connection: conn, context }) => {
        const alone = p.rules.map((r) => decide({ defaultAction: "leavePending", rules: [r] }, factsOf(conn, context)).ruleName === r.name);
        const winner = alone.indexOf(true);
        const decision = decide(p, factsOf(conn, context));
        if (winner < 0) {
          expect(decision).toMatchObject({ action: p.defaultAction, ruleName: "default" });
        } else {
          const r = p.rules[winner]!;
          expect(decision).toMatchObject({ action: r.action, ruleName: r.name, reason: r.reason });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("gives the default action whenever the policy has no rules", () => {
    fc.assert(
      fc.property(action, connections, (defaultAction, { connection: conn, context }) => {
        expect(decide({ defaultAction, rules: [] }, factsOf(conn, context))).toMatchObject({ action: defaultAction, ruleName: "default", reason: "no rule matched" });
      }),
      { numRuns: 100 },
    );
  });

  it("never matches both a criteria set and its not block, and exactly one when the facts are complete", () => {
    fc.assert(
      fc.property(criteria.filter((c) => Object.keys(c).length > 0), connections, (c, { connection: conn, context }) => {
        const facts = factsOf(conn, context);
        const complete = (facts.groupIds ?? []).length > 0 && facts.endpointSubscriptionId !== undefined;
        expect(takes({ not: c }, conn, context) && takes(c, conn, context)).toBe(false);
        if (complete) expect(takes({ not: c }, conn, context)).toBe(!takes(c, conn, context));
      }),
      { numRuns: 300 },
    );
  });

  it("never matches a rule that needs group ids when no side could tell them, and the trace says so", () => {
    fc.assert(
      fc.property(policies, connections, (p, { connection: conn, context }) => {
        const facts = factsOf({ ...conn, groupIds: [] }, { target: context.target });
        const trace = explainDecision(p, facts);
        p.rules.forEach((r, i) => {
          const notOnlyGroupIds = r.match.not !== undefined && Object.keys(r.match.not).join() === "groupIds";
          if (r.match.groupIds === undefined && !notOnlyGroupIds) return;
          expect(trace.rules[i]?.matched).toBe(false);
          expect(trace.rules[i]?.criteria).toContainEqual(expect.objectContaining({ criterion: "groupIds", verdict: "unknown" }));
        });
      }),
      { numRuns: 200 },
    );
  });

  it("explains the same decision that it makes, rule by rule", () => {
    fc.assert(
      fc.property(policies, connections, (p, { connection: conn, context }) => {
        const facts = factsOf(conn, context);
        const trace = explainDecision(p, facts);
        expect(trace.decision).toEqual(decide(p, facts));
        expect(trace.rules.map((r) => r.name)).toEqual(p.rules.map((r) => r.name));
        trace.rules.forEach((r, i) => expect(r.matched).toBe(decide({ defaultAction: "leavePending", rules: [p.rules[i]!] }, facts).ruleName === r.name));
      }),
      { numRuns: 200 },
    );
  });
});
