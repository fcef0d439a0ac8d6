// Reading the design's texts away from the session's thread. In the browser
// a Web Worker holds its own DesignDocument and derives the graph there, so
// that a keystroke costs the page only the canvas; the session keeps the
// full analysis (which edit operations need) and reads it on its own thread
// only when an intent or an open panel asks.
//
// Requests carry a generation: the session shows a reading only when it is
// of the newest text it asked for (newest text wins).
import type { Diagnostic } from '@hearth/template';
import { DesignDocument, type AnalysisSettings, type DesignReading, type DesignSources } from './document.ts';
import { decodeGraph, GraphSharer, type SharedGraph } from './graph-sharing.ts';
import { deriveGraph, type Graph } from './view-model.ts';

export type ReadRequest =
  /** A whole design, and how to read it (no reading is sent back: the session read it itself). */
  | { kind: 'load'; generation: number; sources: DesignSources; settings: AnalysisSettings }
  /** The template text changed. */
  | { kind: 'template'; generation: number; template: string };

/**
 * What a reader sends back of a template text: all the canvas needs, as plain data (structured-cloneable).
 * The environment's and nested files' problems change only with a load, which the session reads itself.
 */
export interface Reading {
  /** Of the text requested with this generation (the text itself is not sent back: the session has it). */
  generation: number;
  parsed: boolean;
  /** The text's graph; null when it does not parse. */
  graph: Graph | null;
  /** The template's diagnostics. */
  diagnostics: Diagnostic[];
  analysisMs: number;
  /** The reader could not read the text (why): the session reads it itself from then on. */
  failed?: string;
}

/** A reading as a reader sends it: its graph holds only what changed since the graph it sent before. */
export type SentReading = Omit<Reading, 'graph'> & { graph: SharedGraph | null };

/** Takes sent readings in the order they were sent, each graph completed from the one before. */
export class ReadingReceiver {
  private base: Graph | null = null;

  receive(sent: SentReading): Reading {
    const graph = sent.graph ? decodeGraph(sent.graph, this.base) : null;
    if (graph) this.base = graph;
    return { ...sent, graph };
  }
}

/** Where the session sends its texts to be read, and hears back. */
export interface DesignReader {
  request(request: ReadRequest): void;
  /** Set by the session: called with each reading. */
  onReading: ((reading: Reading) => void) | null;
}

/** The reading of a document as plain data. */
export function readingOf(generation: number, { analysis }: DesignReading, analysisMs: number): Reading {
  return {
    generation,
    parsed: analysis.parsed,
    graph: analysis.parsed ? deriveGraph(analysis) : null,
    diagnostics: analysis.diagnostics,
    analysisMs,
  };
}

/**
 * The reading side: one incremental document, given requests in order. Of
 * template requests that arrive together only the last is read (the
 * session would show no other).
 */
export class ReaderCore {
  private readonly document = new DesignDocument();
  private readonly sharer = new GraphSharer();
  private pending: ReadRequest[] = [];

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Queues a request; `take` reads the queue. */
  add(request: ReadRequest): void {
    // A load replaces everything queued before it; a text replaces a text queued just before it.
    if (request.kind === 'load') this.pending = [request];
    else if (this.pending.at(-1)?.kind === 'template') this.pending[this.pending.length - 1] = request;
    else this.pending.push(request);
  }

  /** Reads what is queued: the reading of the last text, if a text was queued (or why it could not). */
  take(): SentReading | null {
    const requests = this.pending;
    this.pending = [];
    let reading: Reading | null = null;
    try {
      for (const request of requests) {
        const started = this.now();
        if (request.kind === 'load') {
          this.document.load(request.sources, request.settings);
          reading = null;
        } else {
          const read = this.document.setTemplate(request.template);
          reading = readingOf(request.generation, read, this.now() - started);
        }
      }
    } catch (error) {
      const generation = requests.at(-1)!.generation;
      return {
        generation,
        parsed: false,
        graph: null,
        diagnostics: [],
        analysisMs: 0,
        failed: error instanceof Error ? error.message : String(error),
      };
    }
    return reading && { ...reading, graph: reading.graph && this.sharer.encode(reading.graph) };
  }
}

/**
 * Queues requests for a core and reads them when `schedule` runs its task:
 * requests that arrive before then are read together.
 */
function readsScheduled(
  core: ReaderCore,
  schedule: (task: () => void) => void,
  deliver: (reading: SentReading) => void,
): (request: ReadRequest) => void {
  let scheduled = false;
  return (request) => {
    core.add(request);
    if (scheduled) return;
    scheduled = true;
    schedule(() => {
      scheduled = false;
      const reading = core.take();
      if (reading) deliver(reading);
    });
  };
}

/**
 * A reader on the session's own thread (in tests, and wherever no worker
 * runs): it reads when `schedule` says, by default at once.
 */
export class InlineReader implements DesignReader {
  onReading: ((reading: Reading) => void) | null = null;
  private readonly add: (request: ReadRequest) => void;

  constructor(schedule: (task: () => void) => void = (task) => task(), now?: () => number) {
    const receiver = new ReadingReceiver();
    this.add = readsScheduled(new ReaderCore(now), schedule, (reading) => this.onReading?.(receiver.receive(reading)));
  }

  request(request: ReadRequest): void {
    this.add(request);
  }
}

/** The part of a MessagePort, a Worker or a worker's global scope a reader uses. */
export interface ReaderPort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  /** A MessagePort delivers nothing before it is started. */
  start?(): void;
}

/**
 * Serves a reader on a port (in a worker: its global scope). Requests that
 * arrive while one is read are read together: `defer` runs the reading
 * after the messages already waiting (in a worker, a timer).
 */
export function serveReader(port: ReaderPort, defer: (task: () => void) => void, now?: () => number): void {
  const add = readsScheduled(new ReaderCore(now), defer, (reading) => port.postMessage(reading));
  port.addEventListener('message', (event) => add(event.data as ReadRequest));
  port.start?.();
}

/**
 * The session's side of a reader served on a port (a worker). The port is opened at the first request
 * sent. `deferLoad` may hold a load back (until the page is idle after drawing what was loaded, so that
 * the two do not compete for the processor); a text is never held back, and is sent after any load
 * held before it.
 */
export class PortReader implements DesignReader {
  onReading: ((reading: Reading) => void) | null = null;
  private port: ReaderPort | null = null;
  private heldLoad: ReadRequest | null = null;

  constructor(
    private readonly open: () => ReaderPort,
    private readonly deferLoad: (send: () => void) => void = (send) => send(),
  ) {}

  request(request: ReadRequest): void {
    if (request.kind === 'template') {
      this.sendHeld();
      this.post(request);
      return;
    }
    const waiting = this.heldLoad !== null;
    this.heldLoad = request;
    if (!waiting) this.deferLoad(() => this.sendHeld());
  }

  private sendHeld(): void {
    const load = this.heldLoad;
    this.heldLoad = null;
    if (load) this.post(load);
  }

  private post(request: ReadRequest): void {
    if (!this.port) {
      const port = this.open();
      const receiver = new ReadingReceiver();
      port.addEventListener('message', (event) => this.onReading?.(receiver.receive(event.data as SentReading)));
      port.start?.();
      this.port = port;
    }
    this.port.postMessage(request);
  }
}
