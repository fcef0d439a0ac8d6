// The convergence state on a real PostgreSQL: releases, leases and failures
// behave when several workers settle nodes at the same moment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, startPostgresServer, type PostgresServer, type Store } from '@hearth/store';
import { CLUSTER_TABLES, clusterTables } from './tables.ts';
import { Traversals, type NodeRef, type PhaseNode } from './traversals.ts';

let postgres: PostgresServer;
let store: Store;

beforeAll(async () => {
  postgres = await startPostgresServer();
  store = await openPostgresStore(postgres.url, { tables: [CLUSTER_TABLES] });
}, 120_000);

afterAll(async () => {
  await store?.close();
  postgres?.stop();
});

let traversalCount = 0;
async function phaseOf(nodes: Array<[string, string[]]>) {
  const ref = { stackId: 's', traversal: `t${++traversalCount}`, phase: 0 };
  const phaseNodes: PhaseNode[] = nodes.map(([key, requires], i) => ({ key, resourceId: i + 1, work: 'create', requires }));
  const ready = await new Traversals(store.db).addPhase(ref, 'create', phaseNodes);
  const node = (key: string): NodeRef => ({ ...ref, key });
  const state = async (key: string) =>
    (
      await clusterTables(store.db)
        .selectFrom('cluster_nodes')
        .select(['state', 'remaining', 'owner'])
        .where('traversal', '=', ref.traversal)
        .where('key', '=', key)
        .executeTakeFirstOrThrow()
    ).state;
  return { ref, ready: ready.map((r) => r.key), node, state };
}

const inTx = <T>(work: (t: Traversals) => Promise<T>) => store.transaction((tx) => work(new Traversals(tx.db)));

/** A settlement as a worker makes it: the node, then (committed) whether the phase has settled. */
const settle = async (ref: NodeRef, owner: string, outcome: 'done' | 'failed', reason = '') => {
  const settled = await inTx((t) => t.settle(ref, owner, outcome, reason));
  return { ...settled, phaseDone: await new Traversals(store.db).allSettled(ref) };
};

