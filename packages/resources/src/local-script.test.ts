import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '@hearth/engine';
import { harness, type Harness } from './test-support/harness.ts';

let h: Harness | null = null;
let dir: string | null = null;
afterEach(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h = null;
  dir = null;
});

const script = (where: string) => `heat_template_version: 2018-08-31
resources:
  touch:
    type: Hearth::Local::Script
    properties:
      create_command: 'echo "made $NAME" > ${where}/made && echo out-$NAME'
      delete_command: 'rm ${where}/made'
      environment: {NAME: thing}
outputs:
  stdout: {value: {get_attr: [touch, stdout]}}
  code: {value: {get_attr: [touch, exit_code]}}
`;

describe('Hearth::Local::Script', () => {
  it('is refused at validation, with the reason, unless the operator allows it', async () => {
    h = await harness();
    const error = await h.engine.createStack({ name: 'ls', template: script('/tmp') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).message).toMatch(/--allow-local-scripts/);
    expect((error as EngineError).diagnostics[0]).toMatchObject({ line: 4 });
  });

  it('runs its create and delete commands with the environment from its properties', async () => {
    h = await harness({ allowLocalScripts: true });
    dir = mkdtempSync(join(tmpdir(), 'hearth-script-'));
    const stack = await h.create({ name: 'ls', template: script(dir) });
    expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
    expect(stack.outputs).toEqual({ stdout: 'out-thing\n', code: 0 });
    expect(readFileSync(join(dir, 'made'), 'utf8')).toBe('made thing\n');
    await h.remove('ls');
    expect(existsSync(join(dir, 'made'))).toBe(false);
  });

  it('fails the resource with the exit code and the last line of stderr', async () => {
    h = await harness({ allowLocalScripts: true });
    const template = `heat_template_version: 2018-08-31
resources:
  bad: {type: Hearth::Local::Script, properties: {create_command: 'echo nope >&2; exit 3'}}
`;
    const stack = await h.create({ name: 'lb', template, options: { disableRollback: true } });
    expect(stack.status).toBe('FAILED');
    expect((await h.engine.resources(stack.id))[0]!.statusReason).toBe('ScriptFailed: resources.bad: the command exited with 3: nope');
  });
});
