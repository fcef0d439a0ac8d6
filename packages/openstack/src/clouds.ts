// Which cloud to talk to, read as the `openstack` CLI reads it
// (openstacksdk's config loader): clouds.yaml from ./, ~/.config/openstack/
// and /etc/openstack/ (the first found), secure.yaml beside it merged over
// it, then the OS_* environment variables, for the cloud --os-cloud or
// OS_CLOUD names (or the OS_* variables alone when none is named).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

export type AuthType = 'password' | 'v3applicationcredential' | 'token';

/** A cloud's settings, as Hearth uses them. Secrets stay on the server. */
export interface CloudConfig {
  /** The cloud's name in clouds.yaml, or "envvars" for OS_* alone. */
  name: string;
  authType: AuthType;
  authUrl: string;
  username?: string;
  userId?: string;
  password?: string;
  userDomainName?: string;
  userDomainId?: string;
  projectName?: string;
  projectId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
  domainName?: string;
  domainId?: string;
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
  token?: string;
  regionName?: string;
  /** public (the default), internal or admin. */
  interface: 'public' | 'internal' | 'admin';
  /** An orchestration endpoint to use instead of the catalog's. */
  orchestrationEndpoint?: string;
  /** A CA bundle (PEM file path) to trust; `insecure` skips the check. */
  cacert?: string;
  insecure: boolean;
}

export class CloudConfigError extends Error {}

type Doc = Record<string, unknown>;
const isDoc = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The places clouds.yaml (and secure.yaml) are looked for, in order. */
export function configDirs(cwd = process.cwd(), home = homedir()): string[] {
  return [cwd, join(home, '.config', 'openstack'), '/etc/openstack'];
}

