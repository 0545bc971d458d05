import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatPath, loadPolicy, PolicyError } from "../../../shared/policy";
import type { PolicyIssue } from "../../../shared/policy";

const ROOT = join(__dirname, "..", "..", "..");
const SUB = "8f3c2a1e-5b4d-4c6e-9a7f-0123456789ab";

/** The issues `loadPolicy` reports for `text`; fails the test when it loads. */
function issuesOf(text: string, options?: Parameters<typeof loadPolicy>[1]): PolicyIssue[] {
  try {
    loadPolicy(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return [...(error as PolicyError).issues];
  }
  throw new Error("expected the policy not to load");
}

function messagesOf(text: string, options?: Parameters<typeof loadPolicy>[1]): string[] {
  return issuesOf(text, options).map((i) => `${i.path}: ${i.message}`);
}

describe("loadPolicy", () => {
  it("loads a YAML policy and applies the defaults", () => {
    const policy = loadPolicy(`
rules:
  - name: allow-platform
    match:
      endpointSubscriptions: [${SUB}]
    action: approve
    reason: platform subscriptions are trusted
  - name: everything-else
    action: reject
    reason: not ours
`);
    expect(policy).toEqual({
      defaultAction: "leavePending",
      orphanedConnections: "report",
      rules: [
        { name: "allow-platform", match: { endpointSubscriptions: [SUB] }, action: "approve", reason: "platform subscriptions are trusted" },
        { name: "everything-else", match: {}, action: "reject", reason: "not ours" },
      ],
    });
  });

  it("loads an empty mapping as a policy with no rules that leaves everything pending", () => {
    expect(loadPolicy("{}")).toEqual({ defaultAction: "leavePending", rules: [], orphanedConnections: "report" });
    expect(loadPolicy("defaultAction: reject")).toEqual({ defaultAction: "reject", rules: [], orphanedConnections: "report" });
  });

  it("reads orphanedConnections (report by default, or remove) and refuses anything else", () => {
    expect(loadPolicy("orphanedConnections: remove").orphanedConnections).toBe("remove");
    expect(messagesOf("orphanedConnections: delete")).toEqual(['orphanedConnections: expected one of report, remove, got "delete"']);
  });

  it("loads JSON, chosen explicitly or by the source's extension", () => {
    const json = JSON.stringify({ $schema: "./policy.schema.json", defaultAction: "approve", rules: [{ name: "r", action: "reject", reason: "x", match: { groupIds: ["blob"] } }] });
    const expected = { $schema: "./policy.schema.json", defaultAction: "approve", orphanedConnections: "report", rules: [{ name: "r", action: "reject", reason: "x", match: { groupIds: ["blob"] } }] };
    expect(loadPolicy(json, { format: "json" })).toEqual(expected);
    expect(loadPolicy(json, { source: "/etc/autopilot/POLICY.JSON" })).toEqual(expected);
    expect(loadPolicy(json)).toEqual(expected);
  });

  it("reads JSON strictly when asked to", () => {
    expect(messagesOf("defaultAction: approve", { format: "json" })).toEqual([expect.stringMatching(/^\(root\): expected valid JSON: /)]);
    expect(messagesOf("defaultAction: approve", { source: "policy.json" })[0]).toContain("expected valid JSON");
  });

  it("loads every criterion", () => {
    const policy = loadPolicy(`
defaultAction: leavePending
rules:
  - name: everything
    match:
      targetResourceTypes: [Microsoft.Batch/batchAccounts, Microsoft.Storage/storageAccounts]
      groupIds: [batchAccount]
      endpointSubscriptions: ["${SUB.toUpperCase()}"]
      endpointResourceGroups: ["rg-*"]
      endpointNames: ["pe-?x*"]
      targetResourceIds: [/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Batch/batchAccounts/acct]
      targetResourceGroups: ["RG-PLATFORM"]
      targetTags: { env: prod, "cost center": "*" }
      requestMessage: "^ticket-[0-9]+"
      not:
        endpointNames: ["pe-legacy-*"]
    action: approve
    reason: all criteria
`);
    expect(policy.rules[0]?.match).toMatchObject({ targetTags: { env: "prod", "cost center": "*" }, not: { endpointNames: ["pe-legacy-*"] } });
  });

  it("loads the example policy", () => {
    const text = readFileSync(join(ROOT, "examples", "policy.yaml"), "utf8");
    const policy = loadPolicy(text, { source: "examples/policy.yaml" });
    expect(policy.defaultAction).toBe("leavePending");
    expect(policy.rules.map((r) => r.name)).toEqual([
      "reject-unknown-subscriptions",
      "keyvault-for-humans",
      "allow-batch-from-landing-zones",
      "allow-ml-workspaces",
      "allow-prod-storage-with-ticket",
      "allow-nonprod-storage",
    ]);
  });

  it("loads every policy example in docs/policy.md", () => {
    const doc = readFileSync(join(ROOT, "docs", "policy.md"), "utf8");
    // The worked example of `validate` is a draft with mistakes on purpose (docs/policy.md tests it against the CLI).
    const examples = [...doc.matchAll(/(<!-- draft\.yaml: invalid on purpose -->\n)?```yaml\n([^]*?)```/g)].filter((m) => m[1] === undefined).map((m) => m[2] ?? "");
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const example of examples) expect(loadPolicy(example).rules.length).toBeGreaterThan(0);
  });

  it("reports a wrong type with the path, what was expected and what was found", () => {
    const text = `
rules:
  - name: a
    action: approve
    reason: r
    match: { groupIds: [file] }
  - name: b
    action: approve
    reason: r
    match: { groupIds: [blob] }
  - name: c
    action: approve
    reason: r
    match:
      groupIds: blob
`;
    expect(issuesOf(text)).toEqual([{ path: "rules[2].match.groupIds", message: 'expected a non-empty array of group ids, got "blob"', line: 15 }]);
  });

  it("reports a misspelt key with its path and the key it probably meant", () => {
    const text = "rules:\n  - name: a\n    acton: approve\n    reason: r\n";
    expect(messagesOf(text)).toEqual([
      "rules[0].action: missing; expected one of approve, reject, leavePending",
      'rules[0].acton: unknown key (did you mean "action"?); expected one of name, match, action, reason',
    ]);
  });

  it("reports unknown keys at every level, with a suggestion only when one is close", () => {
    const text = `
defaultActon: approve
color: blue
rules:
  - name: a
    action: approve
    reason: r
    match:
      groupId: [blob]
      not:
        endpointSubscription: ["${SUB}"]
        somethingElse: 1
`;
    expect(messagesOf(text)).toEqual([
      'defaultActon: unknown key (did you mean "defaultAction"?); expected one of $schema, defaultAction, rules, orphanedConnections',
      "color: unknown key; expected one of $schema, defaultAction, rules, orphanedConnections",
      expect.stringMatching(/^rules\[0\]\.match\.groupId: unknown key \(did you mean "groupIds"\?\); expected one of targetResourceTypes, .*, requestMessage, not$/),
      expect.stringMatching(/^rules\[0\]\.match\.not\.endpointSubscription: unknown key \(did you mean "endpointSubscriptions"\?\); expected one of .*requestMessage$/),
      expect.stringMatching(/^rules\[0\]\.match\.not\.somethingElse: unknown key; expected one of /),
    ]);
  });

  it("reports duplicate rule names, ignoring case", () => {
    const text = "rules:\n  - { name: allow, action: approve, reason: r, match: { groupIds: [blob] } }\n  - { name: Allow, action: reject, reason: r, match: { groupIds: [vault] } }\n";
    expect(issuesOf(text)).toEqual([{ path: "rules[1].name", message: 'duplicate rule name "Allow" (rules[0] has it); expected unique names', line: 3 }]);
  });

  it("reports a regular expression that does not compile", () => {
    const text = 'rules:\n  - name: a\n    action: approve\n    reason: r\n    match: { requestMessage: "^ticket-([0-9]+" }\n';
    expect(messagesOf(text)).toEqual([expect.stringMatching(/^rules\[0\]\.match\.requestMessage: rule "a": expected a regular expression RE2 can run, got "\^ticket-\(\[0-9\]\+": error parsing regexp: missing closing \)/)]);
  });

  it.each<[string, string, string]>([
    ["an unknown action", "rules: [{ name: a, action: allow, reason: r }]", 'rules[0].action: expected one of approve, reject, leavePending, got "allow"'],
    ["an unknown default action", "defaultAction: deny", 'defaultAction: expected one of approve, reject, leavePending, got "deny"'],
    ["rules that are not a list", "rules: { name: a }", "rules: expected an array of rules, got a mapping"],
    ["a rule that is not a mapping", "rules: [allow-all]", 'rules[0]: expected a rule mapping with name, match, action and reason, got "allow-all"'],
    ["a missing reason", "rules: [{ name: a, action: approve }]", "rules[0].reason: missing; expected a reason (why the rule decides so)"],
    ["an empty reason", "rules: [{ name: a, action: approve, reason: '' }]", 'rules[0].reason: expected a reason (why the rule decides so), got ""'],
    ["a rule named default", "rules: [{ name: Default, action: approve, reason: r }]", 'rules[0].name: "default" is reserved for the default action; expected another rule name'],
    ["a rule name with spaces", "rules: [{ name: allow all, action: approve, reason: r }]", "rules[0].name: expected a rule name of letters, digits"],
    ["a rule name that is too long", `rules: [{ name: ${"r".repeat(49)}, action: approve, reason: r }]`, "(at most 48, starting with a letter or digit)"],
    ["an empty list", "rules: [{ name: a, action: approve, reason: r, match: { groupIds: [] } }]", "rules[0].match.groupIds: expected a non-empty array of group ids, got an array of 0"],
    ["a number in a list", "rules: [{ name: a, action: approve, reason: r, match: { groupIds: [42] } }]", "rules[0].match.groupIds[0]: expected a group id, got 42 (quote it to make it a string)"],
    ["a subscription that is not a GUID", "rules: [{ name: a, action: approve, reason: r, match: { endpointSubscriptions: [platform] } }]", 'rules[0].match.endpointSubscriptions[0]: expected a subscription id (a GUID), got "platform"'],
    ["a malformed resource type", "rules: [{ name: a, action: approve, reason: r, match: { targetResourceTypes: [batchAccounts] } }]", 'rules[0].match.targetResourceTypes[0]: unknown resource type "batchAccounts"; expected one of Microsoft.Batch/batchAccounts, '],
    ["a malformed resource id", "rules: [{ name: a, action: approve, reason: r, match: { targetResourceIds: [/subscriptions/x] } }]", 'rules[0].match.targetResourceIds[0]: expected an ARM resource id, got "/subscriptions/x"'],
    ["an empty glob", "rules: [{ name: a, action: approve, reason: r, match: { endpointNames: [''] } }]", 'rules[0].match.endpointNames[0]: expected a glob pattern (* and ? wildcards), got ""'],
    ["a tag value that is a number", "rules: [{ name: a, action: approve, reason: r, match: { targetTags: { costCenter: 4711 } } }]", "rules[0].match.targetTags.costCenter: expected a tag value (\"*\" for any value), got 4711 (quote it to make it a string)"],
    ["tags that are a list", "rules: [{ name: a, action: approve, reason: r, match: { targetTags: [env] } }]", "rules[0].match.targetTags: expected a mapping of tag names to values, got an array of 1"],
    ["no tags", "rules: [{ name: a, action: approve, reason: r, match: { targetTags: {} } }]", "rules[0].match.targetTags: expected at least one tag, got an empty mapping"],
    ["an empty not block", "rules: [{ name: a, action: approve, reason: r, match: { not: {} } }]", "rules[0].match.not: expected at least one criterion, got an empty mapping"],
    ["a match that is a list", "rules: [{ name: a, action: approve, reason: r, match: [] }]", "rules[0].match: expected a mapping of match criteria, got an array of 0"],
    ["a regex that is not a string", "rules: [{ name: a, action: approve, reason: r, match: { requestMessage: true } }]", "rules[0].match.requestMessage: expected a regular expression, got true"],
    ["a number $schema", "$schema: 1", "$schema: expected a JSON schema reference, got 1"],
  ])("reports %s", (_what, text, message) => {
    const messages = messagesOf(text);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(message);
  });

  it("reports a rule after a catch-all as never reached", () => {
    const text = "rules:\n  - { name: all, action: reject, reason: r }\n  - { name: later, action: approve, reason: r, match: { groupIds: [blob] } }\n";
    expect(issuesOf(text)).toEqual([
      { path: "rules[1]", message: "never reached: rules[0] has an empty match and takes every connection; expected the catch-all rule last", line: 3 },
    ]);
  });

describe("the mistakes people make (issue: a policy people can trust)", () => {
    it.each<[string, string, string]>([
      [
        "a misspelt resource type, with the nearest known names",
        "rules: [{ name: a, action: reject, reason: r, match: { not: { targetResourceTypes: [Microsoft.Storage/storageAccount] } } }]",
        'rules[0].match.not.targetResourceTypes[0]: unknown resource type "Microsoft.Storage/storageAccount"; nearest known: Microsoft.Storage/storageAccounts',
      ],
      [
        "a resource type the app does not decide",
        "rules: [{ name: a, action: approve, reason: r, match: { targetResourceTypes: [Microsoft.Synapse/workspaces] } }]",
        'rules[0].match.targetResourceTypes[0]: unknown resource type "Microsoft.Synapse/workspaces"; expected one of Microsoft.Batch/batchAccounts, ',
      ],
      [
        "a group id no provider has",
        "rules: [{ name: a, action: approve, reason: r, match: { groupIds: [blobs] } }]",
        'rules[0].match.groupIds[0]: unknown group id "blobs"; nearest known: blob',
      ],
      [
        "a group id of another resource type than the rule names",
        "rules: [{ name: a, action: approve, reason: r, match: { targetResourceTypes: [Microsoft.KeyVault/vaults], groupIds: [blob] } }]",
        'rules[0].match.groupIds[0]: "blob" is not a group id of Microsoft.KeyVault/vaults; expected one of vault',
      ],
      [
        "a group id in not of another resource type than the rule names",
        "rules: [{ name: a, action: reject, reason: r, match: { targetResourceTypes: [Microsoft.Storage/storageAccounts], not: { groupIds: [vault] } } }]",
        'rules[0].match.not.groupIds[0]: "vault" is not a group id of Microsoft.Storage/storageAccounts; expected one of blob, blob_secondary,',
      ],
      [
        "a glob with a character class",
        "rules: [{ name: a, action: approve, reason: r, match: { endpointResourceGroups: ['rg-[a-z]*-net'] } }]",
        'rules[0].match.endpointResourceGroups[0]: unsupported glob syntax: character classes [...]; only * and ? are wildcards, got "rg-[a-z]*-net"',
      ],
      [
        "a glob with **",
        "rules: [{ name: a, action: approve, reason: r, match: { targetResourceGroups: ['rg-**'] } }]",
        'rules[0].match.targetResourceGroups[0]: unsupported glob syntax: ** (one * already matches any run of characters); only * and ? are wildcards, got "rg-**"',
      ],
      [
        "a pattern RE2 cannot run (lookahead), naming the rule and the construct",
        "rules: [{ name: ticket, action: approve, reason: r, match: { requestMessage: '^(?=CHG)' } }]",
        'rules[0].match.requestMessage: rule "ticket": expected a regular expression RE2 can run, got "^(?=CHG)": error parsing regexp: invalid or unsupported Perl syntax: `(?=`',
      ],
      [
        "a pattern RE2 cannot run (backreference)",
        "rules: [{ name: twice, action: approve, reason: r, match: { requestMessage: '(a)\\1' } }]",
        "invalid escape sequence: `\\1`",
      ],
    ])("reports %s, once, at its path", (_what, text, message) => {
      const messages = messagesOf(text);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain(message);
    });

    it("reports a mistyped key in a rule once, with a suggestion, and not the later rules as never reached", () => {
      const text = [
        "rules:",
        "  - name: ml",
        "    mach: { groupIds: [amlworkspace] }",
        "    action: approve",
        "    reason: r",
        "  - { name: b, action: approve, reason: r, match: { groupIds: [blob] } }",
        "  - { name: c, action: reject, reason: r, match: { groupIds: [vault] } }",
        "",
      ].join("\n");
      expect(issuesOf(text)).toEqual([
        { path: "rules[0].mach", message: 'unknown key (did you mean "match"?); expected one of name, match, action, reason', line: 3 },
      ]);
    });
  });

  it("reports every problem at once, in file order, with lines", () => {
    const text = `defaultAction: maybe
rules:
  - name: ok
    action: approve
    reason: r
    match: { groupIds: blob }
  - name: ok
    acton: approve
    match:
      requestMessage: "("
`;
    const error = (() => {
      try {
        loadPolicy(text, { source: "policy.yaml" });
      } catch (e) {
        return e as PolicyError;
      }
      throw new Error("expected the policy not to load");
    })();
    expect(error).toBeInstanceOf(TypeError);
    expect(error.name).toBe("PolicyError");
    expect(error.source).toBe("policy.yaml");
    expect(error.issues.map((i) => [i.path, i.line])).toEqual([
      ["defaultAction", 1],
      ["rules[0].match.groupIds", 6],
      ["rules[1].action", 7],
      ["rules[1].reason", 7],
      ["rules[1].name", 7],
      ["rules[1].acton", 8],
      ["rules[1].match.requestMessage", 10],
    ]);
    expect(error.message).toMatch(/^Invalid policy in policy\.yaml: 7 problems\n {2}defaultAction: expected one of approve, reject, leavePending, got "maybe" \(line 1\)\n/);
    expect(error.cause).toBeDefined();
  });

  it("says 1 problem, and leaves the source out when there is none", () => {
    expect(() => loadPolicy("defaultAction: 1")).toThrow(/^Invalid policy: 1 problem\n {2}defaultAction: /);
  });

  it.each<[string, string, string]>([
    ["an empty document", "", "(root): expected a policy mapping with defaultAction and rules, got null"],
    ["a scalar document", "approve", '(root): expected a policy mapping with defaultAction and rules, got "approve"'],
    ["a list document", "- a", "(root): expected a policy mapping with defaultAction and rules, got an array of 1"],
    ["broken YAML", "rules: [\n", "(root): expected valid YAML: "],
    ["duplicate YAML keys", "defaultAction: approve\ndefaultAction: reject\n", "(root): expected valid YAML: Map keys must be unique"],
    ["two documents", "rules: []\n---\nrules: []\n", "(root): expected valid YAML: Source contains multiple documents"],
  ])("reports %s", (_what, text, message) => {
    const [first] = messagesOf(text);
    expect(first).toContain(message);
  });

  it("gives YAML syntax errors their line", () => {
    expect(issuesOf("rules:\n  - name: a\n   action: approve\n")[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it("refuses a document that expands aliases without bound", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]", "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]", "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]"].join("\n");
    expect(messagesOf(bomb)).toEqual([expect.stringContaining("(root): expected valid YAML with few aliases")]);
  });

  it("throws a PolicyError for text that is not a string", () => {
    expect(() => loadPolicy(42 as unknown as string)).toThrow(PolicyError);
    expect(() => loadPolicy(42 as unknown as string)).toThrow("expected the policy text as a string, got number");
  });

  it("quotes keys that are not identifiers in paths", () => {
    expect(messagesOf("rules: [{ name: a, action: approve, reason: r, match: { targetTags: { 'cost center': 1 } } }]")[0]).toMatch(/^rules\[0\]\.match\.targetTags\["cost center"\]: /);
  });
});

describe("formatPath", () => {
  it("writes array indexes in brackets, identifiers with dots and other keys quoted", () => {
    expect(formatPath([])).toBe("(root)");
    expect(formatPath(["rules", 2, "match", "groupIds", 0])).toBe("rules[2].match.groupIds[0]");
    expect(formatPath(["rules", 0, "match", "targetTags", "a.b"])).toBe('rules[0].match.targetTags["a.b"]');
    expect(formatPath(["$schema"])).toBe("$schema");
    expect(formatPath([Symbol.for("s")])).toBe('["Symbol(s)"]');
  });
});
