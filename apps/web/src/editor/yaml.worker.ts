// The YAML language worker (completion, hover, schema validation), bundled locally.
import 'monaco-yaml/yaml.worker.js';
