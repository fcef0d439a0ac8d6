// The selected resource as a form built from its type's schema: required
// fields marked, enums as pickers, help from the descriptions, and any value
// can be an intrinsic function (get_param, get_resource, get_attr) or YAML.
import { useEffect, useMemo, useState } from 'react';
import type { PropertySchema, ResourceInfo, Value, ValueMap } from '@hearth/template';
import { hotView, isValueMap, nodeToValue, propertyDescription } from '@hearth/template';
import { propertyEdits, propertySource, referenceCandidates } from '@hearth/design';
import { revealLine } from '../editor/handle.ts';
import { useAnalysis, useDesign } from '../state/design.ts';
import { useRun } from '../state/run.ts';
import { addTerm, OutputInspector, ParameterInspector, yamlValue } from './TermInspector.tsx';
import { StepFacts, WhyFacts } from './ScheduleFacts.tsx';

type Mode = 'value' | 'get_param' | 'get_resource' | 'get_attr' | 'yaml';

function modeOf(value: Value | undefined): Mode {
  if (value === undefined || value === null) return 'value';
  if (isValueMap(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'get_param' || keys[0] === 'get_resource' || keys[0] === 'get_attr')) return keys[0];
    return 'yaml';
  }
  if (Array.isArray(value)) return 'yaml';
  return 'value';
}

function display(value: Value | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function PropertyField({
  resource,
  name,
  schema,
  value,
  info,
}: {
  resource: string;
  name: string;
  schema: PropertySchema;
  value: Value | undefined;
  info: ResourceInfo[];
}) {
  const [mode, setMode] = useState<Mode>(modeOf(value));
  const analysis = useAnalysis();
  // A YAML value shows as written in the template (comments and style), other values as text.
  const shown = (m: Mode) => (m === 'yaml' && analysis ? (propertySource(analysis, resource, name) ?? display(value)) : display(value));
  const [draft, setDraft] = useState(() => shown(modeOf(value)));
  const key = JSON.stringify(value ?? null);
  useEffect(() => {
    setMode(modeOf(value));
    setDraft(shown(modeOf(value)));
  }, [key]);
  useEffect(() => {
    setDraft(shown(mode));
  }, [mode]);
  const apply = useDesign((s) => s.apply);
  const set = (v: Value | undefined) => {
    if (v === undefined || v === '') apply({ op: 'removeProperty', resource, path: [name] });
    else apply({ op: 'setProperty', resource, path: [name], value: v });
  };
  const enumValues = schema.constraints.flatMap((c) => (c.kind === 'allowed_values' ? c.allowed : []));
  const fn = isValueMap(value) ? value : {};
  const attrTarget = Array.isArray(fn.get_attr) ? String(fn.get_attr[0] ?? '') : '';
  const attrName = Array.isArray(fn.get_attr) ? String(fn.get_attr[1] ?? '') : '';
  const targetInfo = info.find((r) => r.name === attrTarget);
  const others = info.filter((r) => r.name !== resource);
  // get_resource gives an id: only resources of the types this property takes (a Port's network: Nets), and the one named now.
  const current = typeof fn.get_resource === 'string' ? fn.get_resource : '';
  const candidates = referenceCandidates(info, resource, schema).filter((r) => r.name !== current);
  const referable = [...info.filter((r) => r.name === current), ...candidates];

  let input;
  if (mode === 'get_param') {
    input = (
      <select
        aria-label={`${name} parameter`}
        value={typeof fn.get_param === 'string' ? fn.get_param : ''}
        onChange={(e) => set({ get_param: e.target.value })}
      >
        <option value="">— parameter —</option>
        {(analysis?.parameters ?? []).map((p) => (
          <option key={p.name}>{p.name}</option>
        ))}
      </select>
    );
  } else if (mode === 'get_resource') {
    input = (
      <select
        aria-label={`${name} resource`}
        value={typeof fn.get_resource === 'string' ? fn.get_resource : ''}
        onChange={(e) => set({ get_resource: e.target.value })}
      >
        <option value="">— resource —</option>
        {referable.map((r) => (
          <option key={r.name}>{r.name}</option>
        ))}
      </select>
    );
  } else if (mode === 'get_attr') {
    input = (
      <span className="pair">
        <select
          aria-label={`${name} resource`}
          value={attrTarget}
          onChange={(e) => set({ get_attr: [e.target.value, attrName || 'show'] })}
        >
          <option value="">— resource —</option>
          {others.map((r) => (
            <option key={r.name}>{r.name}</option>
          ))}
        </select>
        <select aria-label={`${name} attribute`} value={attrName} onChange={(e) => set({ get_attr: [attrTarget, e.target.value] })}>
          <option value="">— attribute —</option>
          {Object.keys(targetInfo?.schema?.attributes ?? {}).map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
      </span>
    );
  } else if (mode === 'yaml') {
    input = (
      <textarea
        aria-label={name}
        rows={Math.min(12, Math.max(2, draft.split('\n').length))}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => {
          if (draft === shown('yaml')) return;
          if (!draft.trim()) return set(undefined);
          const next = yamlValue(draft);
          if (next === null) {
            useDesign.getState().notify('error', `The value of ${name} is not valid YAML.`);
            return;
          }
          // Only what changed is written: the rest keeps its comments and style.
          useDesign.getState().applyAll(propertyEdits(resource, [name], value, next));
        }}
      />
    );
  } else if (enumValues.length) {
    input = (
      <select
        aria-label={name}
        value={display(value)}
        onChange={(e) => set(e.target.value === '' ? undefined : (enumValues.find((v) => String(v) === e.target.value) ?? e.target.value))}
      >
        <option value="">{schema.required ? '— choose —' : '(not set)'}</option>
        {enumValues.map((v) => (
          <option key={String(v)}>{String(v)}</option>
        ))}
      </select>
    );
  } else if (schema.type === 'boolean') {
    input = <input aria-label={name} type="checkbox" checked={value === true} onChange={(e) => set(e.target.checked)} />;
  } else {
    const numeric = schema.type === 'integer' || schema.type === 'number';
    input = (
      <input
        aria-label={name}
        type={numeric ? 'number' : 'text'}
        value={draft}
        placeholder={schema.default !== undefined ? `default: ${display(schema.default)}` : ''}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
        }}
        onBlur={() => {
          if (draft === display(value)) return;
          set(draft === '' ? undefined : numeric ? Number(draft) : draft);
        }}
      />
    );
  }
  return (
    <div className="field" data-testid="property" data-property={name}>
      <label title={propertyDescription(name, schema)}>
        {name}
        {schema.required && (
          <span className="required" title="required">
            *
          </span>
        )}
        <span className="ptype">{schema.type}</span>
      </label>
      <div className="field-input">
        <select className="mode" aria-label={`${name} kind of value`} value={mode} onChange={(e) => setMode(e.target.value as Mode)}>
          <option value="value">value</option>
          <option value="get_param">get_param</option>
          <option value="get_resource">get_resource</option>
          <option value="get_attr">get_attr</option>
          <option value="yaml">YAML</option>
        </select>
        {input}
      </div>
      {schema.description && <div className="help">{schema.description.split('\n')[0]}</div>}
    </div>
  );
}

