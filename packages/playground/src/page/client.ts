/** Calls to the playground's API (`/play/api/...`): the only server the page talks to. */
import type { PlayApiError } from '../api-types.js';

/** A request the playground refused, with its one-line reason. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

async function answer<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({ error: `HTTP ${res.status}` }))) as T | PlayApiError;
  if (!res.ok) throw new ApiRequestError(res.status, (body as PlayApiError).error ?? `HTTP ${res.status}`);
  return body as T;
}

export async function getJson<T>(path: string, query: Record<string, string> = {}): Promise<T> {
  const qs = new URLSearchParams(query).toString();
  return answer<T>(await fetch(`/play/api${path}${qs ? `?${qs}` : ''}`, { headers: { accept: 'application/json' } }));
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(`/play/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}
