/** Injected failures: rate limits, server errors and latency on chosen routes. */
import type { LatencyFault, RateLimitFault, RouteMatcher, ServerErrorFault } from './types.js';

/** Turns a matcher into a test on the decoded path (`:param` and `{param}` match one segment). */
export function compileRoute(route: RouteMatcher): (path: string) => boolean {
  if (route instanceof RegExp) return (path) => route.test(path);
  const pattern = route
    .split('/')
    .map((segment) =>
      /^(:\w+|\{\w+\})$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  const re = new RegExp(`^${pattern}$`);
  return (path) => re.test(path);
}

interface Rule<T> {
  matches: (path: string) => boolean;
  method: string | undefined;
  remaining: number;
  spec: T;
}

/** What the REST layer should do before handling a request. */
export type FaultAction =
  | { kind: 'rateLimit'; retryAfterSec: number; scope: 'user' | 'global' | 'shared' }
  | { kind: 'serverError'; status: 500 | 502 | 503 };

/** The active faults. */
export class Faults {
  #rateLimits: Array<Rule<RateLimitFault>> = [];
  #serverErrors: Array<Rule<ServerErrorFault>> = [];
  #latencies: Array<Rule<LatencyFault>> = [];

  /** Answers the next `times` (default 1) matching requests with 429 and Discord's rate-limit headers. */
  rateLimit(o: RateLimitFault): void {
    this.#rateLimits.push(this.#rule(o, o.times ?? 1));
  }

  /** Answers the next `times` (default 1) matching requests with a 5xx status. */
  serverError(o: ServerErrorFault): void {
    this.#serverErrors.push(this.#rule(o, o.times ?? 1));
  }

  /** Delays matching requests by `ms` (real time), `times` times or until cleared. */
  latency(o: LatencyFault): void {
    this.#latencies.push(this.#rule(o, o.times ?? Number.POSITIVE_INFINITY));
  }

  /** Removes every fault. */
  clear(): void {
    this.#rateLimits = [];
    this.#serverErrors = [];
    this.#latencies = [];
  }

  /** The delay to apply to this request (consumes one use of each matching latency fault). */
  takeLatency(method: string, path: string): number {
    let ms = 0;
    for (const rule of this.#take(this.#latencies, method, path)) ms += rule.spec.ms;
    this.#latencies = this.#latencies.filter((r) => r.remaining > 0);
    return ms;
  }

  /** The failure to answer this request with, if any (consumes one use). */
  takeFailure(method: string, path: string): FaultAction | undefined {
    const [limit] = this.#take(this.#rateLimits, method, path, true);
    this.#rateLimits = this.#rateLimits.filter((r) => r.remaining > 0);
    if (limit) {
      const scope = limit.spec.scope ?? (limit.spec.global ? 'global' : 'user');
      return { kind: 'rateLimit', retryAfterSec: limit.spec.retryAfterSec ?? 1, scope };
    }
    const [error] = this.#take(this.#serverErrors, method, path, true);
    this.#serverErrors = this.#serverErrors.filter((r) => r.remaining > 0);
    if (error) return { kind: 'serverError', status: error.spec.status ?? 500 };
    return undefined;
  }

  #rule<T extends { route: RouteMatcher; method?: string }>(spec: T, times: number): Rule<T> {
    return { matches: compileRoute(spec.route), method: spec.method?.toUpperCase(), remaining: times, spec };
  }

  #take<T>(rules: Array<Rule<T>>, method: string, path: string, firstOnly = false): Array<Rule<T>> {
    const taken: Array<Rule<T>> = [];
    for (const rule of rules) {
      if (rule.remaining <= 0) continue;
      if (rule.method !== undefined && rule.method !== method.toUpperCase()) continue;
      if (!rule.matches(path)) continue;
      rule.remaining--;
      taken.push(rule);
      if (firstOnly) break;
    }
    return taken;
  }
}
