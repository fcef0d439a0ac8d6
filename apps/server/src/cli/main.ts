// The `hearth` command line: one verb per job, each in its own module.
import { processIO, UsageError, type CliIO } from './io.ts';
import { schemaCommand, SCHEMA_USAGE } from './schema.ts';
import { validateCommand, VALIDATE_USAGE } from './validate.ts';

const USAGE = `Usage: hearth <command> [options]

Commands:
  validate   check templates as Heat does and derive their dependency graph
  schema     print the JSON Schema of HOT templates, for editors

Run "hearth <command> --help" for the options of a command.`;

type Command = (argv: string[], io: CliIO) => number | Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  validate: { run: validateCommand, usage: VALIDATE_USAGE },
  schema: { run: schemaCommand, usage: SCHEMA_USAGE },
};

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    io.out(USAGE);
    return verb ? 0 : 2;
  }
  const command = COMMANDS[verb];
  if (!command) {
    io.err(`hearth: unknown command "${verb}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`hearth ${verb}: ${(error as Error).message}\n\n${command.usage}`);
      return 2;
    }
    throw error;
  }
}
