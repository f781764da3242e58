/**
 * The TLS options of clients and servers, and their checks.
 *
 * @module
 */
import type { TlsClientSettings, TlsServerSettings } from "../backends/net.ts";
import { checkBoolean, checkOptions } from "../sync/checks.ts";

/** A PEM text, as a string or as its bytes. */
export type Pem = string | Uint8Array;

/**
 * TLS options of a client. Verification is on unless `insecureSkipVerify` says
 * otherwise: the server's certificate must chain to a trusted CA and name `serverName`.
 *
 * @example
 * ```ts
 * import type { TlsClientOptions } from "structio";
 *
 * const options: TlsClientOptions = { serverName: "example.com", alpnProtocols: ["h2", "http/1.1"] };
 * ```
 */
export interface TlsClientOptions {
  /** The name to verify the server's certificate against and to send with SNI (default: the host connected to). */
  serverName?: string;
  /** Trusted CA certificates in PEM, replacing the system's. */
  ca?: Pem | readonly Pem[];
  /** A client certificate in PEM, for servers that ask for one (with `key`). */
  cert?: Pem;
  /** The client certificate's private key in PEM. */
  key?: Pem;
  /** Protocols to offer with ALPN, most preferred first. */
  alpnProtocols?: readonly string[];
  /** Skips verifying the server's certificate. INSECURE: anyone in between can read and change the traffic. */
  insecureSkipVerify?: boolean;
}

/**
 * TLS options of a server.
 *
 * @example
 * ```ts
 * import type { TlsServerOptions } from "structio";
 *
 * declare const certPem: string, keyPem: string;
 * const options: TlsServerOptions = { cert: certPem, key: keyPem, alpnProtocols: ["http/1.1"] };
 * ```
 */
export interface TlsServerOptions {
  /** The server's certificate (chain) in PEM. */
  cert: Pem;
  /** The certificate's private key in PEM. */
  key: Pem;
  /** CAs trusted for client certificates, in PEM. */
  ca?: Pem | readonly Pem[];
  /** Asks for a client certificate and fails the handshake without a valid one (default false). */
  requireClientCert?: boolean;
  /** Protocols to accept with ALPN, most preferred first. */
  alpnProtocols?: readonly string[];
}

const decoder = new TextDecoder();

function pem(value: unknown, name: string): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return decoder.decode(value);
  throw new TypeError(`${name} must be a PEM string or Uint8Array, not ${value === null ? "null" : typeof value}`);
}

function optionalPem(value: unknown, name: string): string | undefined {
  return value === undefined ? undefined : pem(value, name);
}

function pemList(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((item, index) => pem(item, `${name}[${index}]`));
  return [pem(value, name)];
}

function protocols(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of strings`);
  for (const [index, item] of value.entries()) {
    if (typeof item !== "string" || item === "" || item.length > 255) {
      throw new TypeError(`${name}[${index}] must be a string of 1 to 255 characters`);
    }
  }
  return [...value];
}

/** Checks client options; `defaultServerName` is the host connected to, if known. */
export function clientSettings(options: unknown, prefix: string, defaultServerName?: string): TlsClientSettings {
  const o = checkOptions(options as TlsClientOptions | undefined);
  if (o.serverName !== undefined && (typeof o.serverName !== "string" || o.serverName === "")) {
    throw new TypeError(`${prefix}.serverName must be a non-empty string`);
  }
  const cert = optionalPem(o.cert, `${prefix}.cert`);
  const key = optionalPem(o.key, `${prefix}.key`);
  if ((cert === undefined) !== (key === undefined)) throw new TypeError(`${prefix}.cert and ${prefix}.key must be given together`);
  return {
    serverName: o.serverName ?? defaultServerName,
    ca: pemList(o.ca, `${prefix}.ca`),
    cert,
    key,
    alpnProtocols: protocols(o.alpnProtocols, `${prefix}.alpnProtocols`),
    insecureSkipVerify: checkBoolean(o.insecureSkipVerify, `${prefix}.insecureSkipVerify`, false),
  };
}

/** Checks server options. */
export function serverSettings(options: unknown, prefix: string): TlsServerSettings {
  if (typeof options !== "object" || options === null) throw new TypeError(`${prefix} must be an object with cert and key`);
  const o = options as Partial<TlsServerOptions>;
  if (o.cert === undefined) throw new TypeError(`${prefix}.cert is required`);
  if (o.key === undefined) throw new TypeError(`${prefix}.key is required`);
  return {
    cert: pem(o.cert, `${prefix}.cert`),
    key: pem(o.key, `${prefix}.key`),
    ca: pemList(o.ca, `${prefix}.ca`),
    requireClientCert: checkBoolean(o.requireClientCert, `${prefix}.requireClientCert`, false),
    alpnProtocols: protocols(o.alpnProtocols, `${prefix}.alpnProtocols`),
  };
}
