// Monaco, bundled with the app (never from a CDN): the editor core with its
// features, the YAML language, and monaco-yaml fed with the HOT JSON Schema
// for completion, hover documentation and validation as the user types.
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import 'monaco-editor/esm/vs/editor/editor.all.js';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import { configureMonacoYaml } from 'monaco-yaml';
import { hotJsonSchema } from '@hearth/template';
import YamlWorker from './yaml.worker.ts?worker';

self.MonacoEnvironment = {
  getWorker: (_id: string, label: string) => (label === 'yaml' ? new YamlWorker() : new EditorWorker()),
};

export const TEMPLATE_URI = 'file:///template.yaml';

const monacoYaml = configureMonacoYaml(monaco, {
  enableSchemaRequest: false,
  validate: true,
  completion: true,
  hover: true,
  schemas: [{ uri: 'inmemory://hearth/hot.schema.json', fileMatch: [TEMPLATE_URI, '*.yaml'], schema: hotJsonSchema() as never }],
});

/**
 * Schema validation re-reads the whole document in the YAML worker on every
 * change and sends back markers; past a few thousand lines that costs more than
 * it tells (Hearth's own diagnostics still mark every problem), so it pauses.
 */
const SCHEMA_VALIDATION_MAX_LINES = 4000;
let validating = true;

export function adjustSchemaValidation(lineCount: number): void {
  const wanted = lineCount <= SCHEMA_VALIDATION_MAX_LINES;
  if (wanted === validating) return;
  validating = wanted;
  void monacoYaml.update({ validate: wanted });
}

export { monaco };