function readYaml(path: string): Doc {
  let doc: unknown;
  try {
    // prettyErrors off: the message must not quote the file (secure.yaml holds passwords).
    doc = parse(readFileSync(path, 'utf8'), { prettyErrors: false });
  } catch (error) {
    throw new CloudConfigError(`${path} cannot be read: ${(error as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isDoc(doc)) throw new CloudConfigError(`${path} is not a mapping.`);
  return doc;
}

function merge(base: Doc, over: Doc): Doc {
  const out: Doc = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isDoc(v) && isDoc(out[k]) ? merge(out[k], v) : v;
  return out;
}

/** clouds.yaml's `clouds`, with secure.yaml's merged over them, from the first place that has a clouds.yaml (OS_CLIENT_CONFIG_FILE first). */
export function readClouds(env: NodeJS.ProcessEnv = process.env, dirs = configDirs()): { clouds: Doc; file: string | null } {
  const files = [env.OS_CLIENT_CONFIG_FILE, ...dirs.map((d) => join(d, 'clouds.yaml'))].filter((f): f is string => Boolean(f));
  const file = files.find((f) => existsSync(f)) ?? null;
  if (!file) return { clouds: {}, file: null };
  const listed = readYaml(file).clouds ?? {};
  if (!isDoc(listed)) throw new CloudConfigError(`${file}: "clouds" is not a mapping.`);
  let clouds: Doc = listed;
  const secureFiles = [env.OS_CLIENT_SECURE_FILE, join(dirname(file), 'secure.yaml'), ...dirs.map((d) => join(d, 'secure.yaml'))];
  const secure = secureFiles.find((f): f is string => Boolean(f) && existsSync(f!));
  if (secure) {
    const extra = readYaml(secure).clouds;
    if (isDoc(extra)) clouds = merge(clouds, extra);
  }
  return { clouds, file };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

function bool(v: unknown): boolean {
  return v === true || (typeof v === 'string' && ['1', 'true', 'yes', 'on'].includes(v.toLowerCase()));
}

/** The OS_* variables as clouds.yaml keys (auth ones under `auth`). */
function fromEnv(env: NodeJS.ProcessEnv): Doc {
  const auth: Doc = {};
  const top: Doc = {};
  const AUTH_KEYS = [
    'auth_url',
    'username',
    'user_id',
    'password',
    'user_domain_name',
    'user_domain_id',
    'project_name',
    'project_id',
    'project_domain_name',
    'project_domain_id',
    'domain_name',
    'domain_id',
    'application_credential_id',
    'application_credential_name',
    'application_credential_secret',
    'token',
  ];
  for (const key of AUTH_KEYS) {
    const v = env[`OS_${key.toUpperCase()}`];
    if (v) auth[key] = v;
  }
  // The older names the CLI still honours.
  if (!auth.project_name && env.OS_TENANT_NAME) auth.project_name = env.OS_TENANT_NAME;
  if (!auth.project_id && env.OS_TENANT_ID) auth.project_id = env.OS_TENANT_ID;
  if (Object.keys(auth).length) top.auth = auth;
  if (env.OS_AUTH_TYPE) top.auth_type = env.OS_AUTH_TYPE;
  if (env.OS_REGION_NAME) top.region_name = env.OS_REGION_NAME;
  if (env.OS_INTERFACE) top.interface = env.OS_INTERFACE;
  if (env.OS_CACERT) top.cacert = env.OS_CACERT;
  if (env.OS_INSECURE) top.verify = !bool(env.OS_INSECURE);
  if (env.OS_ORCHESTRATION_ENDPOINT_OVERRIDE) top.orchestration_endpoint_override = env.OS_ORCHESTRATION_ENDPOINT_OVERRIDE;
  return top;
}

function authTypeOf(raw: Doc, auth: Doc, cloud: string): AuthType {
  const given = str(raw.auth_type);
  if (!given) return auth.application_credential_secret ? 'v3applicationcredential' : auth.token && !auth.password ? 'token' : 'password';
  const normal = given.replace(/^v3/, '').replace(/^v2/, '');
  if (normal === 'password') return 'password';
  if (normal === 'applicationcredential') return 'v3applicationcredential';
  if (normal === 'token') return 'token';
  throw new CloudConfigError(`Cloud ${cloud}: auth_type ${given} is not one Hearth supports (password, v3applicationcredential, token).`);
}

/**
 * The settings of the cloud `name` (the --os-cloud option, else OS_CLOUD);
 * with neither, the OS_* variables alone. OS_* variables given beside a
 * named cloud override its values, as the CLI's do.
 */
export function loadCloud(name: string | undefined, env: NodeJS.ProcessEnv = process.env, dirs = configDirs()): CloudConfig {
  const wanted = name ?? env.OS_CLOUD;
  const { clouds, file } = readClouds(env, dirs);
  let raw: Doc = {};
  if (wanted) {
    const entry = clouds[wanted];
    if (!isDoc(entry)) {
      const where = file
        ? `${file} has ${Object.keys(clouds).join(', ') || 'no clouds'}`
        : `no clouds.yaml was found in ${dirs.join(', ')}`;
      throw new CloudConfigError(`There is no cloud named ${wanted}: ${where}.`);
    }
    raw = entry;
  }
  raw = merge(raw, fromEnv(env));
  const auth = isDoc(raw.auth) ? raw.auth : {};
  const cloud = wanted ?? 'envvars';
  const authUrl = str(auth.auth_url);
  if (!authUrl) throw new CloudConfigError(`Cloud ${cloud}: no auth_url (clouds.yaml auth.auth_url or OS_AUTH_URL).`);
  const iface = str(raw.interface) ?? str(raw.endpoint_type) ?? 'public';
  if (!['public', 'internal', 'admin'].includes(iface.replace(/URL$/, '')))
    throw new CloudConfigError(`Cloud ${cloud}: interface ${iface} is not public, internal or admin.`);
  const verify = raw.verify;
  const config: CloudConfig = {
    name: cloud,
    authType: authTypeOf(raw, auth, cloud),
    authUrl,
    interface: iface.replace(/URL$/, '') as CloudConfig['interface'],
    insecure: verify === false || bool(raw.insecure),
  };
  const set = <K extends keyof CloudConfig>(key: K, value: CloudConfig[K] | undefined) => {
    if (value !== undefined) config[key] = value;
  };
  set('username', str(auth.username));
  set('userId', str(auth.user_id));
  set('password', str(auth.password));
  set('userDomainName', str(auth.user_domain_name));
  set('userDomainId', str(auth.user_domain_id));
  set('projectName', str(auth.project_name) ?? str(auth.tenant_name));
  set('projectId', str(auth.project_id) ?? str(auth.tenant_id));
  set('projectDomainName', str(auth.project_domain_name));
  set('projectDomainId', str(auth.project_domain_id));
  set('domainName', str(auth.domain_name));
  set('domainId', str(auth.domain_id));
  set('applicationCredentialId', str(auth.application_credential_id));
  set('applicationCredentialName', str(auth.application_credential_name));
  set('applicationCredentialSecret', str(auth.application_credential_secret));
  set('token', str(auth.token));
  set('regionName', str(raw.region_name));
  set('orchestrationEndpoint', str(raw.orchestration_endpoint_override));
  set('cacert', str(raw.cacert));
  return config;
}

/** The names of the clouds clouds.yaml (with secure.yaml) defines. */
export function cloudNames(env: NodeJS.ProcessEnv = process.env, dirs = configDirs()): string[] {
  return Object.keys(readClouds(env, dirs).clouds);
}