/** What the plan does to this resource, and why: the property changes, the one that forces a replacement marked. */
function PlanDetail({ name }: { name: string }) {
  const change = useRun((s) => s.plan?.changes.find((c) => c.resource === name));
  if (!change || change.action === 'unchanged') return null;
  return (
    <div className={`plan-detail plan-${change.action}`} data-testid="plan-detail">
      <b>Plan: {change.action}</b> — {change.reason}
      {change.changes.length > 0 && (
        <ul>
          {change.changes.map((c) => (
            <li key={c.path} className={c.forcesReplacement ? 'forces' : ''}>
              <code>{c.path}</code>: {JSON.stringify(c.before)} → {JSON.stringify(c.after)}
              {c.forcesReplacement && <strong> (forces replacement)</strong>}
            </li>
          ))}
        </ul>
      )}
      {change.nested && <NestedPlan plan={change.nested} />}
    </div>
  );
}

type PlanView = NonNullable<ReturnType<typeof useRun.getState>['plan']>;

/** A nested stack's own changes (as Heat's preview with show_nested): what is not unchanged, nested stacks within. */
function NestedPlan({ plan }: { plan: PlanView }) {
  const changed = plan.changes.filter((c) => c.action !== 'unchanged' || c.nested);
  if (!changed.length) return <div className="nested-plan">Its nested stack: nothing changes.</div>;
  return (
    <ul className="nested-plan" data-testid="nested-plan">
      {changed.map((c) => (
        <li key={c.resource} className={`plan-${c.action}`}>
          <code>{c.resource}</code> ({c.type}): {c.action} — {c.reason}
          {c.nested && <NestedPlan plan={c.nested} />}
        </li>
      ))}
    </ul>
  );
}

/** The resource's live state and, for a failure, its reason. */
function LiveDetail({ name }: { name: string }) {
  const status = useRun((s) => s.statuses[name]);
  if (!status) return null;
  return (
    <div className="live-detail" data-testid="live-detail">
      {status.state}
      {status.note && <div className="error">{status.note}</div>}
    </div>
  );
}

/**
 * The selection's inspector. Only a resource's form reads the analysis (useAnalysis): with nothing, or
 * several resources selected, typed text is not analysed on the page's thread.
 */
