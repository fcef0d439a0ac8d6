import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusRoot } from '@hearth/template/test-support';
import { LOCAL_SCRIPT_REFUSED } from '@hearth/resources/extra-types';
import { DesignSession, type DesignSnapshot } from './session.ts';
import type { TextModel } from './text-sink.ts';
import { ReaderCore, ReadingReceiver, type DesignReader, type ReadRequest, type Reading } from './reader.ts';

const OSO = 'heat-templates/openshift-origin/centos65/highly-available/invalid';
const read = (name: string) => readFileSync(join(corpusRoot(), OSO, name), 'utf8');

/** A session with a clock that advances by one millisecond per reading. */
function newSession() {
  let t = 0;
  const session = new DesignSession({ now: () => t++ });
  const seen: DesignSnapshot[] = [];
  session.subscribe((s) => seen.push(s));
  return { session, seen };
}

const ONE = 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n';

/** A session of one resource, a, at 0,0. */
function sessionOfOne(): DesignSession {
  const { session } = newSession();
  session.load({ id: null, name: 'd', text: ONE, positions: { a: { x: 0, y: 0 } } });
  return session;
}

/** A drag of a through these x (one undo step). */
function dragA(session: DesignSession, ...xs: number[]): void {
  session.beginMove();
  for (const x of xs) session.moveNodes({ a: { x, y: 0 } });
  session.endMove();
}

/**
 * Attaches an editor with an undo history as Monaco's: it opens on editorStartText at version 1, a new
 * edit gets a version newer than any before, and an undo goes back to the version before. Its undo and
 * redo take the session's moves first, as the designer's do; undoEdit is the template's own undo.
 */
function attachHistory(session: DesignSession) {
  const texts = [session.editorStartText];
  const versions = [1];
  let at = 0;
  let newest = 1;
  session.attachEditor({
    getValue: () => texts[at]!,
    replaceRange(start, end, text) {
      const value = texts[at]!;
      texts.splice(at + 1, texts.length, value.slice(0, start) + text + value.slice(end));
      versions.splice(at + 1, versions.length, ++newest);
      at++;
      session.textChanged(texts[at]!);
    },
    version: () => versions[at]!,
  });
  const undoEdit = () => {
    at--;
    session.textChanged(texts[at]!);
  };
  return {
    undoEdit,
    undo: () => session.undoMove() || undoEdit(),
    redo() {
      if (session.redoMove()) return;
      at++;
      session.textChanged(texts[at]!);
    },
    version: () => versions[at]!,
  };
}

const errors = (s: DesignSnapshot) => s.analysis!.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);

