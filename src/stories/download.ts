/**
 * Downloads a file a member attached to a command (`/kiss-story import`), with the guards a link
 * from a client needs: only from Discord's file hosts (or the API's own host, such as a local
 * simulator), over the network with a deadline, and never more than `maxBytes`.
 */

/** Where Discord serves attachments. */
const DISCORD_FILE_HOSTS: ReadonlySet<string> = new Set(['cdn.discordapp.com', 'media.discordapp.net']);

export class DownloadError extends Error {
  constructor(
    readonly reason: 'host' | 'status' | 'too-large' | 'network',
    message: string,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadOptions {
  readonly maxBytes: number;
  /** The Discord API the bot talks to; its host serves attachments too (a simulator, a proxy's upstream). */
  readonly apiUrl: string;
  readonly timeoutMs?: number | undefined;
}

/** Whether the bot may fetch `url`: https on Discord's file hosts, or the API's own origin. */
export function isAttachmentUrl(url: string, apiUrl: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  if (parsed.protocol === 'https:' && DISCORD_FILE_HOSTS.has(parsed.hostname) && parsed.port === '') return true;
  try {
    return parsed.origin === new URL(apiUrl).origin;
  } catch {
    return false;
  }
}

/** The file's text (UTF-8), or a DownloadError. */
export async function downloadAttachment(url: string, options: DownloadOptions): Promise<string> {
  if (!isAttachmentUrl(url, options.apiUrl)) throw new DownloadError('host', `not an attachment address: ${new URL(url).host}`);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 15_000), redirect: 'error' });
  } catch (error) {
    throw new DownloadError('network', error instanceof Error ? error.message : String(error));
  }
  if (!response.ok || !response.body) throw new DownloadError('status', `HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > options.maxBytes) {
    await response.body.cancel();
    throw new DownloadError('too-large', `${declared} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Read piece by piece, so a file larger than it said is cut off at `maxBytes`.
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > options.maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw new DownloadError('too-large', `more than ${options.maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
