// Heat's convergence state, in the shared database: an operation (one
// traversal id) walks phases; a phase is a graph of nodes, one per resource
// action. A node waits for its requirements (one input row per completed
// requirement, so a repeated report changes nothing), is held by one worker
// at a time (owner + lease), and settles once: done, failed or skipped.
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Database } from '@hearth/store';

import { abortsRunning, PHASE_KINDS, STOP_REASONS, type PhaseKind, type PhaseNode, type StopReason, type Work } from '@hearth/engine';
import { clusterTables, type ClusterDatabase } from './tables.ts';

export type { PhaseKind, PhaseNode, StopReason, Work };

const WORKS: readonly Work[] = ['create', 'update', 'replace', 'unchanged', 'delete', 'check', 'suspend', 'resume', 'adopt', 'forget'];

/** A stored phase kind or stop reason, checked once as it is read. */
function checked<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`The database holds a ${what} Hearth does not know: ${JSON.stringify(value)}.`);
}

export interface NodeRef {
  stackId: string;
  traversal: string;
  phase: number;
  key: string;
}

export interface PhaseRef {
  stackId: string;
  traversal: string;
  phase: number;
}

export interface PhaseRow {
  kind: PhaseKind;
  failure: string | null;
  stopped: boolean;
  stopReason: StopReason | null;
  /** When the stack's timeout ends the phase (ms since the epoch), or null. */
  deadline: number | null;
  /** After a resource failed: when actions still running are aborted (ms since the epoch), or null. */
  abortAt: number | null;
}

/** A phase's first trouble (its first failure, or its stop): the stack's state must say so at once. */
export interface FirstTrouble {
  ref: PhaseRef;
  kind: PhaseKind;
  trouble: { failure: string } | { stop: StopReason };
}

const PHASE_COLUMNS = ['kind', 'failure', 'stopped', 'stop_reason', 'deadline', 'abort_at'] as const;

function phaseFromRow(row: {
  kind: string;
  failure: string | null;
  stopped: number;
  stop_reason: string | null;
  deadline: string | null;
  abort_at: string | null;
}): PhaseRow {
  return {
    kind: checked(row.kind, PHASE_KINDS, 'phase kind'),
    failure: row.failure,
    stopped: Boolean(row.stopped),
    stopReason: row.stop_reason === null ? null : checked(row.stop_reason, STOP_REASONS, 'stop reason'),
    deadline: row.deadline === null ? null : Date.parse(row.deadline),
    abortAt: row.abort_at === null ? null : Date.parse(row.abort_at),
  };
}

export interface NodeRow {
  resourceId: number;
  work: Work;
  startedAt: number;
  /** True when this claim is the node's first: its action has not begun before. */
  firstStart: boolean;
  /** True when its IN_PROGRESS event has been written. */
  announced: boolean;
}

export type Claim = { status: 'claimed'; node: NodeRow; phase: PhaseRow } | { status: 'busy' } | { status: 'settled' };

export interface Settlement {
  ref: NodeRef;
  outcome: 'done' | 'failed' | 'skipped';
  /** A failure's reason (the phase's failure, when it is the first). */
  reason?: string;
  stopReason?: StopReason | null;
}

export interface Settled {
  /** False when the node was not this worker's to settle (another took it over, or it is settled). */
  accepted: boolean;
  /** Nodes this settlement released: their requirements are all complete. */
  ready: NodeRef[];
  /** Its phase's first trouble, when this settlement was it. */
  troubles: FirstTrouble[];
}

/** States of a node that has not settled yet. */
const OPEN_STATES = ['waiting', 'ready', 'running'];

/** A node's primary key as one string (a row's phase may come back as a string: it reads the same). */
const idOf = (r: { traversal: string; phase: number | string; key: string }) => `${r.traversal}\u0000${r.phase}\u0000${r.key}`;
const phaseIdOf = (r: PhaseRef) => `${r.traversal}\u0000${r.phase}`;
const byId = <T extends { traversal: string; phase: number | string; key: string }>(a: T, b: T) =>
  idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0;

