// Kill the engine process in the middle of a deployment and start it again.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type EventRecord } from '@hearth/store';
import { SIM_TABLES } from './sim-objects.ts';
import { harness } from './test-support/harness.ts';

const root = resolve(import.meta.dirname, '../../..');
const child = join(import.meta.dirname, 'test-support/engine-process.ts');

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts the engine process; `until` decides, from each stdout line, when to stop reading (and kill). */
function runEngine(dataDir: string, args: string[], until: (line: Record<string, unknown>) => boolean, kill: boolean) {
  return new Promise<Array<Record<string, unknown>>>((done, fail) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
      // One process (the tsx binary would run node as a child, which SIGKILL would not reach).
      cwd: root,
      env: { ...process.env, HEARTH_DATA: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Array<Record<string, unknown>> = [];
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let finished = false;
    createInterface({ input: proc.stdout }).on('line', (text) => {
      if (finished) return;
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      if (until(line)) {
        finished = true;
        if (kill) proc.kill('SIGKILL');
      }
    });
    proc.on('exit', (code, signal) => {
      if (finished || code === 0) done(lines);
      else fail(new Error(`engine process ended (${code ?? signal}) before it was expected to:\n${stderr}`));
    });
  });
}

const template = `heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.1.0.0/24}
${Array.from({ length: 6 }, (_, i) => `  port${i}:\n    type: OS::Neutron::Port\n    properties: {network: {get_resource: net}, fixed_ips: [{subnet: {get_resource: subnet}}]}\n`).join('')}  server:
    type: OS::Nova::Server
    properties:
      image: img
      flavor: f
      networks: [{port: {get_resource: port0}}]
`;

describe('engine restart', () => {
  it('after SIGKILL mid-deployment, every stack is still there, in-flight work is adopted or failed with the reason, and the inventory agrees with the store', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-restart-'));
    const request = join(dir, 'request.json');
    writeFileSync(request, JSON.stringify({ name: 'crash', template, options: { simulation: { latency: 0.15 } } }));
    // Kill once the ports have started: several creates are in flight.
    const before = await runEngine(
      dir,
      [request],
      (l) => {
        const e = l.event as EventRecord | undefined;
        return e?.resourceName === 'port3' && e.status === 'IN_PROGRESS';
      },
      true,
    );
    expect(before.some((l) => (l.event as EventRecord | undefined)?.resourceName === 'subnet')).toBe(true);

    const after = await runEngine(dir, [], (l) => l.done === true, false);
    expect(after.find((l) => l.recovered)!.recovered).toEqual(['crash']);

    const store = await openSqliteStore(dir, { tables: [SIM_TABLES] });
    const h = await harness({ store });
    try {
      const stack = await h.engine.getStack('crash');
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_FAILED');
      expect(stack.statusReason).toMatch(/^Engine restarted while the CREATE was in progress/);
      const resources = await h.engine.resources(stack.id);
      expect(resources.filter((r) => r.status === 'IN_PROGRESS')).toEqual([]);
      const failed = resources.filter((r) => r.status === 'FAILED');
      for (const r of failed) expect(r.statusReason).toMatch(/Engine restarted/);
      // The store and the simulated cloud agree: every object belongs to a resource that knows it, and back.
      const objects = (await h.cloud.objects.list({})).map((o) => o.id).sort();
      const known = resources
        .filter((r) => r.physicalId && r.status === 'COMPLETE')
        .map((r) => r.physicalId)
        .sort();
      expect(objects).toEqual(known);
      expect(objects.length).toBeGreaterThanOrEqual(2);
      // Events were written before they were published: the store has every event the killed process printed.
      const printed = before.flatMap((l) => (l.event ? [(l.event as EventRecord).id] : []));
      const stored = new Set((await store.listEvents({ stackId: stack.id })).map((e) => e.id));
      for (const id of printed) expect(stored.has(id)).toBe(true);
      // And the stack can be deleted cleanly afterwards.
      const deleted = await h.remove('crash');
      expect(`${deleted.action}_${deleted.status}`).toBe('DELETE_COMPLETE');
      expect(await h.cloud.objects.list({})).toEqual([]);
    } finally {
      await h.close();
    }
  }, 60_000);
});