describe('traversals', () => {
  it('releases a node exactly once when its two requirements complete at the same moment', async () => {
    const p = await phaseOf([
      ['a', []],
      ['b', []],
      ['c', ['a', 'b']],
    ]);
    expect(p.ready).toEqual(['a', 'b']);
    await inTx((t) => t.claim(p.node('a'), 'w1', 10_000));
    await inTx((t) => t.claim(p.node('b'), 'w2', 10_000));
    const [fromA, fromB] = await Promise.all([settle(p.node('a'), 'w1', 'done'), settle(p.node('b'), 'w2', 'done')]);
    expect([...fromA.ready, ...fromB.ready].map((r) => r.key)).toEqual(['c']);
    expect(await p.state('c')).toBe('ready');
    // A repeated report of the same completion changes nothing.
    expect((await settle(p.node('a'), 'w1', 'done')).accepted).toBe(false);
    expect(await p.state('c')).toBe('ready');
  });

  it('keeps a node with the worker holding it until its lease runs out, then lets another take it over', async () => {
    const p = await phaseOf([['a', []]]);
    const first = await inTx((t) => t.claim(p.node('a'), 'w1', 300));
    expect(first.status === 'claimed' && first.node.firstStart).toBe(true);
    expect((await inTx((t) => t.claim(p.node('a'), 'w2', 300))).status).toBe('busy');
    await new Promise((r) => setTimeout(r, 350));
    const second = await inTx((t) => t.claim(p.node('a'), 'w2', 300));
    // The same action goes on: it keeps its start, and its IN_PROGRESS event is not written again.
    expect(second.status === 'claimed' && !second.node.firstStart && second.node.startedAt).toBe(
      first.status === 'claimed' && first.node.startedAt,
    );
    // The worker taken for dead cannot settle it any more; the new holder can.
    expect((await settle(p.node('a'), 'w1', 'done')).accepted).toBe(false);
    const settled = await settle(p.node('a'), 'w2', 'done');
    expect(settled).toEqual({ accepted: true, ready: [], phaseDone: true, troubles: [] });
  });

  it('a renewed lease keeps the node held', async () => {
    const p = await phaseOf([['a', []]]);
    // Renewed at once for a minute, the lease outlives the first one however slow the machine is.
    await inTx((t) => t.claim(p.node('a'), 'w1', 300));
    await new Traversals(store.db).renewLeases('w1', [p.node('a')], 60_000);
    await new Promise((r) => setTimeout(r, 350));
    expect((await inTx((t) => t.claim(p.node('a'), 'w2', 300))).status).toBe('busy');
  });

  it('stops a phase at its first failure: waiting nodes are skipped and it ends when the running ones settle', async () => {
    const p = await phaseOf([
      ['a', []],
      ['b', []],
      ['c', ['a']],
      ['d', ['c']],
    ]);
    await inTx((t) => t.claim(p.node('a'), 'w1', 10_000));
    await inTx((t) => t.claim(p.node('b'), 'w2', 10_000));
    const failed = await settle(p.node('a'), 'w1', 'failed', 'first');
    // The first failure is reported once, so the scheduler marks the stack failed at once (as Heat does).
    expect(failed).toEqual({
      accepted: true,
      ready: [],
      phaseDone: false,
      troubles: [{ kind: 'create', ref: p.ref, trouble: { failure: 'first' } }],
    });
    expect([await p.state('c'), await p.state('d')]).toEqual(['skipped', 'skipped']);
    const last = await settle(p.node('b'), 'w2', 'failed', 'second');
    expect(last.phaseDone).toBe(true);
    expect(last.troubles).toEqual([]);
    const ended = await inTx((t) => t.endPhase(p.ref));
    expect(ended).toEqual({
      kind: 'create',
      failure: 'first',
      stopped: true,
      stopReason: null,
      deadline: null,
      abortAt: null,
    });
    // Ended once: a second phase-end job finds nothing to do.
    expect(await inTx((t) => t.endPhase(p.ref))).toBeNull();
  });

  it('claims, announces and settles a batch in a few statements, as one at a time would', async () => {
    const p = await phaseOf([
      ['a', []],
      ['b', []],
      ['c', []],
      ['join', ['a', 'b', 'c']],
      ['after-a', ['a']],
    ]);
    const claims = await inTx((t) => t.claimMany([p.node('a'), p.node('b'), p.node('a'), p.node('join')], 'w1', 10_000));
    // Named twice: the first mention holds it; a waiting node cannot be claimed.
    expect(claims.map((c) => c.status)).toEqual(['claimed', 'claimed', 'busy', 'settled']);
    await inTx((t) => t.claim(p.node('c'), 'w2', 10_000));
    expect(await inTx((t) => t.announceMany([p.node('a'), p.node('a'), p.node('c')], 'w1'))).toEqual([true, false, false]);
    // Two completions in one batch count twice towards the same dependent.
    const batch = await inTx((t) =>
      t.settleMany(
        [
          { ref: p.node('a'), outcome: 'done' },
          { ref: p.node('b'), outcome: 'done' },
          { ref: p.node('c'), outcome: 'done' },
        ],
        'w1',
      ),
    );
    expect(batch.accepted).toEqual([true, true, false]);
    expect(batch.ready.map((r) => r.key)).toEqual(['after-a']);
    expect(batch.ready[0]).toEqual(p.node('after-a'));
    expect(await p.state('join')).toBe('waiting');
    const last = await settle(p.node('c'), 'w2', 'done');
    expect(last.ready.map((r) => r.key)).toEqual(['join']);
  });

  it('a batch with a failure releases what completed and skips what still waits', async () => {
    const p = await phaseOf([
      ['a', []],
      ['b', []],
      ['after-a', ['a']],
      ['after-b', ['b']],
    ]);
    await inTx((t) => t.claimMany([p.node('a'), p.node('b')], 'w1', 10_000));
    const batch = await inTx((t) =>
      t.settleMany(
        [
          { ref: p.node('a'), outcome: 'done' },
          { ref: p.node('b'), outcome: 'failed', reason: 'b broke' },
        ],
        'w1',
      ),
    );
    expect(batch).toEqual({
      accepted: [true, true],
      ready: [p.node('after-a')],
      troubles: [{ kind: 'create', ref: p.ref, trouble: { failure: 'b broke' } }],
    });
    expect([await p.state('after-a'), await p.state('after-b')]).toEqual(['ready', 'skipped']);
    expect((await new Traversals(store.db).phase(p.ref))?.failure).toBe('b broke');
  });
});
