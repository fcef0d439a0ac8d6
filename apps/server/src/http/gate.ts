// Which requests may reach Hearth at all, before any token is looked at.
//
// A server on loopback is still reachable from any web page the user opens:
// a page on attacker.example whose name is re-pointed at 127.0.0.1 (DNS
// rebinding) sends requests that look same-origin to the browser, and any
// page can send cross-site GETs and form POSTs. So every request must name
// this server in its Host header, a browser's Origin must be this server's
// own, and requests a browser marks as coming from another site never reach
// the API or the signal endpoints.
import type { IncomingHttpHeaders } from 'node:http';
import { networkInterfaces } from 'node:os';

export interface GateOptions {
  /** The address the server listens on. */
  host: string;
  /** The address users and machines reach it at (`--public-url`), when it is not the listening one. */
  publicUrl?: string | undefined;
  /** More names the operator allows (`--allow-host`): a reverse proxy's, a machine's DNS name. */
  allowHosts?: readonly string[] | undefined;
}

export interface Refusal {
  status: number;
  message: string;
}

/** What part of the server a request is for: pages may be linked to from elsewhere, the API may not be called from elsewhere. */
export type Destination = 'page' | 'api';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** A host name as compared here: lower case, without IPv6 brackets or a trailing dot. */
export function normalizeHostname(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/** The host name of a Host header value ("name:port", "[v6]:port"), or null when it is not one. */
export function hostOfHeader(value: string): string | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]@]+)(?::(\d{1,5}))?$/.exec(value.trim());
  return match ? normalizeHostname(match[1]!) : null;
}

function shown(name: string): string {
  return name.includes(':') ? `[${name}]` : name;
}

export class RequestGate {
  /** Host names this server answers to. */
  private readonly names: Set<string>;
  /** Origins of pages, other than the server's own, that may call the API (the public URL's). */
  private readonly origins: Set<string>;

  constructor(options: GateOptions) {
    const names = new Set(LOOPBACK_NAMES);
    const bound = normalizeHostname(options.host);
    if (WILDCARDS.has(bound)) {
      // Listening on every address: this machine's own addresses are its names.
      for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(normalizeHostname(a.address));
    } else {
      names.add(bound);
    }
    this.origins = new Set();
    if (options.publicUrl) {
      const url = new URL(options.publicUrl);
      names.add(normalizeHostname(url.hostname));
      this.origins.add(url.origin);
    }
    for (const name of options.allowHosts ?? []) names.add(normalizeHostname(name));
    this.names = names;
  }

  /** The names this server answers to, as a user would write them. */
  allowedNames(): string[] {
    return [...this.names].map(shown);
  }

  /** Null when the request may go on; otherwise why not (and how to allow it, when that is the operator's call). */
  check(headers: IncomingHttpHeaders, destination: Destination): Refusal | null {
    const hostHeader = headers.host;
    if (!hostHeader) return { status: 400, message: 'Hearth refused a request without a Host header.' };
    const host = hostOfHeader(hostHeader);
    if (host === null || !this.names.has(host)) {
      const name = host ?? hostHeader;
      return {
        status: 403,
        message:
          `Hearth refused a request addressed to "${hostHeader}": this server answers only to ${this.allowedNames().join(', ')}. ` +
          `If you reach Hearth by that name (a reverse proxy, a DNS name), start it with --allow-host ${name} ` +
          `or --public-url http://${hostHeader} (HEARTH_ALLOW_HOSTS / HEARTH_PUBLIC_URL).`,
      };
    }
    if (destination === 'page') return null;
    const site = headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') {
      return {
        status: 403,
        message: `Hearth refused a request another site's page made (Sec-Fetch-Site: ${site}): only Hearth's own pages may use its API.`,
      };
    }
    const origin = headers.origin;
    if (origin !== undefined && !this.originAllowed(origin, hostHeader)) {
      return {
        status: 403,
        message: `Hearth refused a request from the page at ${origin}: only Hearth's own pages (${this.allowedNames().join(', ')}) may use its API.`,
      };
    }
    return null;
  }

  private originAllowed(origin: string, hostHeader: string): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // "null" (sandboxed frames, file: pages) and anything unparsable
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    // The page came from this very address (same origin), or from the public address it is published at.
    if (url.host.toLowerCase() === hostHeader.trim().toLowerCase()) return true;
    return this.origins.has(url.origin);
  }
}
