// The edit operations on CloudFormation-format templates: the same operations
// the canvas sends for HOT, written in the template's own keys and functions
// (Resources/Properties/DependsOn, Ref, Fn::GetAtt), as JSON in a JSON file
// (indented as the file is) and as YAML in a YAML one, changing only the lines
// the edit must. Run over every template of the CloudFormation corpus.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffLines } from 'diff';
import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '../hot/analyze.ts';
import { cfnCorpusRoot, corpusEntries } from '../test-support/corpus.ts';
import { applyEdit, editTemplate, type EditOperation } from './operations.ts';
import { dialectOf, hotView } from './dialect.ts';
import { CFN_VERSIONS } from '../hot/versions.ts';

const root = cfnCorpusRoot();
const templates = corpusEntries(root, 'cfn').map((e) => ({ path: e.path, text: readFileSync(join(root, e.path), 'utf8') }));

/** Lines of `before` that the edit removed or replaced. */
function removedLines(before: string, after: string): number {
  return diffLines(before, after)
    .filter((p) => p.removed)
    .reduce((n, p) => n + (p.count ?? 0), 0);
}

function apply(text: string, op: EditOperation): string {
  const analysis = analyzeTemplate(text, { filename: 'case.template' });
  return applyEdit(analysis, op).text;
}

const JSON_TEMPLATE = `{
    "AWSTemplateFormatVersion" : "2010-09-09",
    "Parameters" : {
        "KeyName" : { "Type" : "String", "Description" : "key" }
    },
    "Resources" : {
        "server" : {
            "Type" : "AWS::EC2::Instance",
            "Properties" : { "ImageId" : "img", "InstanceType" : "m1.small", "KeyName" : { "Ref" : "KeyName" } }
        }
    }
}
`;

