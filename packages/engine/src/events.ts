// State changes become events: written to the store first, then published
// to whoever listens. A listener that reconnects reads the store from the
// last event id it saw, so it misses nothing.
import { EventEmitter } from 'node:events';
import type { EventRecord } from '@hearth/store';

export type EventListener = (event: EventRecord) => void;

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(event: EventRecord): void {
    this.emitter.emit('event', event);
  }

  subscribe(listener: EventListener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
