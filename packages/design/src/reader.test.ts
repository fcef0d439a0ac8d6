import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { DesignDocument, type AnalysisSettings } from './document.ts';
import {
  PortReader,
  ReaderCore,
  ReadingReceiver,
  readingOf,
  serveReader,
  type Reading,
  type ReaderPort,
  type ReadRequest,
} from './reader.ts';

const text = (n: number) =>
  `heat_template_version: 2018-08-31\nresources:\n${Array.from({ length: n }, (_, i) => `  r${i}: {type: OS::Heat::None${i ? `, depends_on: r${i - 1}` : ''}}\n`).join('')}`;
const load = (template: string, settings: AnalysisSettings = {}, generation = 1): ReadRequest => ({
  kind: 'load',
  generation,
  sources: { template, environment: '', files: {} },
  settings,
});

/** Node's MessagePort as a ReaderPort (its listeners are typed for any event). */
function readerPort(port: MessagePort): ReaderPort {
  return {
    postMessage: (message) => port.postMessage(message),
    addEventListener: (type, listener) => port.addEventListener(type, (event) => listener(event as MessageEvent)),
    start: () => port.start(),
  };
}

describe('ReaderCore', () => {
  it('reads requests in order: a load, then the last of the texts queued together', () => {
    const core = new ReaderCore();
    const receiver = new ReadingReceiver();
    core.add(load(text(1)));
    expect(core.take()).toBeNull();
    core.add({ kind: 'template', generation: 2, template: text(2) });
    core.add({ kind: 'template', generation: 3, template: text(3) });
    const reading = receiver.receive(core.take()!);
    expect(reading).toMatchObject({ generation: 3, parsed: true });
    expect(reading.graph!.resources.map((r) => r.name)).toEqual(['r0', 'r1', 'r2']);
    // A load drops what was queued before it.
    core.add({ kind: 'template', generation: 4, template: text(4) });
    core.add(load(text(5)));
    expect(core.take()).toBeNull();
    core.add({ kind: 'template', generation: 6, template: text(5) + '# typed\n' });
    expect(receiver.receive(core.take()!).graph!.resources).toHaveLength(5);
  });

  it('says why it could not read a text, instead of a reading', () => {
    const core = new ReaderCore();
    core.add(load(text(1)));
    core.add({ kind: 'template', generation: 2, template: null as unknown as string });
    expect(core.take()).toMatchObject({ generation: 2, graph: null, failed: expect.any(String) });
  });

  it('reads with the settings it is given (a server that runs local scripts, or refuses them)', () => {
    const script = 'heat_template_version: 2018-08-31\nresources:\n  s: {type: Hearth::Local::Script, properties: {create_command: x}}\n';
    const errors = (settings: AnalysisSettings) => {
      const core = new ReaderCore();
      core.add(load('', settings));
      core.add({ kind: 'template', generation: 2, template: script });
      return core.take()!.diagnostics.filter((d) => d.severity === 'error').length;
    };
    expect(errors({ localScripts: 'allowed' })).toBe(0);
    expect(errors({ localScripts: 'refused' })).toBe(1);
  });
});

describe('a reader served on a port', () => {
  it('reads the texts sent together once, and its reading survives the trip (structured clone)', async () => {
    const { port1, port2 } = new MessageChannel();
    const deferred: Array<() => void> = [];
    const sent = 4;
    let arrived = 0;
    const allArrived = new Promise<void>((resolve) =>
      port2.addEventListener('message', () => {
        if (++arrived === sent) resolve();
      }),
    );
    serveReader(readerPort(port2), (task) => deferred.push(task));
    const reader = new PortReader(() => readerPort(port1));
    const readings: Reading[] = [];
    const received = new Promise<void>((resolve) => {
      reader.onReading = (reading) => {
        readings.push(reading);
        resolve();
      };
    });
    reader.request(load(text(2)));
    for (let n = 3; n <= 5; n++) reader.request({ kind: 'template', generation: n - 1, template: text(n) });
    await allArrived;
    expect(deferred).toHaveLength(1);
    deferred[0]!();
    await received;
    port1.close();
    expect(readings).toHaveLength(1);
    const document = new DesignDocument();
    document.load({ template: text(2), environment: '', files: {} });
    const expected = readingOf(4, document.setTemplate(text(5)), 0);
    expect({ ...readings[0]!, analysisMs: 0 }).toEqual(expected);
    // The workflow's lookup is a Map, and stays one.
    expect(readings[0]!.graph!.workflow.byName.get('r4')!.waits.map((w) => w.on)).toEqual(['r3']);
  });
});

describe('PortReader', () => {
  it('opens its port at the first request; holds a load back until told, never a text, which follows the load', () => {
    const posted: ReadRequest[] = [];
    let opened = 0;
    const held: Array<() => void> = [];
    const reader = new PortReader(
      () => {
        opened++;
        return { postMessage: (m) => posted.push(m as ReadRequest), addEventListener: () => undefined };
      },
      (send) => held.push(send),
    );
    reader.request(load(text(1)));
    reader.request(load(text(2), {}, 2));
    expect([opened, posted, held.length]).toEqual([0, [], 1]);
    // The newest load is the one sent.
    held[0]!();
    expect(posted.map((r) => r.generation)).toEqual([2]);
    expect(opened).toBe(1);
    reader.request(load(text(3), {}, 3));
    reader.request({ kind: 'template', generation: 4, template: text(4) });
    expect(posted.map((r) => [r.kind, r.generation])).toEqual([
      ['load', 2],
      ['load', 3],
      ['template', 4],
    ]);
    // The load sent with the text is not sent again when its deferral runs.
    held[1]!();
    expect(posted).toHaveLength(3);
  });
});
