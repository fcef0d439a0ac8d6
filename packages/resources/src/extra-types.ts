// The types Hearth adds to Heat's, as the template analysis sees them (no
// provider code: the server's analysis workers load this alone).
import type { ResourceTypeSchema } from '@hearth/template';

export const LOCAL_SCRIPT = 'Hearth::Local::Script';

const prop = (type: ResourceTypeSchema['properties'][string]['type'], required = false, updateAllowed = true) => ({
  type,
  required,
  updateAllowed,
  immutable: false,
  constraints: [],
  supportStatus: 'SUPPORTED' as const,
});

export const localScriptSchema: ResourceTypeSchema = {
  name: LOCAL_SCRIPT,
  supportStatus: 'SUPPORTED',
  properties: {
    create_command: prop('string', true),
    update_command: prop('string'),
    delete_command: prop('string'),
    environment: prop('map'),
    working_directory: prop('string'),
    timeout: { ...prop('number'), default: 300 },
  },
  attributes: {
    stdout: { type: 'String', supportStatus: 'SUPPORTED' },
    stderr: { type: 'String', supportStatus: 'SUPPORTED' },
    exit_code: { type: 'Integer', supportStatus: 'SUPPORTED' },
  },
  updatePolicy: {},
  openAttributes: false,
  anyProperties: false,
  snapshot: false,
  category: 'Hearth',
  description: 'Runs a command on the machine running the Hearth engine.',
};

export const LOCAL_SCRIPT_REFUSED =
  'Hearth::Local::Script runs commands on the machine running Hearth, which this server does not allow. Start it with --allow-local-scripts (or HEARTH_ALLOW_LOCAL_SCRIPTS=1) to use it.';

/** The types Hearth adds to Heat's: its local scripts, or the reason they are refused. */
export function extraTypes(allowLocalScripts: boolean): (type: string) => ResourceTypeSchema | { refused: string } | undefined {
  return (type) => {
    if (type !== LOCAL_SCRIPT) return undefined;
    return allowLocalScripts ? localScriptSchema : { refused: LOCAL_SCRIPT_REFUSED };
  };
}
