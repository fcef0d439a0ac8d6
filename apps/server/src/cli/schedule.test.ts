import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, until, type TestServer } from '../test-support/server.ts';
import { main } from './main.ts';

const example = join(dirname(fileURLToPath(import.meta.url)), '../../../../examples/sql-server-cluster.yaml');

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('hearth schedule', () => {
  it('prints the waves, the critical path through the wait condition, and the estimate', async () => {
    const { code, out } = await run(['schedule', '--latency', '2', example]);
    expect(code).toBe(0);
    expect(out[0]).toBe(`${example}: create of 40 resources in 13 waves, estimated 26s on Hearth's simulated cloud (latency 2s)`);
    expect(out).toContain('wave 12: primary_replica');
    const path = out.slice(out.findIndex((l) => l.startsWith('critical path')));
    expect(path.find((l) => l.includes(' ag_ready (OS::Heat::WaitCondition)'))).toContain(
      '← primary_replica: primary_replica signals ag_ready_handle',
    );
  });

  it('gives the same as JSON, deletes in reverse, and refuses an invalid template', async () => {
    const { out } = await run(['schedule', '--latency', '2', '--format', 'json', example]);
    const json = JSON.parse(out[0]!) as {
      total: number;
      waves: string[][];
      criticalPath: string[];
      steps: Array<{ id: string; slack: number }>;
    };
    expect(json.total).toBe(26);
    expect(json.waves.at(-1)).toEqual(['node1_replica', 'node2_replica']);
    expect(json.criticalPath).toContain('ag_ready');
    expect(json.steps.find((s) => s.id === 'cluster_secgroup')!.slack).toBe(2);
    expect(json.steps.find((s) => s.id === 'secondary_replica_config')!.slack).toBe(24);
    const deleted = JSON.parse((await run(['schedule', '--latency', '2', '--operation', 'delete', '-f', 'json', example])).out[0]!);
    expect(deleted.waves[0]).toEqual(['node1_replica', 'node2_replica']);
    expect(deleted.criticalPath.at(-1)).toBe('cluster_net');
    const dir = mkdtempSync(join(tmpdir(), 'hearth-schedule-'));
    writeFileSync(join(dir, 'bad.yaml'), 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None, depends_on: [b]}\n');
    const bad = await run(['schedule', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.err.at(-1)).toContain('invalid, no schedule');
    expect((await run(['schedule', '--latency', '-1', example])).code).toBe(2);
  });
});

describe('hearth schedule --history', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('estimates from the durations of past runs on the server', async () => {
    const template =
      'heat_template_version: 2018-08-31\nresources:\n  net: {type: OS::Neutron::Net}\n  subnet: {type: OS::Neutron::Subnet, properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}}\n';
    const dir = mkdtempSync(join(tmpdir(), 'hearth-schedule-'));
    writeFileSync(join(dir, 't.yaml'), template);
    const before = JSON.parse((await run(['schedule', '--history', '--server', server.url, '-f', 'json', join(dir, 't.yaml')])).out[0]!);
    expect(before.steps.map((s: { estimate: { source: string } }) => s.estimate.source)).toEqual(['simulated', 'simulated']);
    await server.client.stacks.create.mutate({ name: 'past', template });
    await until(async () => !(await server.client.stacks.get.query({ stack: 'past' })).inProgress);
    const after = JSON.parse((await run(['schedule', '--history', '--server', server.url, '-f', 'json', join(dir, 't.yaml')])).out[0]!);
    expect(after.steps.map((s: { estimate: { source: string } }) => s.estimate.source)).toEqual(['history', 'history']);
  });
});
