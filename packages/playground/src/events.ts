import type { ServerResponse } from 'node:http';
import type { PlayEvent } from './api-types.js';

interface Listener {
  res: ServerResponse;
  /** The member the page acts as: the only one who gets their ephemeral messages. */
  viewerId: string | undefined;
}

/** How often an idle stream gets a comment line, so proxies and the browser keep it open. */
const KEEPALIVE_MS = 15_000;

/**
 * Server-Sent Events to every open page: new, edited and deleted messages (ephemeral ones only to
 * their recipient) and clock jumps.
 */
export class EventHub {
  readonly #listeners = new Set<Listener>();
  readonly #keepalive: NodeJS.Timeout;

  constructor() {
    this.#keepalive = setInterval(() => {
      for (const l of this.#listeners) l.res.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.#keepalive.unref();
  }

  /** Starts an event stream on `res` for a page acting as `viewerId`. */
  open(res: ServerResponse, viewerId: string | undefined): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 1000\n\n');
    const listener: Listener = { res, viewerId };
    this.#listeners.add(listener);
    res.on('close', () => this.#listeners.delete(listener));
  }

  /** Sends `event` to every page, or only to pages acting as `onlyViewer` when given. */
  send(event: PlayEvent, onlyViewer?: string): void {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const l of this.#listeners) {
      if (onlyViewer === undefined || l.viewerId === onlyViewer) l.res.write(line);
    }
  }

  /** Open streams (for tests and diagnostics). */
  get size(): number {
    return this.#listeners.size;
  }

  /** Ends every stream. */
  close(): void {
    clearInterval(this.#keepalive);
    for (const l of this.#listeners) l.res.end();
    this.#listeners.clear();
  }
}
