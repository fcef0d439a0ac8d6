import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from './main.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-validate-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const GOOD = `heat_template_version: 2018-08-31
parameters:
  size: {type: number, default: 1}
resources:
  net: {type: OS::Neutron::Net}
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}
  vol:
    type: OS::Cinder::Volume
    properties: {size: {get_param: size}}
outputs:
  net_id: {value: {get_resource: net}}
`;

const BAD = `heat_template_version: 2018-08-31
resources:
  web:
    type: OS::Nova::Sever
  db:
    type: OS::Heat::RandomString
    properties:
      lenght: 5
`;

describe('hearth validate', () => {
  it('prints one Heat-style JSON verdict per template and exits 0 when all are valid', async () => {
    const dir = fixture({ 'good.yaml': GOOD });
    const { code, out } = await run(['validate', '--format', 'json', join(dir, 'good.yaml')]);
    expect(code).toBe(0);
    const verdict = JSON.parse(out[0]!);
    expect(Object.keys(verdict)).toEqual([
      'template',
      'parsed',
      'valid',
      'diagnostics',
      'resources',
      'implicit',
      'outputs',
      'create_order',
    ]);
    expect(verdict.valid).toBe(true);
    expect(verdict.resources.subnet).toEqual({ type: 'OS::Neutron::Subnet', requires: ['net'] });
    expect(verdict.outputs).toEqual({ net_id: ['net'] });
    expect(verdict.create_order).toEqual([['net', 'vol'], ['subnet']]);
  });

  it('gives the same fields for a CloudFormation-format template', async () => {
    const dir = fixture({
      'asg.template': JSON.stringify({
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: {
          Config: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: { ImageId: 'img', InstanceType: 'm1.small' } },
          Group: {
            Type: 'AWS::AutoScaling::AutoScalingGroup',
            Properties: { LaunchConfigurationName: { Ref: 'Config' }, MinSize: '1', MaxSize: '2', AvailabilityZones: { 'Fn::GetAZs': '' } },
          },
        },
        Outputs: { Addresses: { Value: { 'Fn::GetAtt': ['Group', 'InstanceList'] } } },
      }),
    });
    const { code, out } = await run(['validate', '--format', 'json', join(dir, 'asg.template')]);
    expect(code).toBe(0);
    const verdict = JSON.parse(out[0]!);
    expect(verdict).toMatchObject({
      parsed: true,
      valid: true,
      resources: { Group: { type: 'AWS::AutoScaling::AutoScalingGroup', requires: ['Config'] } },
      outputs: { Addresses: ['Group'] },
      create_order: [['Config'], ['Group']],
    });
  });

  it('prints compiler-style diagnostics with the line and column, and exits 1', async () => {
    const dir = fixture({ 'bad.yaml': BAD });
    const file = join(dir, 'bad.yaml');
    const { code, out } = await run(['validate', file]);
    expect(code).toBe(1);
    expect(out).toContain(
      `${file}:4:11: error RESOURCE_TYPE_NOT_FOUND: The Resource Type (OS::Nova::Sever) could not be found. Did you mean OS::Nova::Server? [resources.web.type]`,
    );
    expect(out.some((l) => l.startsWith(`${file}:8:7: error PROPERTY_UNKNOWN: Unknown Property lenght. Did you mean length?`))).toBe(true);
  });

  it('reads environments and parameters', async () => {
    const dir = fixture({
      't.yaml': `heat_template_version: rocky\nparameters:\n  n: {type: number, constraints: [{range: {max: 5}}]}\nresources:\n  a: {type: My::Thing}\n`,
      'env.yaml': 'resource_registry:\n  My::Thing: thing.yaml\n',
      'thing.yaml': 'heat_template_version: rocky\noutputs:\n  x: {value: 1}\n',
    });
    const ok = await run(['validate', '-e', join(dir, 'env.yaml'), '-p', 'n=3', join(dir, 't.yaml')]);
    expect(ok.code).toBe(0);
    const tooBig = await run(['validate', '-e', join(dir, 'env.yaml'), '-p', 'n=7', '--format', 'json', join(dir, 't.yaml')]);
    expect(tooBig.code).toBe(1);
    expect(JSON.parse(tooBig.out[0]!).diagnostics[0].message).toContain('7 is out of range');
  });

  it('exits 2 on a usage error', async () => {
    expect((await run(['validate'])).code).toBe(2);
    expect((await run(['validate', '--format', 'xml', 'x.yaml'])).code).toBe(2);
    expect((await run(['validate', '--bogus', 'x.yaml'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
  });

  it('runs as the built command line', () => {
    const bin = join(repo, 'apps/server/bin/hearth.mjs');
    expect(existsSync(join(repo, 'apps/server/dist/cli.mjs')), 'built by npm test before the tests run').toBe(true);
    const dir = fixture({ 'bad.yaml': BAD });
    const result = spawnSync(process.execPath, [bin, 'validate', '--format', 'json', join(dir, 'bad.yaml')], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout.trim()).valid).toBe(false);
  });
});

describe('hearth schema', () => {
  it('prints a JSON Schema that names every resource type', async () => {
    const { code, out } = await run(['schema']);
    expect(code).toBe(0);
    const schema = JSON.parse(out.join('\n'));
    expect(schema.$schema).toContain('draft-07');
    expect(JSON.stringify(schema)).toContain('OS::Nova::Server');
  });
});
