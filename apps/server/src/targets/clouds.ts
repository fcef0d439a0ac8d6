// The OpenStack clouds this server can run stacks on: the ones clouds.yaml
// (with secure.yaml) names, read as the openstack CLI reads them, plus the
// OS_* variables alone ("envvars") when they name an auth URL. One Keystone
// session per cloud, made when first used: its credentials and tokens stay
// in this process (never sent to a browser, never stored, never logged).
import { CloudConfigError, HeatClient, KeystoneSession, cloudNames, configDirs, loadCloud } from '@hearth/openstack';

/** What the browser may know of a cloud: its name and region, nothing of its credentials. */
export interface CloudSummary {
  name: string;
  region: string | null;
  authUrl: string;
}

export class UnknownCloud extends Error {}

export class Clouds {
  private readonly sessions = new Map<string, { session: KeystoneSession; heat: HeatClient }>();

  private readonly env: NodeJS.ProcessEnv;

  constructor(
    env: NodeJS.ProcessEnv = process.env,
    private readonly dirs: string[] = configDirs(),
  ) {
    // A cloud is always named here: OS_CLOUD (the CLI's default cloud) does not pick one behind the caller's back.
    this.env = { ...env };
    delete this.env.OS_CLOUD;
  }

  /**
   * A named cloud is what clouds.yaml says of it: the OS_* variables (which
   * the openstack CLI lays over any cloud) would send one cloud's password to
   * another's Keystone on a server that happens to have them set. They make
   * the cloud "envvars" alone.
   */
  private config(name: string) {
    if (name === 'envvars') return loadCloud(undefined, this.env, this.dirs);
    const files = Object.fromEntries(
      Object.entries(this.env).filter(([k]) => !k.startsWith('OS_') || /^OS_CLIENT_(CONFIG|SECURE)_FILE$/.test(k)),
    );
    return loadCloud(name, files, this.dirs);
  }

  /** The clouds configured now (clouds.yaml is read again each time: editing it needs no restart). */
  list(): CloudSummary[] {
    let names: string[];
    try {
      names = cloudNames(this.env, this.dirs);
    } catch {
      names = [];
    }
    if (this.env.OS_AUTH_URL && !names.includes('envvars')) names.push('envvars');
    return names.flatMap((name) => {
      try {
        const config = this.config(name);
        return [{ name, region: config.regionName ?? null, authUrl: config.authUrl }];
      } catch {
        return []; // A cloud clouds.yaml describes only in part cannot be used: it is not offered.
      }
    });
  }

  /** Heat's API on the cloud `name`. */
  heat(name: string): HeatClient {
    const known = this.sessions.get(name);
    if (known) return known.heat;
    let session: KeystoneSession;
    try {
      session = new KeystoneSession(this.config(name));
    } catch (error) {
      if (error instanceof CloudConfigError) throw new UnknownCloud(error.message);
      // A cacert that cannot be read, say.
      throw new UnknownCloud(`Cloud ${name} cannot be used: ${(error as Error).message}`);
    }
    const heat = new HeatClient(session);
    this.sessions.set(name, { session, heat });
    return heat;
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.session.close()));
    this.sessions.clear();
  }
}