describe('DesignSession', () => {
  it('reads a template with its environment and nested file: the registry maps the custom type to the nested template', () => {
    const { session } = newSession();
    session.load({
      id: null,
      name: 'oso_ha',
      text: read('oso_ha.yaml'),
      environment: read('oso_ha_env.yaml'),
      files: { 'oso_node.yaml': read('oso_node.yaml') },
    });
    const s = session.state;
    expect(errors(s).filter((m) => m.includes('could not be found'))).toEqual([]);
    expect(s.environmentDiagnostics).toEqual([]);
    const nodes = s.graph!.resources.filter((r) => r.type === 'OpenShift::Node::Server');
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) {
      expect(n.group).toBe('nested');
      expect(n.members!.map((m) => m.type)).toContain('OS::Nova::Server');
    }
  });

  it('reads the nested templates among its files on their own: their errors, by file, kept while the template is typed in', () => {
    const { session } = newSession();
    const nested = 'heat_template_version: 2018-08-31\nresources:\n  vm: {type: OS::Nova::Sever}\n';
    session.load({
      id: null,
      name: 'nested',
      text: 'heat_template_version: 2018-08-31\nresources:\n  a: {type: child.yaml}\n',
      files: { 'child.yaml': nested, 'script.sh': 'echo heat_template_version: x\n' },
    });
    const found = session.state.fileDiagnostics;
    expect(Object.keys(found)).toEqual(['child.yaml']);
    expect(found['child.yaml']!.map((d) => [d.file, d.line, d.message])).toEqual([
      ['child.yaml', 3, 'The Resource Type (OS::Nova::Sever) could not be found. Did you mean OS::Nova::Server?'],
    ]);
    session.textChanged('heat_template_version: 2018-08-31\nresources:\n  b: {type: child.yaml}\n');
    session.flush();
    expect(session.state.fileDiagnostics).toBe(found);
    session.setFiles({ 'child.yaml': nested.replace('Sever', 'Server') });
    expect(session.state.fileDiagnostics).toEqual({});
  });

  it('reads a nested file as a nested stack: the environment’s parameters are the top template’s, not its', () => {
    const { session } = newSession();
    session.load({
      id: null,
      name: 'nested-env',
      text: 'heat_template_version: 2018-08-31\nparameters:\n  key_name: {type: string}\nresources:\n  a: {type: child.yaml}\n',
      environment: 'parameters:\n  key_name: mine\n',
      files: { 'child.yaml': 'heat_template_version: 2018-08-31\nresources:\n  r: {type: OS::Heat::None}\n' },
    });
    expect(session.state.fileDiagnostics).toEqual({});
  });

  it('the same template without its environment has Heat’s error, and editing the environment brings the mapping back', () => {
    const { session, seen } = newSession();
    session.load({ id: null, name: 'oso_ha', text: read('oso_ha.yaml'), files: { 'oso_node.yaml': read('oso_node.yaml') } });
    expect(errors(session.state)).toContain('The Resource Type (OpenShift::Node::Server) could not be found.');
    const before = seen.length;
    session.setEnvironment('resource_registry:\n  OpenShift::Node::Server: oso_node.yaml\n');
    expect(seen.length).toBe(before + 1);
    expect(errors(session.state).filter((m) => m.includes('could not be found'))).toEqual([]);
    expect(session.state.saveState).toBe('unsaved');
    // The nested file edited: its members follow.
    const node = read('oso_node.yaml').replace(
      /^resources:\n/m,
      'resources:\n  extra_volume: {type: OS::Cinder::Volume, properties: {size: 1}}\n',
    );
    session.setFiles({ 'oso_node.yaml': node });
    const member = session.state.graph!.resources.find((r) => r.type === 'OpenShift::Node::Server')!;
    expect(member.members!.map((m) => m.name)).toContain('extra_volume');
  });

  it('reads Hearth’s own types as its server does: local scripts refused with the reason, or allowed, and the design stays saved', () => {
    const text = `heat_template_version: 2018-08-31
resources:
  hello:
    type: Hearth::Local::Script
    properties:
      create_command: echo hello
outputs:
  said: {value: {get_attr: [hello, stdout]}}
`;
    const session = new DesignSession({ analysisSettings: { localScripts: 'refused' } });
    session.load({ id: 'd1', name: 'scripts', text });
    expect(errors(session.state)).toEqual([LOCAL_SCRIPT_REFUSED]);
    const refused = session.state.analysis!.diagnostics.find((d) => d.severity === 'error')!;
    expect(refused.line).toBe(4);

    // A server started with --allow-local-scripts knows the type, its properties and attributes.
    session.setAnalysisSettings({ localScripts: 'allowed' });
    expect(errors(session.state)).toEqual([]);
    expect(session.state.saveState).toBe('saved');
    expect(session.state.graph!.resources.map((r) => r.type)).toEqual(['Hearth::Local::Script']);
    // Typing keeps the settings, and so does a new design.
    session.textChanged(text.replace('echo hello', 'echo hi'));
    session.flush();
    expect(errors(session.state)).toEqual([]);
    session.load({ id: 'd2', name: 'again', text: text.replace('stdout', 'nothing') });
    expect(errors(session.state)).toEqual([expect.stringContaining('nothing')]);

    // Heat's rules alone (no settings): the type does not exist.
    const plain = new DesignSession();
    plain.load({ id: 'd1', name: 'scripts', text });
    expect(errors(plain.state)).toEqual([expect.stringContaining('could not be found')]);
  });

  it('locates what is wrong with the environment itself in its text', () => {
    const { session } = newSession();
    session.load({
      id: null,
      name: 'x',
      text: 'heat_template_version: 2018-08-31\nresources: {}\n',
      environment: 'parameters:\n  a: 1\nregistry:\n  X: y.yaml\n',
    });
    expect(session.state.environmentDiagnostics).toMatchObject([
      { line: 3, column: 1, file: 'environment', message: expect.stringContaining('wrong section "registry"') },
    ]);
    session.setEnvironment('parameters:\n  a: 1\n');
    expect(session.state.environmentDiagnostics).toEqual([]);
  });

  it('environment parameters reach the template: a group’s count from a parameter draws that many members', () => {
    const { session } = newSession();
    const text = `heat_template_version: 2018-08-31
parameters:
  n: {type: number, default: 2}
resources:
  group:
    type: OS::Heat::ResourceGroup
    properties:
      count: {get_param: n}
      resource_def: {type: OS::Heat::None}
`;
    session.load({ id: null, name: 'g', text });
    expect(session.state.graph!.resources[0]!.members).toHaveLength(2);
    session.setEnvironment('parameters:\n  n: 60\n');
    const group = session.state.graph!.resources[0]!;
    expect(group.members).toHaveLength(50);
    expect(group.moreMembers).toBe(10);
  });

  it('writes edit operations through the attached editor, which reports the text back; without one, directly', () => {
    const { session } = newSession();
    session.load({
      id: 'd1',
      name: 'd',
      text: 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n',
      positions: { a: { x: 0, y: 0 } },
    });
    expect(session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'b' }, { at: { x: 500, y: 300 } })).toBe(true);
    expect(session.state.text).toContain('  b:');
    expect(session.state.positions.b).toEqual({ x: 500, y: 300 });
    expect(session.state.selected).toEqual(['b']);

    let value = session.state.text;
    const replaced: Array<[number, number, string]> = [];
    const model: TextModel = {
      getValue: () => value,
      replaceRange(start, end, text) {
        replaced.push([start, end, text]);
        value = value.slice(0, start) + text + value.slice(end);
        session.textChanged(value);
      },
    };
    session.attachEditor(model);
    expect(session.apply({ op: 'renameResource', from: 'b', to: 'bee' })).toBe(true);
    expect(replaced).toHaveLength(1);
    expect(session.state.text).toContain('  bee:');
    expect(session.state.positions.bee).toEqual({ x: 500, y: 300 });
    expect(session.state.selected).toEqual(['bee']);
  });

  it('edits made before the editor opens are given to it as undoable steps, from the text as loaded', () => {
    const { session } = newSession();
    const loaded = 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n';
    session.load({ id: null, name: 'd', text: loaded, positions: { a: { x: 0, y: 0 } } });
    expect(session.editorStartText).toBe(loaded);
    session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'b' });
    session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'c' });
    const edited = session.state.text;
    expect(edited).toContain('  c:');
    // The editor opens on the text as loaded, and is given each edit since.
    expect(session.editorStartText).toBe(loaded);
    let value = session.editorStartText;
    const steps: string[] = [];
    session.attachEditor({
      getValue: () => value,
      replaceRange(start, end, text) {
        value = value.slice(0, start) + text + value.slice(end);
        steps.push(value);
      },
    });
    expect(steps).toHaveLength(2);
    expect(steps[0]).toContain('  b:');
    expect(steps[0]).not.toContain('  c:');
    expect(value).toBe(edited);
    expect(session.state.text).toBe(edited);
    // Given once: an editor opening later starts from the text as it is.
    session.attachEditor(null);
    expect(session.editorStartText).toBe(edited);
    // A new load starts over.
    session.load({ id: null, name: 'e', text: loaded });
    session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'z' });
    expect(session.editorStartText).toBe(loaded);
  });

  it('a move undone cannot be redone once the template has been edited since, even when that edit is undone', () => {
    const session = sessionOfOne();
    const editor = attachHistory(session);
    dragA(session, 100);
    expect(session.undoMove()).toBe(true);
    session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'b' });
    // The edit undone: the template is back where the move was undone, but the move is not to redo.
    editor.undoEdit();
    expect(session.redoMove()).toBe(false);
    expect(session.state.positions.a).toEqual({ x: 0, y: 0 });
  });

  it('moves made before the editor opens undo once it has, in turn with the edits made before it', () => {
    const session = sessionOfOne();
    // Before the editor: a drag, an edit, a drag.
    dragA(session, 100);
    session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'b' });
    dragA(session, 200);
    // The editor opens on the text as loaded, and is given the edit.
    const editor = attachHistory(session);
    const where = () => [session.state.positions.a!.x, session.state.graph!.resources.map((r) => r.name).join(',')];
    expect(where()).toEqual([200, 'a,b']);
    editor.undo();
    expect(where()).toEqual([100, 'a,b']);
    editor.undo();
    expect(where()).toEqual([100, 'a']);
    editor.undo();
    expect(where()).toEqual([0, 'a']);
  });

  it('a move undone before the editor opens can be redone once it has', () => {
    const session = sessionOfOne();
    session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'b' });
    session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'c' });
    dragA(session, 100);
    expect(session.undoMove()).toBe(true);
    // The editor reports each edit given to it, as Monaco's does.
    const editor = attachHistory(session);
    expect(editor.version()).toBe(3);
    expect(session.redoMove()).toBe(true);
    expect(session.state.positions.a).toEqual({ x: 100, y: 0 });
  });

  it('a drag and an automatic layout undo in turn with the template’s edits, and redo in order', () => {
    const session = sessionOfOne();
    const { undo, redo } = attachHistory(session);
    // A drag (several steps, one undo step), an edit, an automatic layout.
    dragA(session, 50, 100);
    session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'b' });
    session.setPositions({ a: { x: 0, y: 300 }, b: { x: 300, y: 300 } }, { undoable: true });
    // A first layout is not a step.
    session.setPositions(session.state.positions);
    const where = () => [session.state.positions.a, session.state.graph!.resources.map((r) => r.name).join(',')];
    expect(where()).toEqual([{ x: 0, y: 300 }, 'a,b']);
    // Back: the layout, the edit, the drag.
    undo();
    expect(where()).toEqual([{ x: 100, y: 0 }, 'a,b']);
    undo();
    expect(where()).toEqual([{ x: 100, y: 0 }, 'a']);
    undo();
    expect(where()).toEqual([{ x: 0, y: 0 }, 'a']);
    expect(session.undoMove()).toBe(false);
    // Forward in the same order.
    redo();
    expect(where()).toEqual([{ x: 100, y: 0 }, 'a']);
    redo();
    expect(where()).toEqual([{ x: 100, y: 0 }, 'a,b']);
    redo();
    expect(where()).toEqual([{ x: 0, y: 300 }, 'a,b']);
    expect(session.redoMove()).toBe(false);
  });

  it('refuses an edit on text that does not parse, with a notice, and keeps the last good graph', () => {
    const { session } = newSession();
    session.load({ id: null, name: 'd', text: 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n' });
    session.textChanged('heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None\n');
    expect(session.state.stale).toBe(true);
    expect(session.state.graph!.resources.map((r) => r.name)).toEqual(['a']);
    expect(session.apply({ op: 'addResource', type: 'OS::Heat::None' })).toBe(false);
    expect(session.state.notice).toMatchObject({ kind: 'error', text: expect.stringContaining('does not parse') });
  });

  it('a new load starts over: selection, expanded groups, layout need and a fit request', () => {
    const { session } = newSession();
    session.load({
      id: null,
      name: 'a',
      text: 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n',
      positions: { a: { x: 1, y: 2 } },
    });
    expect(session.state.needsLayout).toBe(false);
    session.select(['a']);
    session.toggleExpanded('a');
    const fits = session.state.fitRequests;
    session.load({ id: null, name: 'b', text: 'heat_template_version: 2018-08-31\nresources:\n  b: {type: OS::Heat::None}\n' });
    expect(session.state).toMatchObject({
      designName: 'b',
      selected: [],
      expanded: {},
      needsLayout: true,
      fitRequests: fits + 1,
      loads: 2,
    });
  });

  it('typed text is read when the scheduler runs, once for many keystrokes; an intent reads it first', () => {
    const reads: Array<() => void> = [];
    const session = new DesignSession({ scheduleRead: (read) => reads.push(read) });
    const base = 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n';
    session.load({ id: null, name: 'd', text: base, positions: { a: { x: 0, y: 0 } } });
    session.textChanged(base.replace('  a:', '  ab:'));
    session.textChanged(base.replace('  a:', '  abc:'));
    // Nothing read yet: the snapshot is the last reading, and one read is scheduled for both keystrokes.
    expect(session.state.graph!.resources.map((r) => r.name)).toEqual(['a']);
    expect(session.state.saveState).toBe('unsaved');
    expect(reads).toHaveLength(1);
    reads[0]!();
    expect(session.state.text).toContain('  abc:');
    expect(session.state.graph!.resources.map((r) => r.name)).toEqual(['abc']);

    // An edit operation acts on what was typed, not on the last reading.
    session.textChanged(session.state.text + '  typed: {type: OS::Heat::None}\n');
    expect(session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'added' })).toBe(true);
    const later = reads.at(-1)!;
    later();
    expect(session.state.graph!.resources.map((r) => r.name)).toEqual(['abc', 'typed', 'added']);

    // A load drops text typed into the design before it.
    session.textChanged(base.replace('  a:', '  lost:'));
    session.load({ id: null, name: 'e', text: base });
    reads.at(-1)!();
    expect(session.state.graph!.resources.map((r) => r.name)).toEqual(['a']);
  });

  it('a parameter or output stays selected while it exists (as param:name, output:name)', () => {
    const { session } = newSession();
    const text = 'heat_template_version: 2018-08-31\nparameters:\n  size: {type: number}\nresources: {}\noutputs:\n  out: {value: 1}\n';
    session.load({ id: null, name: 'd', text });
    session.select(['param:size', 'output:out']);
    session.textChanged(text + '# typed\n');
    expect(session.state.selected).toEqual(['param:size', 'output:out']);
    session.textChanged(text.replace('  size:', '  count:'));
    expect(session.state.selected).toEqual(['output:out']);
  });

  it('text reported back between a multi-edit and its read is read, so the analysis never holds a text nobody sees', () => {
    const reads: Array<() => void> = [];
    const session = new DesignSession({ scheduleRead: (read) => reads.push(read) });
    const base = 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n';
    session.load({ id: null, name: 'd', text: base, positions: { a: { x: 0, y: 0 } } });
    let value = base;
    session.attachEditor({
      getValue: () => value,
      replaceRange(start, end, text) {
        value = value.slice(0, start) + text + value.slice(end);
      },
    });
    expect(
      session.applyAll([
        { op: 'addResource', type: 'OS::Heat::None', name: 'b' },
        { op: 'addResource', type: 'OS::Heat::None', name: 'c' },
      ]),
    ).toBe(true);
    // Before the edit is read, the editor reports the old text (an undo): that is what the design is.
    session.textChanged(base);
    reads.forEach((read) => read());
    session.setEnvironment('parameters: {}\n');
    expect(session.state.graph!.resources.map((r) => r.name)).toEqual(['a']);
  });
});

