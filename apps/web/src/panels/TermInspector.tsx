// A parameter or an output, selected on the canvas, as a form: each field is
// an edit operation on its definition (setParameterField, setOutputField),
// so comments and the rest of the file stay as written.
import { useEffect, useState } from 'react';
import type { EditOperation, ParameterDecl, Value } from '@hearth/template';
import { get, nodeToValue, parseYamlText } from '@hearth/template';
import { revealLine } from '../editor/handle.ts';
import { session, useAnalysis, useDesign } from '../state/design.ts';

const PARAMETER_TYPES = ['string', 'number', 'boolean', 'json', 'comma_delimited_list'];

/** A text field written when it loses focus (or on Enter); empty removes the field. */
function TextField({
  label,
  value,
  onCommit,
  list,
}: {
  label: string;
  value: string;
  onCommit: (text: string) => void;
  /** Values to offer (a datalist's id). */
  list?: string;
}) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <div className="field">
      <label>
        {label}
        <input
          aria-label={label}
          value={draft}
          {...(list ? { list } : {})}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          onBlur={() => draft !== value && onCommit(draft)}
        />
      </label>
    </div>
  );
}

/** The value a YAML text stands for, or null when it does not parse. */
export function yamlValue(text: string): Value | null {
  const parsed = parseYamlText(text);
  if (!parsed.root || parsed.problems.some((p) => p.severity === 'error')) return null;
  return nodeToValue(parsed.root);
}

/** A YAML field (constraints, an output's value): parsed when it loses focus; what does not parse is refused with a notice. */
function YamlField({ label, value, onCommit }: { label: string; value: string; onCommit: (value: Value | undefined) => void }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <div className="field">
      <label>
        {label}
        <textarea
          aria-label={label}
          rows={Math.min(8, Math.max(2, draft.split('\n').length))}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={() => {
            if (draft === value) return;
            if (!draft.trim()) return onCommit(undefined);
            const next = yamlValue(draft);
            if (next === null) {
              useDesign.getState().notify('error', `The ${label} field is not valid YAML.`);
              return;
            }
            onCommit(next);
          }}
        />
      </label>
    </div>
  );
}

/** The text of a definition's part as written in the template. */
function source(text: string, node: { start: number; end: number } | null | undefined): string {
  return node ? text.slice(node.start, node.end) : '';
}

function NameField({ kind, name, rename }: { kind: string; name: string; rename: (to: string) => void }) {
  const [draft, setDraft] = useState(name);
  useEffect(() => setDraft(name), [name]);
  return (
    <input
      aria-label={`${kind} name`}
      className="name-input"
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      onBlur={() => draft && draft !== name && rename(draft)}
    />
  );
}

/** The head of a parameter's or output's form: its name (renamed on Enter or blur, staying selected) and its line. */
function TermHead({ kind, name, line }: { kind: 'parameter' | 'output'; name: string; line: number }) {
  const rename = (to: string) => {
    const op: EditOperation = kind === 'parameter' ? { op: 'renameParameter', from: name, to } : { op: 'renameOutput', from: name, to };
    if (useDesign.getState().apply(op)) useDesign.getState().select([`${kind === 'parameter' ? 'param' : 'output'}:${to}`]);
  };
  return (
    <>
      <div className="inspector-head">
        <NameField kind={kind === 'parameter' ? 'Parameter' : 'Output'} name={name} rename={rename} />
        <button className="link" onClick={() => revealLine(line)} title="Show in the YAML">
          line {line}
        </button>
      </div>
      <div className="inspector-type">{kind}</div>
    </>
  );
}

/** Writes one field of a parameter's or output's definition (no value: removes it). */
function setField(op: 'setParameterField' | 'setOutputField', name: string, path: string[], value: Value | undefined): void {
  useDesign.getState().apply({ op, name, path, ...(value === undefined ? {} : { value }) });
}

