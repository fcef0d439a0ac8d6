// The `hearth` command line: one verb per job, each in its own module.
import { processIO, UsageError, type CliIO } from './io.ts';
import { abandonCommand, ABANDON_USAGE, adoptCommand, ADOPT_USAGE } from './adopt.ts';
import { enginesCommand, ENGINES_USAGE } from './engines.ts';
import { osWatchCommand, WATCH_USAGE } from './os-watch.ts';
import { exportCommand, EXPORT_USAGE } from './export.ts';
import { scheduleCommand, SCHEDULE_USAGE } from './schedule.ts';
import { schemaCommand, SCHEMA_USAGE } from './schema.ts';
import { serveCommand, SERVE_USAGE } from './serve.ts';
import { workerCommand, WORKER_USAGE } from './worker.ts';
import {
  cancelCommand,
  CANCEL_USAGE,
  checkCommand,
  CHECK_USAGE,
  resumeCommand,
  RESUME_USAGE,
  suspendCommand,
  SUSPEND_USAGE,
  deleteCommand,
  DELETE_USAGE,
  deployCommand,
  DEPLOY_USAGE,
  eventsCommand,
  EVENTS_USAGE,
  outputsCommand,
  OUTPUTS_USAGE,
  planCommand,
  PLAN_USAGE,
  updateCommand,
  UPDATE_USAGE,
} from './stacks.ts';
import { validateCommand, VALIDATE_USAGE } from './validate.ts';

const USAGE = `Usage: hearth <command> [options]

Commands:
  validate   check templates as Heat does and derive their dependency graph
  schedule   show the order Heat creates the resources in, the critical path and the estimated time
  plan       show what deploying a template would do (to a new or existing stack)
  deploy     create a stack from a template (--watch to follow it live)
  update     update a stack to a new template, after showing the plan
  delete     delete a stack
  cancel     cancel the update in progress on a stack
  suspend    suspend a stack (its servers, and nested stacks' resources)
  resume     resume a suspended stack
  check      check that a stack's resources exist and are healthy
  abandon    forget a stack and keep its objects, printing the data that names them
  adopt      make a stack from abandon data, taking its objects back
  events     list a stack's events (--follow to stream them)
  watch      follow a stack on a real OpenStack Heat (--os-cloud NAME), nested stacks included
  outputs    show a stack's outputs
  export     write a design or a stack's template, environment, layout and files
  schema     print the JSON Schema of HOT templates, for editors
  serve      run the Hearth server (designer, API, signal endpoints)
  worker     run stacks' resource actions for servers sharing a PostgreSQL database
  engines    list what runs the server's stacks (the server, or its live workers)

Commands that talk to a server take --server URL (default http://127.0.0.1:8080)
and --token TOKEN (needed when the server listens beyond loopback).

Run "hearth <command> --help" for the options of a command.`;

type Command = (argv: string[], io: CliIO) => number | Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  validate: { run: validateCommand, usage: VALIDATE_USAGE },
  schedule: { run: scheduleCommand, usage: SCHEDULE_USAGE },
  plan: { run: planCommand, usage: PLAN_USAGE },
  deploy: { run: deployCommand, usage: DEPLOY_USAGE },
  update: { run: updateCommand, usage: UPDATE_USAGE },
  delete: { run: deleteCommand, usage: DELETE_USAGE },
  cancel: { run: cancelCommand, usage: CANCEL_USAGE },
  suspend: { run: suspendCommand, usage: SUSPEND_USAGE },
  resume: { run: resumeCommand, usage: RESUME_USAGE },
  check: { run: checkCommand, usage: CHECK_USAGE },
  abandon: { run: abandonCommand, usage: ABANDON_USAGE },
  adopt: { run: adoptCommand, usage: ADOPT_USAGE },
  events: { run: eventsCommand, usage: EVENTS_USAGE },
  watch: { run: osWatchCommand, usage: WATCH_USAGE },
  outputs: { run: outputsCommand, usage: OUTPUTS_USAGE },
  export: { run: exportCommand, usage: EXPORT_USAGE },
  schema: { run: schemaCommand, usage: SCHEMA_USAGE },
  serve: { run: serveCommand, usage: SERVE_USAGE },
  worker: { run: workerCommand, usage: WORKER_USAGE },
  engines: { run: enginesCommand, usage: ENGINES_USAGE },
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
