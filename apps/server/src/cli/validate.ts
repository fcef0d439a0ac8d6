// `hearth validate`: checks templates the way Heat's `template validate`
// does and prints diagnostics as compilers do, or Heat-style JSON verdicts.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  analyzeTemplate,
  formatDiagnostic,
  mergeEnvironments,
  parseEnvironment,
  validationReport,
  type Environment,
  type Value,
} from '@hearth/template';
import { diskLoader } from './files.ts';
import type { CliIO } from './io.ts';
import { UsageError } from './io.ts';

export const VALIDATE_USAGE = `Usage: hearth validate [--env FILE]... [--param NAME=VALUE]... [--format json|text] TEMPLATE...

Checks each template as Heat's "template validate" does, and derives its
dependency graph. Exit status: 0 when every template is valid, 1 when one is
not, 2 for a usage error.

  -e, --env FILE          an environment file (parameters, parameter_defaults,
                          resource_registry); give it several times to layer them
  -p, --param NAME=VALUE  a parameter value (overrides the environments)
  -f, --format FORMAT     text (default; file:line:column: severity CODE: message)
                          or json (one object per template per line)`;

export function parseParamArgs(values: readonly string[]): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const v of values) {
    const at = v.indexOf('=');
    if (at <= 0) throw new UsageError(`--param needs NAME=VALUE, got "${v}"`);
    out[v.slice(0, at)] = v.slice(at + 1);
  }
  return out;
}

export interface LoadedEnvironment {
  environment: Environment;
  problems: string[];
}

export function loadEnvironments(files: readonly string[]): LoadedEnvironment {
  const envs: Environment[] = [];
  const problems: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read the environment file ${file}: ${(error as Error).message}`);
    }
    const parsed = parseEnvironment(text, file);
    for (const p of parsed.problems) {
      const line = text.slice(0, p.offset).split('\n').length;
      const column = p.offset - text.lastIndexOf('\n', p.offset - 1);
      problems.push(`${file}:${line}:${column}: error ${p.code}: ${p.message}`);
    }
    envs.push(parsed.environment);
  }
  return { environment: mergeEnvironments(envs), problems };
}

export function validateCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      env: { type: 'string', short: 'e', multiple: true, default: [] },
      param: { type: 'string', short: 'p', multiple: true, default: [] },
      format: { type: 'string', short: 'f', default: 'text' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(VALIDATE_USAGE);
    return 0;
  }
  if (values.format !== 'json' && values.format !== 'text') throw new UsageError(`--format must be json or text, not "${values.format}"`);
  if (positionals.length === 0) throw new UsageError('name at least one template to validate');
  const parameters = parseParamArgs(values.param);
  const { environment, problems } = loadEnvironments(values.env);
  for (const p of problems) io.err(p);
  let allValid = problems.length === 0;
  const loadFile = diskLoader(process.cwd());
  for (const template of positionals) {
    let text: string;
    try {
      text = readFileSync(template, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${template}: ${(error as Error).message}`);
    }
    const analysis = analyzeTemplate(text, { filename: template, environment, parameters, loadFile });
    allValid &&= analysis.valid;
    if (values.format === 'json') {
      io.out(JSON.stringify(validationReport(analysis, template)));
    } else {
      for (const d of analysis.diagnostics) io.out(formatDiagnostic(template, d));
      const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = analysis.diagnostics.length - errors;
      io.err(
        `${template}: ${analysis.valid ? 'valid' : 'invalid'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}; ${analysis.resources.length} resources)`,
      );
    }
  }
  return allValid ? 0 : 1;
}
