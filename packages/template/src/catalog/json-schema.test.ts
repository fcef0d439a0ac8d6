// The editor schema accepts what Heat accepts (every valid corpus template)
// and flags what users get wrong.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '../hot/analyze.ts';
import { nodeToValue } from '../hot/values.ts';
import { cfnCorpusRoot, corpusEntries, corpusRoot, heatVerdict } from '../test-support/corpus.ts';
import { hotJsonSchema } from './json-schema.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(hotJsonSchema());

function check(text: string) {
  const value = JSON.parse(JSON.stringify(nodeToValue(analyzeTemplate(text).root)));
  return { ok: validate(value), errors: validate.errors ?? [] };
}

describe('the HOT JSON Schema', () => {
  it('accepts every corpus template Heat finds valid', () => {
    const root = corpusRoot();
    // Heat's template validate accepts these, but its create-time checks refuse them as the schema does.
    const refusedAtCreate = new Set(['heat-templates/hot/software-config/example-templates/example-chef-template.yaml']);
    const rejected: string[] = [];
    for (const e of corpusEntries(root)) {
      if (!heatVerdict(root, e.path)?.valid || refusedAtCreate.has(e.path)) continue;
      const r = check(readFileSync(join(root, e.path), 'utf8'));
      if (!r.ok)
        rejected.push(
          `${e.path}: ${r.errors
            .slice(0, 2)
            .map((x) => `${x.instancePath} ${x.message}`)
            .join('; ')}`,
        );
    }
    expect(rejected).toEqual([]);
  });

  it('flags unknown properties, wrong enums and missing required properties, but not intrinsic functions', () => {
    const base = 'heat_template_version: rocky\nresources:\n  v:\n    type: OS::Cinder::Volume\n    properties:\n';
    expect(check(`${base}      size: 1\n`).ok).toBe(true);
    expect(check(`${base}      size: {get_param: s}\n`).ok).toBe(true);
    expect(check(`${base}      sise: 1\n`).ok).toBe(false);
    expect(check(`${base}      size: 0\n`).ok).toBe(false);
    expect(check('heat_template_version: rocky\nresources:\n  s:\n    type: OS::Nova::Server\n    properties: {image: x}\n').ok).toBe(
      false,
    );
    expect(check('heat_template_version: 2099-01-01\n').ok).toBe(false);
  });

  it('reads a CloudFormation-format template in its own keys: every valid CFN corpus template passes, HOT keys do not', () => {
    const root = cfnCorpusRoot();
    const rejected: string[] = [];
    for (const e of corpusEntries(root, 'cfn')) {
      if (!heatVerdict(root, e.path)?.valid) continue;
      const r = check(readFileSync(join(root, e.path), 'utf8'));
      if (!r.ok)
        rejected.push(
          `${e.path}: ${r.errors
            .slice(0, 2)
            .map((x) => `${x.instancePath} ${x.message}`)
            .join('; ')}`,
        );
    }
    expect(rejected).toEqual([]);
    const base = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  v:\n    Type: OS::Cinder::Volume\n    Properties:\n";
    expect(check(`${base}      size: {Ref: s}\n`).ok).toBe(true);
    expect(check(`${base}      size: {get_param: s}\n`).ok).toBe(false);
    expect(check(`${base}      sise: 1\n`).ok).toBe(false);
    expect(check("AWSTemplateFormatVersion: '2010-09-09'\nresources: {}\n").ok).toBe(false);
    expect(check("AWSTemplateFormatVersion: '2010-09-09'\nParameters: {p: {Type: string}}\n").ok).toBe(false);
  });

  it('documents types, properties and functions', () => {
    const text = JSON.stringify(hotJsonSchema());
    expect(text).toContain('A virtual machine');
    expect(text).toContain('Changing flavor updates the resource in place.'.replace('Changing flavor updates', 'Changing it updates'));
    expect(text).toContain('An attribute of another resource');
  });
});
