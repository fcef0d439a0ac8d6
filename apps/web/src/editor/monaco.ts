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

configureMonacoYaml(monaco, {
  enableSchemaRequest: false,
  validate: true,
  completion: true,
  hover: true,
  schemas: [{ uri: 'inmemory://hearth/hot.schema.json', fileMatch: [TEMPLATE_URI, '*.yaml'], schema: hotJsonSchema() as never }],
});

export { monaco };