describe('edits on CloudFormation templates', () => {
  it('adds a resource to a JSON template as JSON, indented as its siblings, with CFN keys', () => {
    const after = apply(JSON_TEMPLATE, { op: 'addResource', type: 'AWS::CloudFormation::WaitConditionHandle', name: 'handle' });
    expect(() => JSON.parse(after)).not.toThrow();
    expect(after).toContain(
      // As the file writes JSON: four-space indentation, and " : " between a key and its value.
      `        },\n        "handle" : {\n            "Type" : "AWS::CloudFormation::WaitConditionHandle"\n        }\n    }`,
    );
    expect(removedLines(JSON_TEMPLATE, after)).toBeLessThanOrEqual(1); // at most the line that gains a comma
    const analysis = analyzeTemplate(after);
    expect(analysis.version?.format).toBe('cfn');
    expect(analysis.format).toBe('json');
    expect(analysis.resources.map((r) => r.name)).toEqual(['server', 'handle']);
  });

  it('writes references as Ref and Fn::GetAtt, and dependencies as DependsOn', () => {
    let text = apply(JSON_TEMPLATE, { op: 'addResource', type: 'AWS::CloudFormation::WaitConditionHandle', name: 'handle' });
    text = apply(text, { op: 'setProperty', resource: 'server', path: ['UserData'], value: { get_resource: 'handle' } });
    text = apply(text, { op: 'addResource', type: 'OS::Heat::None', name: 'after' });
    text = apply(text, { op: 'addDependency', resource: 'after', requires: 'server' });
    text = apply(text, { op: 'addOutput', name: 'ip', value: { get_attr: ['server', 'PublicIp'] }, description: 'address' });
    const parsed = JSON.parse(text) as {
      Resources: Record<string, Record<string, unknown>>;
      Outputs: Record<string, unknown>;
    };
    expect(parsed.Resources.server!.Properties).toMatchObject({ UserData: { Ref: 'handle' } });
    expect(parsed.Resources.after!.DependsOn).toBe('server');
    expect(parsed.Outputs).toEqual({ ip: { Description: 'address', Value: { 'Fn::GetAtt': ['server', 'PublicIp'] } } });
    const analysis = analyzeTemplate(text);
    expect(analysis.valid, analysis.diagnostics.map((d) => d.message).join('\n')).toBe(true);
    expect(analysis.resources.find((r) => r.name === 'server')!.requires).toEqual(['handle']);
    expect(analysis.outputs[0]!.requires).toEqual(['server']);
  });

  it('refuses what the CloudFormation format cannot say, instead of writing HOT into it', () => {
    expect(() =>
      apply(JSON_TEMPLATE, {
        op: 'setProperty',
        resource: 'server',
        path: ['UserData'],
        value: { get_attr: ['server', 'networks', 'private', 0] },
      }),
    ).toThrow(/Fn::GetAtt takes a resource and one attribute/);
    expect(() => apply(JSON_TEMPLATE, { op: 'setProperty', resource: 'server', path: ['UserData'], value: { get_file: 'x.sh' } })).toThrow(
      /cannot include files/,
    );
  });

  it('writes parameters with the CFN schema keys', () => {
    let text = apply(JSON_TEMPLATE, { op: 'addParameter', name: 'Size', definition: { type: 'number', default: 1 } });
    text = apply(text, {
      op: 'setParameterField',
      name: 'Size',
      path: ['constraints'],
      value: [{ range: { min: 1, max: 5 } }, { description: 'one to five' }],
    });
    text = apply(text, { op: 'setParameterField', name: 'KeyName', path: ['hidden'], value: true });
    const parsed = JSON.parse(text) as { Parameters: Record<string, unknown> };
    expect(parsed.Parameters.Size).toEqual({ Type: 'Number', Default: 1, MinValue: 1, MaxValue: 5, ConstraintDescription: 'one to five' });
    expect(parsed.Parameters.KeyName).toEqual({ Type: 'String', Description: 'key', NoEcho: 'true' });
    const analysis = analyzeTemplate(text);
    expect(analysis.parameters.find((p) => p.name === 'Size')!.constraints.map((c) => c.constraint.kind)).toEqual(['range']);
    expect(analysis.parameters.find((p) => p.name === 'KeyName')!.hidden).toBe(true);
  });

  it('shows Ref and Fn::GetAtt to the forms as HOT functions, and writes them back as they were', () => {
    const value = { a: { Ref: 'server' }, b: { Ref: 'KeyName' }, c: { 'Fn::GetAtt': ['server', 'PublicIp'] }, d: [{ Ref: 'server' }] };
    const shown = hotView(value, (n) => n === 'server');
    expect(shown).toEqual({
      a: { get_resource: 'server' },
      b: { get_param: 'KeyName' },
      c: { get_attr: ['server', 'PublicIp'] },
      d: [{ get_resource: 'server' }],
    });
    expect(dialectOf(CFN_VERSIONS.AWSTemplateFormatVersion!).value(shown)).toEqual(value);
  });

  it('changes the constraints of a parameter written as one JSON line', () => {
    const text =
      '{"AWSTemplateFormatVersion": "2010-09-09",\n "Parameters": {"P": {"Type": "String", "MinLength": "1", "MaxLength": "5"}}}\n';
    const out = apply(text, { op: 'setParameterField', name: 'P', path: ['constraints'], value: [{ allowed_values: ['a', 'b'] }] });
    expect(JSON.parse(out)).toEqual({
      AWSTemplateFormatVersion: '2010-09-09',
      Parameters: { P: { Type: 'String', AllowedValues: ['a', 'b'] } },
    });
  });

  it('renames a resource in Ref, Fn::GetAtt and DependsOn', () => {
    const text = `HeatTemplateFormatVersion: '2012-12-12'
Resources:
  a: {Type: OS::Heat::RandomString}
  b:
    Type: OS::Heat::None
    DependsOn: a
    Properties:
      x: {Ref: a}
      y: {"Fn::GetAtt": [a, value]}
Outputs:
  o: {Value: {"Fn::GetAtt": [a, value]}}
`;
    const after = editTemplate(text, { op: 'renameResource', from: 'a', to: 'rand' }).text;
    expect(after).toBe(text.replace(/\ba\b/g, 'rand'));
  });

  it.each(templates.map((t) => [t.path, t] as const))('%s: add, connect and remove a resource, in its own format', (_path, t) => {
    const before = analyzeTemplate(t.text, { filename: t.path });
    const first = before.resources[0];
    if (!first) return;
    const added = applyEdit(before, { op: 'addResource', type: 'OS::Heat::None', name: 'hearth_added' }).text;
    const withDep = apply(added, { op: 'addDependency', resource: 'hearth_added', requires: first.name });
    const after = analyzeTemplate(withDep, { filename: t.path });
    expect(after.parsed).toBe(true);
    expect(after.version?.format).toBe('cfn');
    expect(after.format).toBe(before.format);
    if (before.format === 'json') expect(() => JSON.parse(withDep)).not.toThrow();
    expect(after.valid).toBe(before.valid);
    expect(after.resources.find((r) => r.name === 'hearth_added')!.requires).toEqual([first.name]);
    // Outside the new resource, at most the line before it changed (a comma, or a final newline).
    expect(removedLines(t.text, withDep)).toBeLessThanOrEqual(1);
    const removed = apply(withDep, { op: 'removeResource', name: 'hearth_added' });
    expect(analyzeTemplate(removed, { filename: t.path }).resources.map((r) => r.name)).toEqual(before.resources.map((r) => r.name));
  });
});
