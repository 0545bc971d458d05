/**
 * @module The ARM error: an HTTP status plus the `{ error: { code, message } }` body every ARM
 * endpoint returns on failure.
 */

/** Thrown by route handlers; the server turns it into an ARM error response. */
export class ArmError extends Error {
  override readonly name = "ArmError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The ARM error body. */
  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** 404 for a missing resource, worded as ARM words it. */
export function resourceNotFound(type: string, name: string, resourceGroup: string | undefined): ArmError {
  const where = resourceGroup === undefined ? "" : ` under resource group '${resourceGroup}'`;
  return new ArmError(404, "ResourceNotFound", `The Resource '${type}/${name}'${where} was not found.`);
}

/** 400 for a request body that is not what the operation expects. */
export function badRequest(message: string, code = "BadRequest"): ArmError {
  return new ArmError(400, code, message);
}
