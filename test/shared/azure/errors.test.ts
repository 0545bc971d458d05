import { RestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { ArmRequestError, PermissionDeniedError, PreconditionFailedError, armRead, isTransientArmError, toArmError } from "../../../shared/azure/errors";
import { ArmOperations } from "../../../shared/azure/operations";

const VAULT = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv1";
const PEC = `${VAULT}/privateEndpointConnections/pec1`;

describe("toArmError", () => {
  it("turns a 412 into PreconditionFailed, keeping the RestError as cause", () => {
    const cause = new RestError("The precondition given in one of the request headers evaluated to false.", { statusCode: 412, code: "PreconditionFailed" });
    const error = toArmError(cause, { operation: ArmOperations.upsertARecord, scope: "/zone/A/x" });
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect((error as Error).name).toBe("PreconditionFailed");
    expect((error as Error).cause).toBe(cause);
  });

  it("turns a 403 into PermissionDenied naming the RBAC actions for that resource type and the scope", () => {
    const cause = new RestError("The client does not have authorization to perform action", { statusCode: 403, code: "AuthorizationFailed" });
    const error = toArmError(cause, { operation: ArmOperations.approveConnection, scope: PEC, parameters: { resourceType: "Microsoft.KeyVault/vaults" } });
    expect(error).toBeInstanceOf(PermissionDeniedError);
    const denied = error as PermissionDeniedError;
    expect(denied.name).toBe("PermissionDenied");
    expect(denied.actions).toEqual(["Microsoft.KeyVault/vaults/privateEndpointConnections/write", "Microsoft.KeyVault/locations/operationResults/read"]);
    expect(denied.scope).toBe(PEC);
    expect(denied.message).toContain("Microsoft.KeyVault/vaults/privateEndpointConnections/write");
    expect(denied.message).toContain(PEC);
    expect(denied.cause).toBe(cause);
  });

  it("names the record type in a denied DNS delete", () => {
    const error = toArmError(new RestError("denied", { statusCode: 403 }), { operation: ArmOperations.deleteRecordSet, scope: "zone", parameters: { recordType: "CNAME" } });
    expect((error as PermissionDeniedError).actions).toEqual(["Microsoft.Network/privateDnsZones/CNAME/delete"]);
  });

  it("wraps any other RestError with the operation, status and code, and the cause", () => {
    const cause = new RestError("boom", { statusCode: 409, code: "Conflict" });
    const error = toArmError(cause, { operation: ArmOperations.getConnection, scope: PEC });
    expect(error).toBeInstanceOf(ArmRequestError);
    expect(error).toMatchObject({ statusCode: 409, code: "Conflict", operation: "getConnection", cause });
    expect((error as Error).message).toContain("getConnection");
    expect((error as Error).message).toContain("409");
  });

  it("passes errors that are not from ARM through unchanged", () => {
    const error = new TypeError("bad id");
    expect(toArmError(error, { operation: ArmOperations.getConnection, scope: PEC })).toBe(error);
  });
});

describe("armRead", () => {
  it("reads a 404 as gone", async () => {
    await expect(armRead({ operation: ArmOperations.getConnection, scope: PEC }, () => Promise.reject(new RestError("nf", { statusCode: 404, code: "ResourceNotFound" })))).resolves.toBeUndefined();
  });
});

describe("isTransientArmError", () => {
  const rest = (statusCode: number | undefined, code?: string) => new RestError("x", { statusCode, code });

  it.each([408, 429, 500, 502, 503, 504])("retries HTTP %i", (status) => {
    expect(isTransientArmError(rest(status))).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 412, 501, 505])("does not retry HTTP %i", (status) => {
    expect(isTransientArmError(rest(status))).toBe(false);
  });

  it.each(["ECONNRESET", "ETIMEDOUT", "ECONNREFUSED", "REQUEST_SEND_ERROR"])("retries the socket error %s", (code) => {
    expect(isTransientArmError(rest(undefined, code))).toBe(true);
  });

  it("looks through the cause chain of wrapped errors", () => {
    const wrapped = toArmError(rest(503, "ServiceUnavailable"), { operation: ArmOperations.listRecordSets, scope: "zone" });
    expect(isTransientArmError(new Error("activity failed", { cause: wrapped }))).toBe(true);
    expect(isTransientArmError(toArmError(rest(412), { operation: ArmOperations.upsertARecord, scope: "r" }))).toBe(false);
    expect(isTransientArmError(toArmError(rest(403), { operation: ArmOperations.upsertARecord, scope: "r" }))).toBe(false);
  });

  it("treats timeouts as transient and plain errors as permanent", () => {
    const timeout = new Error("timed out");
    timeout.name = "TimeoutError";
    expect(isTransientArmError(timeout)).toBe(true);
    expect(isTransientArmError(new TypeError("bad input"))).toBe(false);
    expect(isTransientArmError(undefined)).toBe(false);
    expect(isTransientArmError("503")).toBe(false);
  });
});
