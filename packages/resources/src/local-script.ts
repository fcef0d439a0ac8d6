// Hearth::Local::Script: runs a command on the machine running the engine.
// Off unless the operator starts Hearth with local scripts allowed.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { ActionContext, ProvidedState, ResourceProvider } from '@hearth/engine';
import { ResourceFailure } from '@hearth/engine';
import type { Value } from '@hearth/template';
import { isValueMap } from '@hearth/template';

export { LOCAL_SCRIPT, LOCAL_SCRIPT_REFUSED, localScriptSchema } from './extra-types.ts';

function run(command: string, ctx: ActionContext): Promise<{ stdout: string; stderr: string; code: number }> {
  const env: Record<string, string> = { ...process.env } as Record<string, string>;
  const extra = ctx.properties.environment;
  if (isValueMap(extra)) for (const [k, v] of Object.entries(extra)) env[k] = typeof v === 'string' ? v : JSON.stringify(v as Value);
  env.HEARTH_STACK = ctx.stack.name;
  env.HEARTH_RESOURCE = ctx.resourceName;
  const timeout = Number(ctx.properties.timeout ?? 300) * 1000;
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      env,
      cwd: typeof ctx.properties.working_directory === 'string' ? ctx.properties.working_directory : undefined,
      signal: ctx.signal,
      timeout,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-65536)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-65536)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? -1 }));
  });
}

async function act(ctx: ActionContext, command: string | undefined): Promise<ProvidedState> {
  const id = ctx.physicalId ?? randomUUID();
  if (!command) return { physicalId: id, attributes: { ...ctx.attributes } };
  const result = await run(command, ctx);
  if (result.code !== 0)
    throw new ResourceFailure(`the command exited with ${result.code}: ${result.stderr.trim().split('\n').pop() ?? ''}`, 'ScriptFailed');
  return { physicalId: id, attributes: { stdout: result.stdout, stderr: result.stderr, exit_code: result.code } };
}

export const localScriptProvider: ResourceProvider = {
  create: (ctx) => act(ctx, String(ctx.properties.create_command ?? '')),
  update: (ctx) => act(ctx, typeof ctx.properties.update_command === 'string' ? ctx.properties.update_command : undefined),
  async delete(ctx) {
    if (typeof ctx.properties.delete_command === 'string') await act(ctx, ctx.properties.delete_command);
  },
  async check() {},
};
