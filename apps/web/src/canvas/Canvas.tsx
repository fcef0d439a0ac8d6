// The canvas: the graph of the design, editable. Every action here is an
// edit operation on the text; the graph is always drawn from the text.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { shallow } from 'zustand/shallow';
import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  getViewportForBounds,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type Node,
  type NodeChange,
  type ReactFlowState,
} from '@xyflow/react';
import {
  autoLayout,
  choiceText,
  connectionChoices,
  EdgeLayouts,
  firstView,
  isTermKey,
  makeRoom,
  NODE_HEIGHT,
  type ConnectionChoice,
  type EdgeLayout,
  type GraphEdge,
  READABLE_ZOOM,
  NODE_WIDTH,
  routesBeyondNodes,
  type Positions,
  type ResourceNodeData,
  type Box,
  type XY,
  workflowStart,
} from '@hearth/design';
import { session, useDesign } from '../state/design.ts';
import { categoryOf } from '@hearth/template';
import { useRun } from '../state/run.ts';
import { DependencyEdge, type DependencyFlowEdge } from './DependencyEdge.tsx';
import { groupHeights } from './group-heights.ts';
import { resourceSpan, termPositions } from './term-positions.ts';
import { OffscreenRoutes, type OffscreenRoute } from './OffscreenRoutes.tsx';
import { OverviewMap } from './OverviewMap.tsx';
import { FIXED_NODE_HANDLES, ResourceNode, TermNode, type ResourceFlowNode, type TermFlowNode } from './ResourceNode.tsx';

const nodeTypes = { resource: ResourceNode, term: TermNode };
const edgeTypes = { dependency: DependencyEdge };
export const PALETTE_MIME = 'application/hearth-type';
const MARKER = { type: MarkerType.ArrowClosed, width: 14, height: 14 };
const NO_CHANGES: never[] = [];
const COMPACT_ZOOM = 0.2;
const TERM_BOX = { width: 180, height: 40 };
/**
 * Past this many resources only the nodes and edges in view are in the page: a change then lays out,
 * paints and composites tens of them rather than the whole design (at 1,000 resources that was most of
 * a keystroke's cost). Smaller designs keep every node in the page, where the browser's find and
 * assistive tools reach them all, at a cost that does not show. (React Flow finds an edge in view by the box
 * of its two nodes: OffscreenRoutes draws the routes bent around a column beyond that box, when only they are.)
 */
const DRAW_ONLY_IN_VIEW_ABOVE = 400;

/** The farthest the canvas zooms out. */
const MIN_ZOOM = 0.05;
/** The nearest a fitted view (a loaded design, a new layout) zooms in. */
const FIT_MAX_ZOOM = 1.2;

/** The previous array when every item is the same object (React Flow then has nothing to update). */
function sameItems<T>(last: { current: T[] }, next: T[]): T[] {
  const prev = last.current;
  if (prev.length === next.length && prev.every((item, i) => item === next[i])) return prev;
  last.current = next;
  return next;
}

/** The node standing for all the parameters when they outnumber the resources (and its key in `expanded`). */
const PARAMETERS_GROUP = 'parameters:group';

/**
 * `onFitted`: the canvas shows its first view of what it was asked to fit (a loaded design, a new
 * layout), with the fit request's number.
 */
