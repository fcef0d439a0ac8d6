// Monaco, bundled with the app (never from a CDN): the editor core with its
// features, the YAML language, and monaco-yaml fed with the HOT JSON Schema
// for completion and hover documentation. The editor's problems are the design
// session's (Heat's verdicts, the ones the canvas and problems list show), not
// the schema's: see `configureMonacoYaml` below.
// (monaco-editor 0.57: its entry points are `monaco-editor/<path>`; see
// ../shared/research/stack-spike.md §3 for the two adjustments below.)
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/yaml/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { configureMonacoYaml } from 'monaco-yaml';
import { hotJsonSchema } from '@hearth/template';
import YamlWorker from './yaml.worker.ts?worker';

self.MonacoEnvironment = {
  getWorker: (_id: string, label: string) => (label === 'yaml' ? new YamlWorker() : new EditorWorker()),
};

export const TEMPLATE_URI = 'file:///template.yaml';
/** Not a .yaml name: the HOT schema does not apply to an environment. */
export const ENVIRONMENT_URI = 'inmemory://hearth/environment';
/** A design's file (a nested template, a script) by its path; nested templates are HOT, so the schema applies to .yaml ones. */
export const fileUri = (path: string) => `file:///files/${encodeURIComponent(path)}`;

/**
 * monaco-yaml (through monaco-worker-manager) asks for its worker the way
 * monaco did before 0.54, by label and with the data to start it with;
 * monaco now wants the worker itself. This copy of monaco makes the worker
 * for the old form, as monaco's own helper for it does.
 */
type WorkerOptions = Parameters<typeof monaco.editor.createWebWorker>[0];
interface LabelledWorkerOptions {
  label?: string;
  createData?: unknown;
  host?: Record<string, (...args: unknown[]) => unknown>;
  keepIdleModels?: boolean;
}
const monacoForYaml = {
  ...monaco,
  editor: {
    ...monaco.editor,
    createWebWorker: (options: WorkerOptions) => {
      if ('worker' in options && options.worker) return monaco.editor.createWebWorker(options);
      const labelled = options as unknown as LabelledWorkerOptions;
      const worker = self.MonacoEnvironment!.getWorker!('workerMain.js', labelled.label ?? 'monaco-editor-worker') as Worker;
      worker.postMessage('ignore');
      worker.postMessage(labelled.createData);
      return monaco.editor.createWebWorker({
        worker,
        ...(labelled.host ? { host: labelled.host } : {}),
        ...(labelled.keepIdleModels !== undefined ? { keepIdleModels: labelled.keepIdleModels } : {}),
      });
    },
  },
} as typeof monaco;

// No schema validation: it was a second verdict beside the session's (the JSON Schema cannot say all
// Heat says, and said some things twice), and it read the whole document again in the YAML worker after
// every change: at 320 resources it added a third to the page's work per keystroke.
configureMonacoYaml(monacoForYaml, {
  enableSchemaRequest: false,
  validate: false,
  completion: true,
  hover: true,
  schemas: [{ uri: 'inmemory://hearth/hot.schema.json', fileMatch: [TEMPLATE_URI, '*.yaml'], schema: hotJsonSchema() as never }],
});

export { monaco };
