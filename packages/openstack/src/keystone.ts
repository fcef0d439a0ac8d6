// A Keystone v3 session: it authenticates as the cloud's settings say
// (password, application credential or token; scoped to the project),
// keeps the token and renews it before it expires, finds a service's
// endpoint in the catalog (region, interface), and makes requests with the
// token, authenticating again once when a service answers 401. TLS follows
// the cloud's cacert and insecure settings. The token and secrets never
// leave this object (no logging, no errors that quote them).
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch, type Dispatcher, type RequestInit, type Response } from 'undici';
import type { CloudConfig } from './clouds.ts';

/** Keystone answered, but not with a token (its message, as it gave it). */
export class KeystoneError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface CatalogEndpoint {
  url: string;
  interface: string;
  region?: string;
  region_id?: string;
}

interface CatalogEntry {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

interface TokenState {
  token: string;
  expiresAt: number;
  catalog: CatalogEntry[];
  projectId: string | null;
}

/** A token is renewed when less than this is left of it. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** The body of POST /v3/auth/tokens for the cloud's auth type. */
export function authRequest(config: CloudConfig): unknown {
  // As openstacksdk: a domain's id wins over its name; domain_id/domain_name stand in for the user's and
  // the project's domains when those are not given.
  const pick = (id?: string, name?: string) => (id ? { id } : name ? { name } : null);
  const fallback = pick(config.domainId, config.domainName);
  const userDomain = pick(config.userDomainId, config.userDomainName) ?? fallback ?? { name: 'Default' };
  const projectDomain = pick(config.projectDomainId, config.projectDomainName) ?? fallback ?? userDomain;
  const domain = (name?: string, id?: string) => pick(id, name) ?? userDomain;
  const scope = () => {
    if (config.projectId) return { project: { id: config.projectId } };
    if (config.projectName) return { project: { name: config.projectName, domain: projectDomain } };
    if (fallback) return { domain: fallback };
    return undefined;
  };
  switch (config.authType) {
    case 'v3applicationcredential': {
      if (!config.applicationCredentialSecret) throw new KeystoneError('The cloud gives no application_credential_secret.', 0);
      const credential = config.applicationCredentialId
        ? { id: config.applicationCredentialId, secret: config.applicationCredentialSecret }
        : {
            name: config.applicationCredentialName,
            secret: config.applicationCredentialSecret,
            user: config.userId
              ? { id: config.userId }
              : { name: config.username, domain: domain(config.userDomainName, config.userDomainId) },
          };
      // An application credential is scoped to its project already.
      return { auth: { identity: { methods: ['application_credential'], application_credential: credential } } };
    }
    case 'token': {
      if (!config.token) throw new KeystoneError('The cloud gives no token.', 0);
      const s = scope();
      return { auth: { identity: { methods: ['token'], token: { id: config.token } }, ...(s ? { scope: s } : {}) } };
    }
    default: {
      if (!config.password) throw new KeystoneError('The cloud gives no password.', 0);
      const user = config.userId
        ? { id: config.userId, password: config.password }
        : { name: config.username, domain: domain(config.userDomainName, config.userDomainId), password: config.password };
      const s = scope();
      return { auth: { identity: { methods: ['password'], password: { user } }, ...(s ? { scope: s } : {}) } };
    }
  }
}

/** Keystone's error body's message, without anything else it echoes. */
async function keystoneMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string; title?: string } };
    return body.error?.message ?? body.error?.title ?? response.statusText;
  } catch {
    return response.statusText;
  }
}

export class KeystoneSession {
  private state: TokenState | null = null;
  private pending: Promise<TokenState> | null = null;
  private readonly dispatcher: Dispatcher;

  constructor(
    readonly config: CloudConfig,
    private readonly now: () => number = Date.now,
  ) {
    const ca = config.cacert ? readFileSync(config.cacert, 'utf8') : undefined;
    this.dispatcher = new Agent({ connect: { rejectUnauthorized: !config.insecure, ...(ca ? { ca } : {}) } });
  }

  /** A fetch over this cloud's TLS settings, without a token (what Keystone itself is asked with). */
  plainFetch(url: string, init: RequestInit = {}): Promise<Response> {
    return undiciFetch(url, { ...init, dispatcher: this.dispatcher });
  }

  private async authenticate(): Promise<TokenState> {
    const base = this.config.authUrl.replace(/\/+$/, '');
    const url = /\/v3$/.test(base) ? `${base}/auth/tokens` : `${base}/v3/auth/tokens`;
    const response = await this.plainFetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(authRequest(this.config)),
    });
    if (response.status !== 201 && response.status !== 200)
      throw new KeystoneError(
        `Keystone refused the credentials of cloud ${this.config.name}: ${await keystoneMessage(response)}`,
        response.status,
      );
    const token = response.headers.get('x-subject-token');
    const body = (await response.json()) as { token: { expires_at: string; catalog?: CatalogEntry[]; project?: { id: string } } };
    if (!token) throw new KeystoneError('Keystone answered without an X-Subject-Token.', response.status);
    return {
      token,
      expiresAt: Date.parse(body.token.expires_at),
      catalog: body.token.catalog ?? [],
      projectId: body.token.project?.id ?? null,
    };
  }

  private async current(): Promise<TokenState> {
    const state = this.state;
    if (state && state.expiresAt - this.now() > RENEW_BEFORE_MS) return state;
    // One authentication at a time, whoever asks.
    this.pending ??= this.authenticate().finally(() => {
      this.pending = null;
    });
    this.state = await this.pending;
    return this.state;
  }

  /** The token, renewed when it is about to expire. */
  async token(): Promise<string> {
    return (await this.current()).token;
  }

  /** The project the token is scoped to. */
  async projectId(): Promise<string | null> {
    return (await this.current()).projectId;
  }

  /** A service's endpoint: the override, else the catalog's for the cloud's region and interface. */
  async endpoint(type: string, override?: string): Promise<string> {
    if (override) return override.replace(/\/+$/, '');
    const { catalog } = await this.current();
    const entry = catalog.find((e) => e.type === type);
    if (!entry) throw new KeystoneError(`The catalog of cloud ${this.config.name} has no ${type} service.`, 0);
    const region = this.config.regionName;
    const found = entry.endpoints.find(
      (e) => e.interface === this.config.interface && (!region || e.region === region || e.region_id === region),
    );
    if (!found)
      throw new KeystoneError(
        `The catalog of cloud ${this.config.name} has no ${this.config.interface} ${type} endpoint${region ? ` in region ${region}` : ''}.`,
        0,
      );
    return found.url.replace(/\/+$/, '');
  }

  /** A request with the token; a 401 (the token revoked or expired early) authenticates again once. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const send = async () =>
      this.plainFetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), 'X-Auth-Token': await this.token() } });
    const response = await send();
    if (response.status !== 401) return response;
    await response.body?.cancel();
    this.state = null;
    return send();
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
