// What keeps a server on loopback from being driven by the web pages open in the user's browser:
// the Host header must name the address it is bound to (a DNS-rebinding page's Host is its own
// domain), a browser's Origin must be the server itself or one listed with --cors-origin (CORS
// headers go to listed origins only), and with --api-key every request must carry it as a Bearer
// token. JSON bodies must say so (415 otherwise: a form or text/plain post needs no preflight).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError } from './http.js';

export interface SecurityOptions {
  /** Origins (scheme://host[:port]) whose pages may call the server; '*' allows any. Default: none. */
  corsOrigins?: readonly string[];
  /** Host names accepted besides the bound address and the loopback names; '*' accepts any. */
  allowedHosts?: readonly string[];
  /** When set, every request needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const isLoopback = (address: string) => address === '::1' || address.startsWith('127.') || address === 'localhost';

export class RequestGuard {
  readonly #origins: ReadonlySet<string>;
  readonly #hosts: ReadonlySet<string>;
  readonly #keyHash?: Buffer;

  constructor(opts: SecurityOptions) {
    this.#origins = new Set((opts.corsOrigins ?? []).map((o) => (o === '*' ? o : normalizeOrigin(o))));
    this.#hosts = new Set((opts.allowedHosts ?? []).map((h) => h.toLowerCase()));
    if (opts.apiKey !== undefined) {
      if (!opts.apiKey) throw new Error('the API key is empty');
      this.#keyHash = sha256(opts.apiKey);
    }
  }

  /** Throws 403 for a Host or Origin the server does not answer, 401 without the API key; sets CORS headers for listed origins. */
  check(req: IncomingMessage, res: ServerResponse, address: AddressInfo | null): void {
    this.#checkHost(req.headers.host, address);
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) {
      const allowed = this.#origins.has('*') || this.#origins.has(originOf(origin) ?? '');
      if (!allowed) throw new HttpError(403, `requests from web pages at ${origin} are refused; start the server with --cors-origin ${origin} to allow them`);
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    }
    // a preflight carries no credentials: the request it announces will
    if (req.method !== 'OPTIONS') this.#checkKey(req.headers.authorization);
  }

  #checkHost(host: string | undefined, address: AddressInfo | null): void {
    if (this.#hosts.has('*')) return;
    if (!host) throw new HttpError(400, 'the request has no Host header');
    let url: URL;
    try {
      url = new URL(`http://${host}`);
    } catch {
      throw new HttpError(400, `the Host header ${JSON.stringify(host)} is not a host name`);
    }
    const name = url.hostname.toLowerCase();
    const port = url.port || '80';
    if (address && port !== String(address.port)) throw new HttpError(403, `Host ${host} is not this server's port ${address.port}`);
    const bound = address ? (address.family === 'IPv6' ? `[${address.address}]` : address.address) : '';
    const known = this.#hosts.has(name) || name === bound || (LOOPBACK_NAMES.includes(name) && (!address || isLoopback(address.address) || isUnspecified(address.address)));
    if (!known) throw new HttpError(403, `Host ${host} is not allowed: this server answers ${address && !isLoopback(address.address) ? `${bound} and ` : ''}localhost; start it with --allow-host ${name} to accept it`);
  }

  #checkKey(authorization: string | undefined): void {
    if (!this.#keyHash) return;
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!match) throw new HttpError(401, "this server needs an API key: send it as 'Authorization: Bearer <key>'", undefined, 'invalid_api_key');
    if (!timingSafeEqual(sha256(match[1].trim()), this.#keyHash)) throw new HttpError(401, 'Incorrect API key provided', undefined, 'invalid_api_key');
  }
}

const isUnspecified = (address: string) => address === '0.0.0.0' || address === '::';

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** An origin as browsers send it: lowercase scheme and host, no default port, no path; undefined for 'null' and the like. */
function originOf(origin: string): string | undefined {
  try {
    const o = new URL(origin).origin;
    return o === 'null' ? undefined : o;
  } catch {
    return undefined;
  }
}

/** A --cors-origin value checked: an origin like http://localhost:3000. */
export function normalizeOrigin(origin: string): string {
  const o = originOf(origin);
  if (!o) throw new Error(`${JSON.stringify(origin)} is not an origin like http://localhost:3000`);
  return o;
}