export function Canvas({ onFitted }: { onFitted?: (request: number) => void } = {}) {
  const graph = useDesign((s) => s.graph);
  const positions = useDesign((s) => s.positions);
  const selected = useDesign((s) => s.selected);
  const expanded = useDesign((s) => s.expanded);
  const needsLayout = useDesign((s) => s.needsLayout);
  const stale = useDesign((s) => s.stale);
  const plan = useRun((s) => s.planActions);
  const planChanges = useRun((s) => s.plan?.changes) ?? NO_CHANGES;
  const flow = useReactFlow();

  useEffect(() => {
    if (!needsLayout || !graph) return;
    let cancelled = false;
    void autoLayout(graph).then((p) => {
      if (!cancelled) useDesign.getState().setPositions({ ...useDesign.getState().positions, ...p });
    });
    return () => {
      cancelled = true;
    };
  }, [needsLayout, graph]);

  // The first view when asked (a load, a new layout), once the nodes are drawn where they now are:
  // the whole graph, or a readable part of it (see firstView).
  const fitRequests = useDesign((s) => s.fitRequests);
  useEffect(() => {
    if (!fitRequests) return;
    const timer = setTimeout(
      () =>
        // fitView waits for the nodes to be measured; a fit too small to read becomes firstView's readable view.
        // The fit goes no further out than a readable zoom: fitted whole, a big design would have every node
        // drawn (a thousand, at 1,000 resources) for a view replaced at once by the readable one.
        void flow
          .fitView({ maxZoom: FIT_MAX_ZOOM, minZoom: READABLE_ZOOM, duration: 0 })
          .then(async () => {
            const pane = container.current?.getBoundingClientRect();
            if (!pane) return;
            const bounds = flow.getNodesBounds(flow.getNodes());
            // The zoom the whole fit would have had (fitView's default padding, the canvas's least zoom).
            if (getViewportForBounds(bounds, pane.width, pane.height, MIN_ZOOM, FIT_MAX_ZOOM, 0.1).zoom < READABLE_ZOOM) {
              const { graph: shown, positions: at } = useDesign.getState();
              const start = workflowStart(
                (shown?.resources ?? []).flatMap((r) => (at[r.name] ? [at[r.name]!] : [])),
                NODE_WIDTH,
              );
              await flow.setViewport(firstView(bounds, pane, FIT_MAX_ZOOM, start), { duration: 0 });
            }
          })
          .then(() => {
            // Which fit request the view now shows (tests wait on it rather than on a clock).
            container.current?.setAttribute('data-fitted', String(fitRequests));
            onFitted?.(fitRequests);
          }),
      30,
    );
    return () => clearTimeout(timer);
  }, [fitRequests, flow, onFitted]);

  const drawOnlyInView = (graph?.resources.length ?? 0) > DRAW_ONLY_IN_VIEW_ABOVE;
  const selectedSet = useMemo(() => new Set(selected), [selected]);
  // Edges come from the text (removals go through onEdgesDelete); only their selection is kept here.
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(new Set());

  // Node and edge objects are reused while what they show is unchanged: React Flow then skips them,
  // which is what keeps a keystroke on a 1,000-resource design from redrawing 1,000 nodes.
  // A resource the reader did not change is the same object as before (see graph-sharing), which spares
  // comparing what it shows.
  const nodeCache = useRef(
    new Map<string, { key: string; node: ResourceFlowNode; shown: readonly [ResourceNodeData, XY, boolean, boolean, string | null] }>(),
  );
  const edgeCache = useRef(
    new Map<string, { key: string; edge: DependencyFlowEdge; shown: readonly [GraphEdge, EdgeLayout | undefined, boolean] }>(),
  );
  const termCache = useRef(new Map<string, { key: string; node: TermFlowNode }>());
  const lastNodes = useRef<Node[]>([]);
  const lastEdges = useRef<Edge[]>([]);

  const nodes = useMemo<Node[]>(() => {
    if (!graph) return [];
    const cache = nodeCache.current;
    const seen = new Set<string>();
    const out: Node[] = graph.resources.map((r): ResourceFlowNode => {
      seen.add(r.name);
      const position = positions[r.name] ?? { x: 0, y: 0 };
      const selected = selectedSet.has(r.name);
      const shown = [r, position, selected, Boolean(expanded[r.name]), plan[r.name] ?? null] as const;
      const hit = cache.get(r.name);
      if (hit && hit.shown.every((v, i) => v === shown[i])) return hit.node;
      // A node follows its resource's live state itself (see ResourceNode): a deployment's events then
      // draw only the nodes they change, without going through React Flow's nodes.
      const data = {
        ...r,
        // Lines move with every edit above a resource; the node does not show them.
        line: 0,
        expanded: Boolean(expanded[r.name]),
        planAction: plan[r.name] ?? null,
      };
      const key = JSON.stringify([data, position.x, position.y, selected]);
      if (hit && hit.key === key) {
        hit.shown = shown;
        return hit.node;
      }
      // Plain nodes have a known size and handles, which spares React Flow drawing a thousand of them on
      // first render to measure them. With `measured` given, React Flow also keeps the handles instead of
      // measuring the node again whenever its data (a status, a badge) changes.
      const sized = r.members
        ? {}
        : { width: NODE_WIDTH, height: NODE_HEIGHT, measured: { width: NODE_WIDTH, height: NODE_HEIGHT }, handles: FIXED_NODE_HANDLES };
      const node: ResourceFlowNode = { id: r.name, type: 'resource', position, selected, data, ...sized };
      cache.set(r.name, { key, node, shown });
      return node;
    });
    for (const name of [...cache.keys()]) if (!seen.has(name)) cache.delete(name);
    const terms = termCache.current;
    const term = (id: string, position: XY, data: TermFlowNode['data']): TermFlowNode => {
      const chosen = selectedSet.has(id);
      const key = JSON.stringify([position, data, chosen]);
      const hit = terms.get(id);
      if (hit && hit.key === key) return hit.node;
      const node: TermFlowNode = { id, type: 'term', position, selectable: false, data, ...(chosen ? { className: 'term-selected' } : {}) };
      terms.set(id, { key, node });
      return node;
    };
    // Resources the plan deletes still show, as ghosts, so that the user sees what goes.
    const ghosts = planChanges.filter((c) => (c.action === 'delete' || c.action === 'retain') && !seen.has(c.resource));
    const xs = ghosts.length ? Object.values(positions).map((p) => p.x) : [];
    ghosts.forEach((c, i) => {
      out.push({
        id: `ghost:${c.resource}`,
        type: 'resource',
        position: positions[c.resource] ?? { x: (xs.length ? Math.max(...xs) : 0) + NODE_WIDTH + 120, y: i * (NODE_HEIGHT + 24) },
        selectable: false,
        draggable: false,
        data: {
          name: c.resource,
          type: c.type,
          category: categoryOf(c.type),
          line: 0,
          errors: 0,
          warnings: 0,
          problem: null,
          disabled: false,
          members: null,
          moreMembers: 0,
          group: null,
          expanded: false,
          planAction: c.action,
          ghost: true,
        },
      } satisfies ResourceFlowNode);
    });
    // Parameters that outnumber the resources are one node until the user opens them.
    const manyParams = graph.parameters.length > graph.resources.length;
    const paramsShown = !manyParams || expanded[PARAMETERS_GROUP];
    const span = resourceSpan(positions);
    const params = termPositions(
      positions,
      span,
      [...(manyParams ? [PARAMETERS_GROUP] : []), ...(paramsShown ? graph.parameters.map((p) => p.name) : [])],
      'param',
      'left',
    );
    if (manyParams) {
      out.push(
        term(PARAMETERS_GROUP, params[PARAMETERS_GROUP]!, {
          name: `${paramsShown ? '▾' : '▸'} ${graph.parameters.length} parameters`,
          detail: paramsShown ? 'click to hide' : 'click to show',
          kind: 'parameter',
        }),
      );
    }
    if (paramsShown) {
      for (const p of graph.parameters) {
        out.push(term(`param:${p.name}`, params[p.name]!, { name: p.name, detail: p.type, kind: 'parameter' }));
      }
    }
    const outs = termPositions(
      positions,
      span,
      graph.outputs.map((o) => o.name),
      'output',
      'right',
    );
    for (const o of graph.outputs) {
      out.push(term(`output:${o.name}`, outs[o.name]!, { name: o.name, detail: o.requires.join(', ') || '—', kind: 'output' }));
    }
    return sameItems(lastNodes, out);
  }, [graph, positions, selectedSet, expanded, plan, planChanges]);

  // Each edge's route around the nodes in its way and its label's place (layoutEdges, as the SVG export
  // draws them), computed again only when their geometry changed (EdgeLayouts). While nodes are dragged,
  // the edges at them are plain curves, and all are routed when they are dropped.
  const edgeLayouts = useRef(new EdgeLayouts());
  const [dragging, setDragging] = useState(false);
  // A group is as tall as its member list when expanded (React Flow measures it); other nodes are NODE_HEIGHT.
  const groups = useMemo(() => (graph?.resources ?? []).filter((r) => r.members).map((r) => r.name), [graph]);
  // (Compared key by key: a pan, which changes no height, draws nothing again.)
  const heights = useStore(
    useCallback((s: ReactFlowState) => groupHeights(groups, s.nodeLookup), [groups]),
    shallow,
  );
  // A group the user opened or closed grows or shrinks downward: the nodes under it move by as much
  // (makeRoom). Only then: a group's height also changes when it is first drawn, or its members change.
  // Each group's last measured height, and whether it was open then (React Flow forgets a node's
  // height while it measures it again).
  const measuredGroups = useRef(new Map<string, { height: number; open: boolean }>());
  useEffect(() => {
    const last = measuredGroups.current;
    const moves: Positions = {};
    for (const name of groups) {
      const height = heights[name];
      if (height === undefined) continue;
      const open = Boolean(expanded[name]);
      const before = last.get(name);
      last.set(name, { height, open });
      const at = positions[name];
      if (!before || before.height === height || before.open === open || !at) continue;
      const boxes: Record<string, Box> = {};
      for (const [other, p] of Object.entries(positions))
        boxes[other] = {
          ...p,
          ...(isTermKey(other) ? TERM_BOX : { width: NODE_WIDTH, height: last.get(other)?.height ?? NODE_HEIGHT }),
        };
      Object.assign(moves, makeRoom({ name, box: { ...at, width: NODE_WIDTH, height: before.height } }, height, boxes));
    }
    if (Object.keys(moves).length) useDesign.getState().moveNodes(moves);
    // Positions and the open groups are taken as they are when the heights change: the effect follows the heights only.
  }, [heights]);
  const boxOf = useCallback(
    (name: string) => ({ ...(positions[name] ?? { x: 0, y: 0 }), width: NODE_WIDTH, height: heights[name] ?? NODE_HEIGHT }),
    [positions, heights],
  );
  // The nodes on the overview map (a parameter or an output is about this size).
  const overviewBoxes = useMemo(
    () =>
      nodes.map((n) =>
        n.type === 'term' ? { ...n.position, ...TERM_BOX } : { ...n.position, width: NODE_WIDTH, height: heights[n.id] ?? NODE_HEIGHT },
      ),
    [nodes, heights],
  );
  const geometry = useMemo(
    () => (graph?.edges ?? []).map((e) => ({ id: e.id, source: boxOf(e.source), target: boxOf(e.target), label: e.label })),
    [graph, boxOf],
  );
  const layouts = useMemo(() => {
    if (!graph) return [];
    if (dragging) return edgeLayouts.current.held(geometry);
    return edgeLayouts.current.layout(
      geometry,
      graph.resources.map((r) => boxOf(r.name)),
    );
  }, [graph, geometry, boxOf, dragging]);
  // A drag is one undo step.
  const onNodeDragStart = useCallback(() => {
    session.beginMove();
    setDragging(true);
  }, []);
  const onNodeDragStop = useCallback(() => {
    session.endMove();
    setDragging(false);
  }, []);

  const edges = useMemo<Edge[]>(() => {
    const cache = edgeCache.current;
    const seen = new Set<string>();
    const out = (graph?.edges ?? []).map((e, i): DependencyFlowEdge => {
      seen.add(e.id);
      const selected = selectedEdges.has(e.id);
      // The same edge, layout and selection as before (kept by the graph's sharing and EdgeLayouts): the same object.
      const shown = [e, layouts[i], selected] as const;
      const hit = cache.get(e.id);
      if (hit && hit.shown.every((v, k) => v === shown[k])) return hit.edge;
      const place = layouts[i]?.label ?? { t: 0.5, dy: 0 };
      const via = layouts[i]?.via ?? [];
      const key = `${e.kind}|${e.label}|${selected}|${place.t}|${place.dy}|${via.map((p) => `${p.x},${p.y}`).join(' ')}`;
      if (hit && hit.key === key) {
        hit.shown = shown;
        return hit.edge;
      }
      const edge: DependencyFlowEdge = {
        id: e.id,
        source: e.source,
        target: e.target,
        type: 'dependency',
        markerEnd: MARKER,
        data: { kind: e.kind, label: e.label, labelT: place.t, labelDy: place.dy, via },
        // Heat's own rules and signals are not written as such in the template: nothing to remove.
        deletable: e.kind !== 'implicit' && e.kind !== 'signal',
        selected,
      };
      cache.set(e.id, { key, edge, shown });
      return edge;
    });
    for (const id of [...cache.keys()]) if (!seen.has(id)) cache.delete(id);
    return sameItems(lastEdges, out);
  }, [graph, selectedEdges, layouts]);

  // Routes that leave the box of their two nodes, which React Flow does not draw while only that box is out of view.
  const offscreen = useMemo<OffscreenRoute[]>(() => {
    if (!graph || !drawOnlyInView) return [];
    return routesBeyondNodes(geometry, layouts).map((r) => ({
      ...r,
      edge: graph.edges[r.index]!,
      layout: layouts[r.index]!,
      selected: selectedEdges.has(graph.edges[r.index]!.id),
    }));
  }, [graph, geometry, layouts, drawOnlyInView, selectedEdges]);

  // An edge the canvas draws itself, clicked: it alone is selected, as a click on one of React Flow's does.
  const selectEdge = useCallback((id: string) => {
    if (useDesign.getState().selected.length) useDesign.getState().select([]);
    setSelectedEdges(new Set([id]));
  }, []);

  const onNodesChange = useCallback((changes: NodeChange[]) => {
    const moves: Record<string, XY> = {};
    let selection: Set<string> | null = null;
    for (const c of changes) {
      if (c.type === 'position' && c.position) moves[c.id] = c.position;
      if (c.type === 'select' && !isTermKey(c.id)) {
        // A parameter or output (param:x) is not kept when resources are selected on the canvas.
        selection ??= new Set(useDesign.getState().selected.filter((n) => !isTermKey(n)));
        if (c.selected) selection.add(c.id);
        else selection.delete(c.id);
      }
    }
    if (Object.keys(moves).length) useDesign.getState().moveNodes(moves);
    if (selection) useDesign.getState().select([...selection]);
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const selects = changes.filter((c) => c.type === 'select');
    if (!selects.length) return;
    setSelectedEdges((current) => {
      const next = new Set(current);
      for (const c of selects)
        if (c.selected) next.add(c.id);
        else next.delete(c.id);
      return next;
    });
  }, []);

  // A connection: a depends_on, or, when the dependent has properties that take the other's id or one of
  // its attributes, a menu of those (each fills the property with get_resource or get_attr) beside depends_on.
  const [choosing, setChoosing] = useState<{ resource: string; requires: string; choices: ConnectionChoice[]; at: XY } | null>(null);
  // The menu's choices hold paths into the text as it was: any change to the design closes it.
  useEffect(() => setChoosing(null), [graph]);
  const connect = useCallback((resource: string, requires: string, point: { clientX: number; clientY: number }) => {
    const info = session.analysisNow()?.resources ?? [];
    const from = info.find((r) => r.name === resource);
    const to = info.find((r) => r.name === requires);
    const choices = from && to ? connectionChoices(from, to) : [];
    const box = container.current?.getBoundingClientRect();
    if (!choices.length || !box) useDesign.getState().apply({ op: 'addDependency', resource, requires });
    else setChoosing({ resource, requires, choices, at: { x: point.clientX - box.left, y: point.clientY - box.top } });
  }, []);
  // React Flow reports a connection made on a dot (onConnect), then where the pointer was let go (onConnectEnd).
  const madeOnDot = useRef<Connection | null>(null);
  const onConnectStart = useCallback(() => {
    madeOnDot.current = null;
  }, []);
  const onConnect = useCallback((c: Connection) => {
    madeOnDot.current = c;
  }, []);

  // A connection dropped on a node's body (not on its dot) connects to that node too.
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const point = 'changedTouches' in event ? event.changedTouches[0] : event;
      const dot = madeOnDot.current;
      madeOnDot.current = null;
      if (dot) {
        if (dot.source && dot.target && dot.source !== dot.target) connect(dot.source, dot.target, point ?? { clientX: 0, clientY: 0 });
        return;
      }
      if (state.isValid || !state.fromNode || !state.fromHandle) return;
      if (!point) return;
      const under = document.elementFromPoint(point.clientX, point.clientY)?.closest<HTMLElement>('.react-flow__node[data-id]');
      const other = under?.dataset.id;
      const names = new Set(useDesign.getState().graph?.resources.map((r) => r.name));
      // Ghosts (resources the plan deletes) are not in the template: nothing to connect.
      if (!other || other === state.fromNode.id || !names.has(other) || !names.has(state.fromNode.id)) return;
      // From the dependent's dot (source) to what it requires, or the other way from a target dot.
      const [resource, requires] = state.fromHandle.type === 'source' ? [state.fromNode.id, other] : [other, state.fromNode.id];
      connect(resource, requires, point);
    },
    [connect],
  );

  const onEdgesDelete = useCallback((removed: Edge[]) => {
    const design = useDesign.getState();
    for (const e of removed) {
      const kind = (e.data as { kind?: string } | undefined)?.kind;
      if (kind === 'depends_on') design.apply({ op: 'removeDependency', resource: e.source, requires: e.target });
      else
        design.notify(
          'info',
          `${e.source} refers to ${e.target} through its property ${(e.data as { label?: string } | undefined)?.label ?? ''}: change that property to remove this edge.`,
        );
    }
  }, []);

  const onNodesDelete = useCallback((removed: Node[]) => {
    for (const n of removed) if (n.type === 'resource') useDesign.getState().apply({ op: 'removeResource', name: n.id });
  }, []);

  const onDragOver = useCallback((event: React.DragEvent) => {
    if (event.dataTransfer.types.includes(PALETTE_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (event: React.DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_MIME);
      if (!type) return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      useDesign.getState().apply({ op: 'addResource', type }, { at: { x: at.x - NODE_WIDTH / 2, y: at.y - 20 } });
    },
    [flow],
  );

  // A parameter or output is not a React Flow selection: a click on the pane clears it too.
  const onPaneClick = useCallback(() => {
    setChoosing(null);
    if (useDesign.getState().selected.length) useDesign.getState().select([]);
  }, []);
  // Kept the same across renders: React Flow hands it to every node, and a new one redraws them all.
  const onNodeClick = useCallback((_: unknown, n: Node) => {
    if (n.id === PARAMETERS_GROUP) useDesign.getState().toggleExpanded(PARAMETERS_GROUP);
    // A parameter or an output opens in the inspector.
    else if (n.id.startsWith('param:') || n.id.startsWith('output:')) useDesign.getState().select([n.id]);
  }, []);

  // Zoomed far out, nodes are drawn as plain coloured boxes (their text is unreadable there anyway): a class
  // on the container switches it, so zooming costs no React render and a big canvas paints far less.
  const container = useRef<HTMLDivElement>(null);
  const onMove = useCallback((_event: unknown, viewport: { zoom: number }) => {
    container.current?.classList.toggle('zoomed-out', viewport.zoom < COMPACT_ZOOM);
  }, []);

  return (
    <div className={`canvas${stale ? ' is-stale' : ''}`} data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop} ref={container}>
      <ReactFlow
        onMove={onMove}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onNodeDragStart={onNodeDragStart}
        onNodeDragStop={onNodeDragStop}
        onSelectionDragStart={onNodeDragStart}
        onSelectionDragStop={onNodeDragStop}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onPaneClick={onPaneClick}
        onNodeClick={onNodeClick}
        onConnectStart={onConnectStart}
        onConnectEnd={onConnectEnd}
        // A connection made by clicking one dot, then the other, ends here too.
        onClickConnectEnd={onConnectEnd}
        onEdgesDelete={onEdgesDelete}
        onNodesDelete={onNodesDelete}
        deleteKeyCode={['Delete', 'Backspace']}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionKeyCode="Shift"
        onlyRenderVisibleElements={drawOnlyInView}
        minZoom={MIN_ZOOM}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <OffscreenRoutes routes={offscreen} onSelect={selectEdge} />
        <Background gap={24} />
        <OverviewMap boxes={overviewBoxes} />
        <Controls showInteractive={false} />
        {choosing && (
          <div
            className="connect-menu"
            data-testid="connect-menu"
            role="menu"
            aria-label={`Connect ${choosing.resource} to ${choosing.requires}`}
            style={{ left: choosing.at.x, top: choosing.at.y }}
            onKeyDown={(e) => e.key === 'Escape' && setChoosing(null)}
          >
            <div className="connect-menu-head">
              {choosing.resource} → {choosing.requires}
            </div>
            {choosing.choices.map((c) => (
              <button
                key={c.label}
                role="menuitem"
                autoFocus={c === choosing.choices[0]}
                onClick={() => {
                  setChoosing(null);
                  useDesign.getState().apply({ op: 'setProperty', resource: choosing.resource, path: c.path, value: c.value });
                }}
              >
                {c.label}: {choiceText(c.value)}
              </button>
            ))}
            <button
              role="menuitem"
              onClick={() => {
                setChoosing(null);
                useDesign.getState().apply({ op: 'addDependency', resource: choosing.resource, requires: choosing.requires });
              }}
            >
              depends_on only
            </button>
            <button role="menuitem" className="link" onClick={() => setChoosing(null)}>
              Cancel
            </button>
          </div>
        )}
      </ReactFlow>
    </div>
  );
}
