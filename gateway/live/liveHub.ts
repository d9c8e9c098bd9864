import { EventEmitter } from 'node:events';

/** What the live page shows (GET /api/live): one server-sent event per item. */
export type LiveEventName = 'decision' | 'lane' | 'passage' | 'journey';

export interface LiveEvent {
  name: LiveEventName;
  data: unknown;
}

/** In-process fan-out of live events to the open /api/live streams. */
export class LiveHub {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(name: LiveEventName, data: unknown): void {
    this.emitter.emit('event', { name, data } satisfies LiveEvent);
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  get subscribers(): number {
    return this.emitter.listenerCount('event');
  }
}