/** One of the nodes (each once), by primary key; sorted so that concurrent writers lock rows in the same order. */
function nodeIn(eb: ExpressionBuilder<ClusterDatabase, 'cluster_nodes'>, refs: NodeRef[]) {
  const sorted = [...new Map(refs.map((r) => [idOf(r), r])).values()].sort(byId);
  return eb(
    eb.refTuple('traversal', 'phase', 'key'),
    'in',
    sorted.map((r) => eb.tuple(r.traversal, r.phase, r.key)),
  );
}

export class Traversals {
  private readonly db: Kysely<ClusterDatabase>;

  /** Over a store's connection or, for work that must commit together, its transaction (`tx.db`). */
  constructor(db: Kysely<Database>) {
    this.db = clusterTables(db);
  }

  /** Writes a phase and its nodes; returns the nodes that need nothing (to enqueue). */
  async addPhase(ref: PhaseRef, kind: PhaseKind, nodes: PhaseNode[], deadline: Date | null = null): Promise<NodeRef[]> {
    const known = new Set(nodes.map((n) => n.key));
    const dependents = new Map<string, string[]>(nodes.map((n) => [n.key, []]));
    const requires = new Map<string, string[]>();
    for (const n of nodes) {
      const deps = [...new Set(n.requires)].filter((d) => known.has(d) && d !== n.key);
      requires.set(n.key, deps);
      for (const d of deps) dependents.get(d)!.push(n.key);
    }
    await this.db
      .insertInto('cluster_phases')
      .values({
        traversal: ref.traversal,
        phase: ref.phase,
        kind,
        total: nodes.length,
        failure: null,
        stopped: 0,
        stop_reason: null,
        deadline: deadline?.toISOString() ?? null,
        abort_at: null,
        ended: 0,
      })
      .execute();
    for (let i = 0; i < nodes.length; i += 500) {
      await this.db
        .insertInto('cluster_nodes')
        .values(
          nodes.slice(i, i + 500).map((n) => ({
            traversal: ref.traversal,
            phase: ref.phase,
            key: n.key,
            resource_id: n.resourceId,
            work: n.work,
            dependents: JSON.stringify(dependents.get(n.key)),
            remaining: requires.get(n.key)!.length,
            state: requires.get(n.key)!.length === 0 ? 'ready' : 'waiting',
            owner: null,
            lease_until: null,
            started_at: null,
            attempts: 0,
          })),
        )
        .execute();
    }
    return nodes.filter((n) => requires.get(n.key)!.length === 0).map((n) => ({ ...ref, key: n.key }));
  }

  async phase(ref: PhaseRef): Promise<PhaseRow | null> {
    const row = await this.db
      .selectFrom('cluster_phases')
      .select(PHASE_COLUMNS)
      .where('traversal', '=', ref.traversal)
      .where('phase', '=', ref.phase)
      .executeTakeFirst();
    return row ? phaseFromRow(row) : null;
  }

  /** The phase of the traversal that has not ended yet, if any. */
  async current(traversal: string): Promise<(PhaseRow & { phase: number }) | null> {
    const row = await this.db
      .selectFrom('cluster_phases')
      .select([...PHASE_COLUMNS, 'phase'])
      .where('traversal', '=', traversal)
      .where('ended', '=', 0)
      .orderBy('phase', 'desc')
      .executeTakeFirst();
    return row ? { ...phaseFromRow(row), phase: Number(row.phase) } : null;
  }

  /**
   * Takes the node for `owner`: it must be ready, or held by a worker whose
   * lease has run out (that worker is taken for dead, as Heat does with an
   * engine that no longer answers).
   */
  async claim(ref: NodeRef, owner: string, leaseMs: number): Promise<Claim> {
    return (await this.claimMany([ref], owner, leaseMs))[0]!;
  }