export function Inspector() {
  const selected = useDesign((s) => s.selected);
  const apply = useDesign((s) => s.apply);
  if (selected.length === 1 && selected[0]!.startsWith('param:')) return <ParameterInspector name={selected[0]!.slice('param:'.length)} />;
  if (selected.length === 1 && selected[0]!.startsWith('output:')) return <OutputInspector name={selected[0]!.slice('output:'.length)} />;
  if (selected.length > 1) {
    return (
      <div className="inspector" data-testid="inspector">
        <h3>{selected.length} resources selected</h3>
        <button onClick={() => selected.forEach((n) => apply({ op: 'removeResource', name: n }))}>Delete them</button>
        {selected.length === 2 && <WhyFacts a={selected[0]!} b={selected[1]!} />}
      </div>
    );
  }
  if (selected.length === 1) return <ResourceInspector name={selected[0]!} />;
  return <NothingSelected />;
}

function NothingSelected() {
  const parsed = useDesign((s) => s.loads > 0 && !s.stale);
  return (
    <div className="inspector empty" data-testid="inspector">
      Select a resource, a parameter or an output to edit it.
      {parsed && (
        <div className="inspector-add">
          <button onClick={() => addTerm('parameter')}>+ Parameter</button>
          <button onClick={() => addTerm('output')}>+ Output</button>
        </div>
      )}
    </div>
  );
}

function ResourceInspector({ name: selected }: { name: string }) {
  const analysis = useAnalysis();
  const apply = useDesign((s) => s.apply);
  const info = analysis?.resources ?? [];
  const r = info.find((x) => x.name === selected);
  const [name, setName] = useState(r?.name ?? '');
  const [showAll, setShowAll] = useState(false);
  useEffect(() => {
    setName(r?.name ?? '');
    setShowAll(false);
  }, [r?.name]);
  const values = useMemo<ValueMap>(() => {
    const raw = r?.def.propertiesNode ? nodeToValue(r.def.propertiesNode) : null;
    // A CloudFormation template's Ref and Fn::GetAtt show as the HOT functions the form edits (and are written back as they were).
    const v = analysis?.version?.format === 'cfn' ? hotView(raw, (n) => info.some((x) => x.name === n)) : raw;
    return isValueMap(v) ? v : {};
  }, [r, analysis, info]);
  // (A resource just added shows once the analysis has read it.)
  if (!r) return <NothingSelected />;
  const schema = r.schema;
  const props = Object.entries(schema?.properties ?? {}).filter(([k, p]) => showAll || p.required || k in values);
  const hidden = Object.keys(schema?.properties ?? {}).length - props.length;
  const line = analysis!.lines.position(r.def.keyNode.start).line;
  return (
    <div className="inspector" data-testid="inspector" data-resource={r.name}>
      <div className="inspector-head">
        <input
          aria-label="Resource name"
          className="name-input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          }}
          onBlur={() => {
            if (name && name !== r.name) apply({ op: 'renameResource', from: r.name, to: name });
          }}
        />
        <button className="link" onClick={() => revealLine(line)} title="Show in the YAML">
          line {line}
        </button>
      </div>
      <div className="inspector-type">{r.def.type}</div>
      <PlanDetail name={r.name} />
      <LiveDetail name={r.name} />
      <StepFacts name={r.name} />
      {schema?.description && <p className="help">{schema.description.split('\n')[0]}</p>}
      {props.map(([k, p]) => (
        <PropertyField key={`${r.name}.${k}`} resource={r.name} name={k} schema={p} value={values[k]} info={info} />
      ))}
      {hidden > 0 && (
        <button className="link" onClick={() => setShowAll(true)}>
          Show {hidden} more properties
        </button>
      )}
      <div className="field">
        <label>depends_on</label>
        <ul className="deps">
          {r.def.dependsOn.map((d) => (
            <li key={d.name}>
              {d.name}{' '}
              <button
                className="link"
                aria-label={`Remove dependency on ${d.name}`}
                onClick={() => apply({ op: 'removeDependency', resource: r.name, requires: d.name })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <select
          aria-label="Add dependency"
          value=""
          onChange={(e) => e.target.value && apply({ op: 'addDependency', resource: r.name, requires: e.target.value })}
        >
          <option value="">+ depends on…</option>
          {info
            .filter((x) => x.name !== r.name && !r.def.dependsOn.some((d) => d.name === x.name))
            .map((x) => (
              <option key={x.name}>{x.name}</option>
            ))}
        </select>
      </div>
      <button className="danger" onClick={() => apply({ op: 'removeResource', name: r.name })}>
        Delete resource
      </button>
    </div>
  );
}
