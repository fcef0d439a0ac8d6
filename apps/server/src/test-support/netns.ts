// A second host for tests that must reach Hearth from off loopback: a
// network namespace joined to this one by a veth pair (Debian's iproute2;
// needs root, as the CI machine has). The server listens on the host side;
// clients run inside the namespace, as another machine would.
import { execFileSync, spawn } from 'node:child_process';

export interface NetworkNamespace {
  name: string;
  /** This side's address (where a server listens). */
  hostAddress: string;
  /** Runs `node -e script` inside the namespace; resolves with what it printed. */
  node(script: string): Promise<string>;
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A namespace of its own, or null where this machine cannot make one (not root, no iproute2). */
export function createNetworkNamespace(): NetworkNamespace | null {
  const tag = `${process.pid % 10000}${Math.floor(Math.random() * 100)}`;
  const name = `hearth-t${tag}`;
  const hostSide = `hh${tag}`;
  const nsSide = `hn${tag}`;
  const subnet = `10.${200 + (process.pid % 50)}.${Math.floor(Math.random() * 250)}`;
  try {
    ip('netns', 'add', name);
  } catch {
    return null;
  }
  try {
    ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide);
    ip('link', 'set', nsSide, 'netns', name);
    ip('addr', 'add', `${subnet}.1/24`, 'dev', hostSide);
    ip('link', 'set', hostSide, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${subnet}.2/24`, 'dev', nsSide);
    ip('netns', 'exec', name, 'ip', 'link', 'set', nsSide, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    try {
      ip('link', 'del', hostSide);
    } catch {
      // it was not made
    }
    ip('netns', 'del', name);
    throw error;
  }
  return {
    name,
    hostAddress: `${subnet}.1`,
    node(script) {
      return new Promise((resolve, reject) => {
        const child = spawn('ip', ['netns', 'exec', name, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`node in ${name} exited ${code}: ${err}`))));
      });
    },
    remove() {
      try {
        ip('link', 'del', hostSide);
      } catch {
        // gone with the namespace
      }
      ip('netns', 'del', name);
    },
  };
}