  /** Takes several nodes at once (one statement); a node named twice is claimed for its first mention. */
  async claimMany(refs: NodeRef[], owner: string, leaseMs: number): Promise<Claim[]> {
    if (!refs.length) return [];
    const now = new Date();
    const rows = await this.db
      .updateTable('cluster_nodes')
      .set((eb) => ({
        state: 'running',
        owner,
        lease_until: new Date(now.getTime() + leaseMs).toISOString(),
        attempts: eb('attempts', '+', 1),
        started_at: eb.fn.coalesce('started_at', eb.val(now.toISOString())),
      }))
      .where((eb) => nodeIn(eb, refs))
      .where((eb) => eb.or([eb('state', '=', 'ready'), eb.and([eb('state', '=', 'running'), eb('lease_until', '<', now.toISOString())])]))
      .returning(['traversal', 'phase', 'key', 'resource_id', 'work', 'started_at', 'announced'])
      .execute();
    const claimed = new Map(rows.map((r) => [idOf(r), r]));
    const missed = refs.filter((r) => !claimed.has(idOf(r)));
    const states = new Map(
      missed.length
        ? (
            await this.db
              .selectFrom('cluster_nodes')
              .select(['traversal', 'phase', 'key', 'state'])
              .where((eb) => nodeIn(eb, missed))
              .execute()
          ).map((r) => [idOf(r), r.state])
        : [],
    );
    const phases = new Map<string, PhaseRow | null>();
    for (const ref of refs) {
      if (claimed.has(idOf(ref)) && !phases.has(phaseIdOf(ref))) phases.set(phaseIdOf(ref), await this.phase(ref));
    }
    const taken = new Set<string>();
    return refs.map((ref): Claim => {
      const id = idOf(ref);
      const row = claimed.get(id);
      if (!row) return states.get(id) === 'running' ? { status: 'busy' } : { status: 'settled' };
      // Named twice in one batch: the first mention holds it.
      if (taken.has(id)) return { status: 'busy' };
      taken.add(id);
      const startedAt = row.started_at!;
      return {
        status: 'claimed',
        node: {
          resourceId: Number(row.resource_id),
          work: checked(row.work, WORKS, 'node work'),
          startedAt: Date.parse(startedAt),
          // Claimed again only after a step or a takeover: never within the millisecond of the first claim.
          firstStart: startedAt === now.toISOString(),
          announced: Boolean(row.announced),
        },
        phase: phases.get(phaseIdOf(ref))!,
      };
    });
  }

  /** Marks the node's IN_PROGRESS event written; false when it already was (or the node is not this worker's). */
  async announce(ref: NodeRef, owner: string): Promise<boolean> {
    return (await this.announceMany([ref], owner))[0]!;
  }

  /** announce() for several nodes in one statement; a node named twice is announced for its first mention. */
  async announceMany(refs: NodeRef[], owner: string): Promise<boolean[]> {
    if (!refs.length) return [];
    const rows = await this.db
      .updateTable('cluster_nodes')
      .set({ announced: 1 })
      .where((eb) => nodeIn(eb, refs))
      .where('state', '=', 'running')
      .where('owner', '=', owner)
      .where('announced', '=', 0)
      .returning(['traversal', 'phase', 'key'])
      .execute();
    const won = new Set(rows.map((r) => idOf(r)));
    return refs.map((ref) => won.delete(idOf(ref)));
  }

