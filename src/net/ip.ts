/**
 * Telling IP literals from host names, without a runtime API: a host given as an IP
 * literal is used as it is; any other host is resolved first.
 *
 * @module
 */

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether `host` is an IPv4 literal in dotted-quad form ("127.0.0.1"). */
export function isIPv4(host: string): boolean {
  return IPV4.test(host);
}

/** Whether `host` is an IPv6 literal ("::1"), without brackets. */
export function isIPv6(host: string): boolean {
  if (!host.includes(":") || host.includes("[") || host.includes("]") || host.includes("/")) return false;
  try {
    // The WHATWG URL parser implements the full IPv6 grammar (compressed zeros, an
    // embedded IPv4 tail) and is a web standard present on every runtime.
    new URL(`http://[${host}]/`);
    return true;
  } catch {
    return false;
  }
}

/** The family of an IP literal, or undefined for anything else (a host name). */
export function ipFamily(host: string): "IPv4" | "IPv6" | undefined {
  return isIPv4(host) ? "IPv4" : isIPv6(host) ? "IPv6" : undefined;
}
