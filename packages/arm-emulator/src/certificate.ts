/**
 * @module The emulator's self-signed TLS certificate (sha256, SANs localhost and 127.0.0.1), which
 * clients trust per client with `tlsOptions: { ca }`.
 */
import { generate } from "selfsigned";

export interface Certificate {
  key: string;
  cert: string;
}

export async function createCertificate(): Promise<Certificate> {
  const notAfterDate = new Date(Date.now() + 30 * 24 * 3600 * 1000);
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    algorithm: "sha256",
    keySize: 2048,
    notAfterDate,
    extensions: [
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
