// `hearth schema`: the JSON Schema of HOT templates, for editors.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { hotJsonSchema } from '@hearth/template';
import type { CliIO } from './io.ts';

export const SCHEMA_USAGE = `Usage: hearth schema [--output FILE]

Prints the JSON Schema of HOT templates: every resource type's properties,
required ones, allowed values and help text, with intrinsic functions
accepted wherever a value may be computed. Point your editor at it, e.g.
in VS Code with the YAML extension:
  "yaml.schemas": { "./hot.schema.json": ["*.yaml"] }

  -o, --output FILE   write it to FILE instead of standard output`;

export function schemaCommand(argv: string[], io: CliIO): number {
  const { values } = parseArgs({
    args: argv,
    options: { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    io.out(SCHEMA_USAGE);
    return 0;
  }
  const text = JSON.stringify(hotJsonSchema(), null, 2);
  if (values.output) {
    writeFileSync(values.output, `${text}\n`);
    io.err(`wrote ${values.output} (${Math.round(text.length / 1024)} KiB)`);
  } else io.out(text);
  return 0;
}