  /** Hands a node that is still in progress back (its next step is a new job). */
  async release(ref: NodeRef, owner: string): Promise<boolean> {
    const r = await this.db
      .updateTable('cluster_nodes')
      .set({ state: 'ready', owner: null, lease_until: null })
      .where('traversal', '=', ref.traversal)
      .where('phase', '=', ref.phase)
      .where('key', '=', ref.key)
      .where('state', '=', 'running')
      .where('owner', '=', owner)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Keeps the nodes a live worker is acting on from being taken for abandoned. */
  async renewLeases(owner: string, nodes: NodeRef[], leaseMs: number): Promise<void> {
    if (!nodes.length) return;
    await this.db
      .updateTable('cluster_nodes')
      .set({ lease_until: new Date(Date.now() + leaseMs).toISOString() })
      .where('owner', '=', owner)
      .where('state', '=', 'running')
      .where((eb) => eb.or(nodes.map((n) => eb.and([eb('traversal', '=', n.traversal), eb('phase', '=', n.phase), eb('key', '=', n.key)]))))
      .execute();
  }

  /**
   * Settles a node once, by the worker holding it. Done: each dependent records this input and is
   * released when it has them all. Failed: the phase stops, and the nodes
   * still waiting are skipped (those running finish, as in one process).
   */
  async settle(
    ref: NodeRef,
    owner: string,
    outcome: 'done' | 'failed' | 'skipped',
    reason = '',
    stopReason: StopReason | null = null,
    abortAfterMs?: number,
  ): Promise<Settled> {
    const { accepted, ready, troubles } = await this.settleMany([{ ref, outcome, reason, stopReason }], owner, abortAfterMs);
    return { accepted: accepted[0]!, ready, troubles };
  }

  /**
   * settle() for several nodes in a few statements: all node rows first
   * (settled, released, skipped), phase rows last, as every other writer of
   * both does. Returns whether each was accepted, and the nodes released.
   */
  async settleMany(
    items: Settlement[],
    owner: string,
    /** After a phase's first failure, how long actions still running may go on. */
    abortAfterMs?: number,
  ): Promise<{ accepted: boolean[]; ready: NodeRef[]; troubles: FirstTrouble[] }> {
    const settledRows = new Map<string, string>();
    for (const outcome of ['done', 'failed', 'skipped'] as const) {
      const refs = items.filter((i) => i.outcome === outcome).map((i) => i.ref);
      if (!refs.length) continue;
      const rows = await this.db
        .updateTable('cluster_nodes')
        .set({ state: outcome, owner: null, lease_until: null })
        .where((eb) => nodeIn(eb, refs))
        .where('state', '=', 'running')
        .where('owner', '=', owner)
        .returning(['traversal', 'phase', 'key', 'dependents'])
        .execute();
      for (const r of rows) settledRows.set(idOf(r), r.dependents);
    }
    const acceptedIds = new Set<string>();
    const accepted = items.map((i) => {
      const id = idOf(i.ref);
      if (!settledRows.has(id) || acceptedIds.has(id)) return false;
      acceptedIds.add(id);
      return true;
    });
    const done = items.filter((i, n) => accepted[n] && i.outcome === 'done');
    const failed = items.filter((i, n) => accepted[n] && i.outcome === 'failed');
    const ready = await this.releaseDependents(
      done.map((i) => ({ ref: i.ref, dependents: JSON.parse(settledRows.get(idOf(i.ref))!) as string[] })),
    );
    const troubles: FirstTrouble[] = [];
    if (failed.length) {
      const phases = new Map(failed.map((i) => [phaseIdOf(i.ref), i.ref]));
      for (const ref of phases.values()) await this.skipWaiting(ref);
      for (const i of failed) {
        const first = await this.markStopped(i.ref, i.reason ?? '', i.stopReason ?? null, abortAfterMs);
        if (first) troubles.push(first);
      }
    }
    return { accepted, ready, troubles };
  }

  /**
   * Records each completed node as an input of its dependents (once: a
   * repeated report changes nothing) and releases the dependents that have
   * them all.
   */
  private async releaseDependents(done: Array<{ ref: NodeRef; dependents: string[] }>): Promise<NodeRef[]> {
    const inputs = done.flatMap(({ ref, dependents }) =>
      dependents.map((key) => ({ traversal: ref.traversal, phase: ref.phase, key, satisfied_by: ref.key })),
    );
    if (!inputs.length) return [];
    const fresh = await this.db
      .insertInto('cluster_inputs')
      .values(inputs)
      .onConflict((oc) => oc.doNothing())
      .returning(['traversal', 'phase', 'key'])
      .execute();
    // Several completions in one batch may count towards the same dependent.
    const counts = new Map<string, { traversal: string; phase: number; key: string; c: number }>();
    for (const f of fresh) {
      const known = counts.get(idOf(f));
      if (known) known.c++;
      else counts.set(idOf(f), { traversal: f.traversal, phase: Number(f.phase), key: f.key, c: 1 });
    }
    if (!counts.size) return [];
    const values = [...counts.values()].sort(byId);
    const released = await sql<{ traversal: string; phase: number; key: string; state: string }>`
      update cluster_nodes as n
      set remaining = n.remaining - v.c,
          state = case when n.remaining = v.c then 'ready' else n.state end
      from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(traversal text, phase integer, key text, c integer)
      where n.traversal = v.traversal and n.phase = v.phase and n.key = v.key and n.state = 'waiting'
      returning n.traversal, n.phase, n.key, n.state`.execute(this.db);
    const stackOf = new Map(done.map(({ ref }) => [ref.traversal, ref.stackId]));
    return released.rows
      .filter((r) => r.state === 'ready')
      .map((r) => ({ stackId: stackOf.get(r.traversal)!, traversal: r.traversal, phase: Number(r.phase), key: r.key }));
  }

  /**
   * Stops the phase: nodes still waiting are skipped, and the first failure
   * (or the reason it was stopped) is kept. Nodes first, the phase's row
   * last, as every other writer of both does.
   */
  private async stopPhase(ref: PhaseRef, failure: string, stopReason: StopReason | null): Promise<FirstTrouble | null> {
    await this.skipWaiting(ref);
    return this.markStopped(ref, failure, stopReason);
  }

  private async skipWaiting(ref: PhaseRef): Promise<void> {
    await this.db
      .updateTable('cluster_nodes')
      .set({ state: 'skipped' })
      .where('traversal', '=', ref.traversal)
      .where('phase', '=', ref.phase)
      .where('state', '=', 'waiting')
      .execute();
  }

  /**
   * Marks the phase stopped, keeping its first failure and its stop reason.
   * Returns the phase's first trouble when this is it. A first trouble that
   * is a failure also sets when actions still running are aborted.
   */
  private async markStopped(
    ref: PhaseRef,
    failure: string,
    stopReason: StopReason | null,
    abortAfterMs?: number,
  ): Promise<FirstTrouble | null> {
    const abortAt =
      stopReason === null && abortAfterMs !== undefined && Number.isFinite(abortAfterMs) ? new Date(Date.now() + abortAfterMs) : null;
    const first = await this.db
      .updateTable('cluster_phases')
      .set({ stopped: 1, ...(abortAt ? { abort_at: abortAt.toISOString() } : {}) })
      .where('traversal', '=', ref.traversal)
      .where('phase', '=', ref.phase)
      .where('stopped', '=', 0)
      .returning('kind')
      .executeTakeFirst();
    await this.db
      .updateTable('cluster_phases')
      .set((eb) => ({
        failure: eb.fn.coalesce('failure', eb.val(failure)),
        // The first stop is kept, unless a later one must abort what the first
        // let run (a delete after a cancel without rollback).
        stop_reason:
          stopReason !== null && abortsRunning(stopReason)
            ? sql<string>`case when stop_reason is null or stop_reason = ${'cancelled without rollback'} then ${stopReason} else stop_reason end`
            : eb.fn.coalesce('stop_reason', eb.val(stopReason)),
      }))
      .where('traversal', '=', ref.traversal)
      .where('phase', '=', ref.phase)
      .execute();
    if (!first) return null;
    return {
      ref: { stackId: ref.stackId, traversal: ref.traversal, phase: ref.phase },
      kind: checked(first.kind, PHASE_KINDS, 'phase kind'),
      trouble: stopReason === null ? { failure } : { stop: stopReason },
    };
  }

  /** Nodes begun and waiting for their next step (what a cancel must reach at once). */
  async betweenSteps(ref: PhaseRef): Promise<NodeRef[]> {
    const rows = await this.db
      .selectFrom('cluster_nodes')
      .select('key')
      .where('traversal', '=', ref.traversal)
      .where('phase', '=', ref.phase)
      .where('state', '=', 'ready')
      .where('started_at', 'is not', null)
      .execute();
    return rows.map((r) => ({ ...ref, key: r.key }));
  }

  /** Stops a phase from outside (a cancel, a timeout): its first trouble, when this is it. */
  async stop(ref: PhaseRef, failure: string, stopReason: StopReason): Promise<FirstTrouble | null> {
    return this.stopPhase(ref, failure, stopReason);
  }

  /**
   * True when every node of the phase has settled. Asked after a settlement
   * commits: of two last settlements at once, the later commit sees both.
   */
  async allSettled(ref: PhaseRef): Promise<boolean> {
    const open = await this.db
      .selectFrom('cluster_nodes')
      .select('key')
      .where('traversal', '=', ref.traversal)
      .where('phase', '=', ref.phase)
      .where('state', 'in', OPEN_STATES)
      .limit(1)
      .executeTakeFirst();
    return open === undefined;
  }

  /** Marks the phase ended; null when another worker already ended it. */
  async endPhase(ref: PhaseRef): Promise<PhaseRow | null> {
    const row = await this.db
      .updateTable('cluster_phases')
      .set({ ended: 1 })
      .where('traversal', '=', ref.traversal)
      .where('phase', '=', ref.phase)
      .where('ended', '=', 0)
      .returning(PHASE_COLUMNS)
      .executeTakeFirst();
    return row ? phaseFromRow(row) : null;
  }
}