/**
 * A reader that reads each request at once, with a real ReaderCore, and hands its readings over when
 * the test says (as a worker's messages come back later, and in any order the test needs).
 */
class HeldReader implements DesignReader {
  onReading: ((reading: Reading) => void) | null = null;
  readonly held: Reading[] = [];
  private readonly core = new ReaderCore();
  private readonly receiver = new ReadingReceiver();

  request(request: ReadRequest): void {
    this.core.add(request);
    const reading = this.core.take();
    if (reading) this.held.push(this.receiver.receive(reading));
  }

  deliver(reading: Reading): void {
    this.onReading?.(reading);
  }
}

describe('DesignSession with its reader elsewhere (a worker)', () => {
  const base = 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n';
  const renamed = (name: string) => base.replace('  a:', `  ${name}:`);
  const names = (s: DesignSnapshot) => s.graph!.resources.map((r) => r.name);

  function heldSession() {
    const reader = new HeldReader();
    const reads: Array<() => void> = [];
    const session = new DesignSession({ reader, scheduleRead: (read) => reads.push(read) });
    session.load({ id: null, name: 'd', text: base, positions: { a: { x: 0, y: 0 } } });
    return { reader, reads, session };
  }

  it("shows the reader's graph of typed text without reading it here; an intent reads it here first", () => {
    const { reader, reads, session } = heldSession();
    const loaded = session.state.analysis;
    session.textChanged(renamed('b'));
    expect(names(session.state)).toEqual(['a']);
    reader.deliver(reader.held.at(-1)!);
    expect(session.state).toMatchObject({ text: renamed('b'), stale: false });
    expect(names(session.state)).toEqual(['b']);
    expect(session.state.positions.b).toEqual({ x: 0, y: 0 });
    // Nothing shows the analysis: it is not read here, now or later.
    expect(session.state.analysis).toBe(loaded);
    expect(reads).toEqual([]);
    // An intent reads the text first, and keeps the reader's graph of it.
    const graph = session.state.graph;
    expect(session.analysisNow()!.resources.map((r) => r.name)).toEqual(['b']);
    expect(session.state.graph).toBe(graph);
    expect(session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'c' })).toBe(true);
    reader.deliver(reader.held.at(-1)!);
    expect(names(session.state)).toEqual(['b', 'c']);
  });

  it('an edit on typed text not read yet reads it here for the edit, and shows no graph of it: the next graph is the edit’s', () => {
    const { reader, session } = heldSession();
    expect(session.readingDue).toBe(false);
    session.textChanged(renamed('b'));
    expect(session.readingDue).toBe(true);
    const shown = session.state.graph;
    expect(session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'c' }, { at: { x: 500, y: 500 } })).toBe(true);
    // The graph of b alone would be drawn only to be replaced by the edit's, before the edit reaches the editor.
    expect(session.state.graph).toBe(shown);
    expect(session.state.selected).toEqual(['c']);
    expect(session.apply({ op: 'renameResource', from: 'c', to: 'd' })).toBe(true);
    expect(session.state.graph).toBe(shown);
    reader.deliver(reader.held.at(-1)!);
    expect(names(session.state)).toEqual(['b', 'd']);
    expect(session.state.selected).toEqual(['d']);
    // Where the new resource was dropped, kept through its rename before either was shown.
    expect(session.state.positions.d).toEqual({ x: 500, y: 500 });
    expect(session.readingDue).toBe(false);
    // The text the edits were made on is read once: an intent now reads only the newest text.
    expect(session.analysisNow()!.resources.map((r) => r.name)).toEqual(['b', 'd']);
  });

  it('edits shown together keep where each was made: a drop, and a rename of a resource added before it', () => {
    const { reader, session } = heldSession();
    expect(session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'b' }, { at: { x: 400, y: 0 } })).toBe(true);
    reader.deliver(reader.held.at(-1)!);
    expect(session.state.positions).toEqual({ a: { x: 0, y: 0 }, b: { x: 400, y: 0 } });
    // Before any of them is shown: a removed, c dropped far away, b removed, a new b dropped, renamed e.
    expect(session.apply({ op: 'removeResource', name: 'a' })).toBe(true);
    expect(session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'c' }, { at: { x: 900, y: 900 } })).toBe(true);
    expect(session.apply({ op: 'removeResource', name: 'b' })).toBe(true);
    expect(session.apply({ op: 'addResource', type: 'OS::Heat::None', name: 'b' }, { at: { x: 2000, y: 0 } })).toBe(true);
    expect(session.apply({ op: 'renameResource', from: 'b', to: 'e' })).toBe(true);
    reader.deliver(reader.held.at(-1)!);
    expect(session.state.positions).toEqual({ c: { x: 900, y: 900 }, e: { x: 2000, y: 0 } });
  });

  it('shows only a reading of the newest text: a late reading of older text is dropped', () => {
    const { reader, session } = heldSession();
    session.textChanged(renamed('b'));
    const ofB = reader.held.at(-1)!;
    session.textChanged(renamed('c'));
    const ofC = reader.held.at(-1)!;
    reader.deliver(ofB);
    expect(names(session.state)).toEqual(['a']);
    reader.deliver(ofC);
    expect(names(session.state)).toEqual(['c']);
    // Typed back to the text shown, before the reading of the text in between came: nothing in between shows.
    session.textChanged(renamed('d'));
    const ofD = reader.held.at(-1)!;
    session.textChanged(renamed('c'));
    reader.deliver(ofD);
    expect(names(session.state)).toEqual(['c']);
    // A text read here (an intent's flush) is not replaced by the reader's later reading of it.
    session.textChanged(renamed('e'));
    session.flush();
    const shown = session.state.graph;
    reader.deliver(reader.held.at(-1)!);
    expect(session.state.graph).toBe(shown);
    // Nor does a reading from before a load show in the design loaded.
    session.textChanged(renamed('f'));
    const ofF = reader.held.at(-1)!;
    session.load({ id: null, name: 'other', text: base });
    reader.deliver(ofF);
    expect(names(session.state)).toEqual(['a']);
  });

  it('a text that does not parse keeps the last graph, stale, with its own diagnostics', () => {
    const { reader, session } = heldSession();
    session.textChanged(base.replace('None}', 'None'));
    reader.deliver(reader.held.at(-1)!);
    expect(session.state.stale).toBe(true);
    expect(names(session.state)).toEqual(['a']);
    expect(session.state.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });

  it('while a panel watches the analysis, it is read here after each reading is shown', () => {
    const { reader, reads, session } = heldSession();
    const stop = session.watchAnalysis();
    reads.splice(0).forEach((read) => read());
    session.textChanged(renamed('b'));
    expect(reads).toEqual([]);
    reader.deliver(reader.held.at(-1)!);
    expect(reads).toHaveLength(1);
    const graph = session.state.graph;
    reads.splice(0).forEach((read) => read());
    expect(session.state.analysis!.text).toBe(renamed('b'));
    expect(session.state.graph).toBe(graph);
    // No longer watched: the next reading is not followed by a read here.
    stop();
    session.textChanged(renamed('c'));
    reader.deliver(reader.held.at(-1)!);
    reads.splice(0).forEach((read) => read());
    expect(session.state.analysis!.text).toBe(renamed('b'));
  });

  it('reads typed text itself once the reader has failed', () => {
    const { reader, reads, session } = heldSession();
    session.textChanged(renamed('b'));
    const requests = reader.held.length;
    reader.deliver({ generation: 0, parsed: false, graph: null, diagnostics: [], analysisMs: 0, failed: 'the worker stopped' });
    reads.splice(0).forEach((read) => read());
    expect(names(session.state)).toEqual(['b']);
    session.textChanged(renamed('c'));
    expect(names(session.state)).toEqual(['b']);
    reads.splice(0).forEach((read) => read());
    expect(names(session.state)).toEqual(['c']);
    expect(session.state.analysis!.text).toBe(renamed('c'));
    expect(reader.held).toHaveLength(requests);
  });

  it('gives the reader the design again with a new environment, files or settings, read with them', () => {
    const { reader, session } = heldSession();
    const text = 'heat_template_version: 2018-08-31\nresources:\n  s: {type: Hearth::Local::Script, properties: {create_command: x}}\n';
    session.textChanged(text);
    reader.deliver(reader.held.at(-1)!);
    expect(session.state.diagnostics.filter((d) => d.severity === 'error')).not.toEqual([]);
    session.setAnalysisSettings({ localScripts: 'allowed' });
    session.textChanged(text + '# typed\n');
    reader.deliver(reader.held.at(-1)!);
    expect(session.state.text).toContain('# typed');
    expect(session.state.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