function defaultValue(p: ParameterDecl, text: string): Value {
  if (p.type === 'number' && text.trim() !== '' && !Number.isNaN(Number(text))) return Number(text);
  if (p.type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  // A json map or a list written as a list ([a, b] or a JSON value) stays one, not a string.
  if ((p.type === 'json' || p.type === 'comma_delimited_list') && /^\s*[[{]/.test(text)) {
    const value = yamlValue(text);
    if (value !== null) return value;
  }
  return text;
}

export function ParameterInspector({ name }: { name: string }) {
  const analysis = useAnalysis();
  const p = analysis?.parameters.find((x) => x.name === name);
  if (!analysis || !p) return null;
  const set = (path: string[], value: Value | undefined) => setField('setParameterField', name, path, value);
  const constraints = p.node.kind === 'map' ? get(p.node, 'constraints') : undefined;
  const line = analysis.lines.position(p.keyNode.start).line;
  const problems = analysis.diagnostics.filter((d) => d.path === `parameters.${name}` || d.path.startsWith(`parameters.${name}.`));
  return (
    <div className="inspector" data-testid="inspector" data-parameter={name}>
      <TermHead kind="parameter" name={name} line={line} />
      {problems.map((d) => (
        <p key={`${d.code}${d.path}`} className="error">
          {d.message}
        </p>
      ))}
      <div className="field">
        <label>
          type
          <select aria-label="type" value={p.type} onChange={(e) => set(['type'], e.target.value)}>
            {PARAMETER_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
      </div>
      <TextField
        label="default"
        value={p.default === undefined ? '' : typeof p.default === 'string' ? p.default : JSON.stringify(p.default)}
        onCommit={(t) => set(['default'], t === '' ? undefined : defaultValue(p, t))}
      />
      <TextField label="label" value={p.label ?? ''} onCommit={(t) => set(['label'], t || undefined)} />
      {analysis.version?.format !== 'cfn' && (
        <>
          <TextField
            label="group"
            list="parameter-groups"
            value={analysis.parameterGroups.find((g) => g.parameters.includes(name))?.label ?? ''}
            onCommit={(t) => useDesign.getState().apply({ op: 'setParameterGroup', name, group: t.trim() || null })}
          />
          <datalist id="parameter-groups">
            {analysis.parameterGroups.map((g) => g.label && <option key={g.label} value={g.label} />)}
          </datalist>
        </>
      )}
      <TextField label="description" value={p.description ?? ''} onCommit={(t) => set(['description'], t || undefined)} />
      <div className="field">
        <label>
          <input type="checkbox" aria-label="hidden" checked={p.hidden} onChange={(e) => set(['hidden'], e.target.checked || undefined)} />{' '}
          hidden (a password: not shown in the stack's details)
        </label>
      </div>
      <YamlField label="constraints" value={source(analysis.text, constraints)} onCommit={(v) => set(['constraints'], v)} />
      <button className="danger" onClick={() => useDesign.getState().apply({ op: 'removeParameter', name })}>
        Remove parameter
      </button>
    </div>
  );
}

export function OutputInspector({ name }: { name: string }) {
  const analysis = useAnalysis();
  const o = analysis?.outputs.find((x) => x.name === name);
  if (!analysis || !o) return null;
  const field = (key: string) => (o.node.kind === 'map' ? get(o.node, key) : undefined);
  const set = (path: string[], value: Value | undefined) => setField('setOutputField', name, path, value);
  const description = field('description');
  const line = analysis.lines.position(o.keyNode.start).line;
  return (
    <div className="inspector" data-testid="inspector" data-output={name}>
      <TermHead kind="output" name={name} line={line} />
      <TextField
        label="description"
        value={description?.kind === 'scalar' ? String(description.value ?? '') : ''}
        onCommit={(t) => set(['description'], t || undefined)}
      />
      <YamlField label="value" value={source(analysis.text, field('value'))} onCommit={(v) => set(['value'], v ?? null)} />
      <button className="danger" onClick={() => useDesign.getState().apply({ op: 'removeOutput', name })}>
        Remove output
      </button>
    </div>
  );
}

/** Adds a parameter or an output with a free name, and selects it. */
export function addTerm(kind: 'parameter' | 'output'): void {
  const analysis = session.analysisNow();
  const taken = new Set([
    ...(analysis?.parameters.map((p) => p.name) ?? []),
    ...(analysis?.outputs.map((o) => o.name) ?? []),
    ...(analysis?.resources.map((r) => r.name) ?? []),
  ]);
  let name = kind === 'parameter' ? 'param' : 'output';
  for (let i = 2; taken.has(name); i++) name = `${kind === 'parameter' ? 'param' : 'output'}_${i}`;
  const op: EditOperation =
    kind === 'parameter' ? { op: 'addParameter', name, definition: { type: 'string' } } : { op: 'addOutput', name, value: '' };
  const state = useDesign.getState();
  if (state.apply(op)) state.select([`${kind === 'parameter' ? 'param' : 'output'}:${name}`]);
}
