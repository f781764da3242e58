/**
 * Name resolution. AnyIO's `getaddrinfo` and `getnameinfo`.
 *
 * @module
 */
import { abandonOnCancel } from "../core/foreign.ts";
import { getBackend } from "../core/run.ts";
import { checkOptions } from "../sync/checks.ts";
import { checkFamily, checkHost, checkPort } from "./checks.ts";
import { ipFamily } from "./ip.ts";

/** One address a host name resolved to. */
export interface AddressInfo {
  readonly family: "IPv4" | "IPv6";
  /** An IP literal. */
  readonly address: string;
  /** The port asked for (0 when none was). */
  readonly port: number;
}

/** Options of {@link getaddrinfo}. */
export interface GetaddrinfoOptions {
  /** Only addresses of this family; both when undefined. */
  family?: "IPv4" | "IPv6";
}

/**
 * Resolves `host` to its addresses, as the system resolver does (so /etc/hosts counts),
 * in the resolver's order, without duplicates. An IP literal resolves to itself.
 * Non-ASCII host names are IDNA-encoded first. A checkpoint: cancellation abandons the
 * lookup at once.
 *
 * @throws {TypeError} if `host` is not a non-empty string, or `family` is not valid.
 * @throws {RangeError} if `port` is not a whole number from 0 to 65535.
 * @throws the runtime's error (code ENOTFOUND, say) when the name does not resolve.
 *
 * @example
 * ```ts
 * import { getaddrinfo } from "structio";
 *
 * for (const { family, address } of await getaddrinfo("localhost", 80)) console.log(family, address);
 * ```
 */
export async function getaddrinfo(host: string, port = 0, options?: GetaddrinfoOptions): Promise<AddressInfo[]> {
  checkHost(host, "host");
  checkPort(port, "port", 0);
  const family = checkFamily(checkOptions(options).family, "options.family");
  const literal = ipFamily(host);
  if (literal !== undefined) {
    await abandonOnCancel(Promise.resolve());
    return literal === family || family === undefined ? [{ family: literal, address: host, port }] : [];
  }
  // The function form checks for cancellation before the lookup starts: a lookup cannot
  // be stopped once running, so none is started in a cancelled scope.
  const ascii = toAscii(host);
  const found = await abandonOnCancel(() => getBackend().net.getaddrinfo(ascii, family));
  const seen = new Set<string>();
  const result: AddressInfo[] = [];
  for (const entry of found) {
    if (seen.has(entry.address)) continue;
    seen.add(entry.address);
    result.push({ family: entry.family, address: entry.address, port });
  }
  return result;
}

/**
 * Looks up the host name of an address and the service name of a port, as the system
 * resolver does. A checkpoint: cancellation abandons the lookup at once.
 *
 * @throws {TypeError} if `address` is not an IP literal.
 * @throws {RangeError} if `port` is not a whole number from 0 to 65535.
 *
 * @example
 * ```ts
 * import { getnameinfo } from "structio";
 *
 * const { host, service } = await getnameinfo("127.0.0.1", 22);
 * console.log(host, service); // "localhost" "ssh", on most systems
 * ```
 */
export async function getnameinfo(address: string, port: number): Promise<{ host: string; service: string }> {
  checkHost(address, "address");
  if (ipFamily(address) === undefined) throw new TypeError(`address must be an IP literal, not ${JSON.stringify(address)}`);
  checkPort(port, "port", 0);
  return await abandonOnCancel(() => getBackend().net.getnameinfo(address, port));
}

/**
 * The ASCII (IDNA) form of a host name: "bücher.example" becomes
 * "xn--bcher-kva.example". The WHATWG URL parser does the IDNA mapping on every runtime.
 */
function toAscii(host: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(host)) return host;
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    throw new TypeError(`host is not a valid host name: ${JSON.stringify(host)}`);
  }
}
