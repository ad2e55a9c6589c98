import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../domain/events.js';
import type { EventSink } from '../engine/ports.js';

/**
 * The in-process channel from the engine (and the unsubscribe pages) to the live hub. A listener
 * that throws must not break a send, so errors are logged, not propagated.
 */
export class EventBus implements EventSink {
  /** Names this bus (one per process) on the revocations it records, so its relay skips them (revocation-relay.ts). */
  readonly id = randomUUID();
  private readonly emitter = new EventEmitter().setMaxListeners(100);

  emit(event: DomainEvent): void {
    try {
      this.emitter.emit('event', event);
    } catch (err) {
      console.error('[events] a listener failed:', err);
    }
  }

  on(listener: (event: DomainEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
