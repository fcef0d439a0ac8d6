// Requests that read templates go through the analysis workers first: the
// template is analysed and evaluated there, within its budget and the
// worker's time and memory limits, and only a template that passes reaches
// the engine on the server's own thread.
import { TRPCError } from '@trpc/server';
import { EngineError, type TemplateSource } from '@hearth/engine';
import { AnalysisRefused } from '../analysis/pool.ts';
import type { AnalysisTask, TaskResult, ValidateResult } from '../analysis/tasks.ts';
import type { HearthServices } from './services.ts';

async function run(services: HearthServices, task: AnalysisTask): Promise<TaskResult> {
  try {
    return await services.analysis.run(task);
  } catch (error) {
    if (error instanceof AnalysisRefused) {
      throw new TRPCError({
        code: error.reason === 'BUSY' ? 'TOO_MANY_REQUESTS' : 'UNPROCESSABLE_CONTENT',
        message: error.message,
        cause: error,
      });
    }
    throw error;
  }
}

function refusal(result: TaskResult): EngineError | null {
  const refused = result.kind === 'validate' ? null : result.refused;
  return refused ? new EngineError(refused.message, 'TEMPLATE_INVALID', refused.diagnostics) : null;
}

function settings(services: HearthServices) {
  return { allowLocalScripts: services.allowLocalScripts };
}

/** Heat's verdict on a template, computed off the event loop. */
export async function validateOffLoop(services: HearthServices, source: TemplateSource): Promise<ValidateResult> {
  const result = await run(services, { kind: 'validate', source, settings: settings(services) });
  const refused = refusal(result);
  if (refused) throw refused;
  if (result.kind !== 'validate') throw new Error('the analysis worker answered another task');
  return result.result;
}

/** Refuses a template that cannot be read or asks more than the evaluation budget, before the engine reads it. */
export async function precheck(services: HearthServices, source: TemplateSource): Promise<void> {
  const refused = refusal(await run(services, { kind: 'precheck', source, settings: settings(services) }));
  if (refused) throw refused;
}
