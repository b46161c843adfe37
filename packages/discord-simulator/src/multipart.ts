/** Reads a REST request body: JSON, or multipart/form-data with `payload_json` and `files[n]`. */
import { ApiError, Errors } from './errors.js';

/** A file part of a multipart body. */
export interface UploadedFile {
  /** The form field name, e.g. `files[0]`. */
  field: string;
  /** The n of `files[n]`, or -1 for another field name. */
  index: number;
  filename: string;
  contentType?: string;
  data: Buffer;
}

/** A parsed request body. */
export interface ParsedBody {
  /** JSON body, or the multipart's `payload_json`; undefined when there was no body. */
  json: unknown;
  files: UploadedFile[];
  contentType?: string;
}

/** Parses a raw body by its content type; malformed JSON is a Discord 400 50109. */
export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  if (raw.length === 0) return contentType ? { json: undefined, files: [], contentType } : { json: undefined, files: [] };
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'multipart/form-data') return parseMultipart(raw, contentType ?? '');
  if (type === 'application/json' || type === '') {
    try {
      return { json: JSON.parse(raw.toString('utf8')), files: [], contentType: type || 'application/json' };
    } catch {
      throw Errors.badJson();
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    return { json: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))), files: [], contentType: type };
  }
  throw new ApiError(400, 50035, 'Invalid Form Body', {
    _errors: [{ code: 'CONTENT_TYPE_INVALID', message: `Expected "Content-Type" header to be one of {'application/json', 'multipart/form-data'}.` }],
  });
}

async function parseMultipart(raw: Buffer, contentType: string): Promise<ParsedBody> {
  let form: FormData;
  try {
    // A copy on a plain ArrayBuffer satisfies both Node's and the DOM's BodyInit types.
    const bytes = new Uint8Array(raw.length);
    bytes.set(raw);
    const request = new Request('http://simulator.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: bytes,
    });
    form = await request.formData();
  } catch {
    throw new ApiError(400, 50035, 'Invalid Form Body', {
      _errors: [{ code: 'MULTIPART_INVALID', message: 'The multipart body could not be parsed.' }],
    });
  }
  let json: unknown;
  const files: UploadedFile[] = [];
  const parts: Array<[string, string | File]> = [];
  form.forEach((value, field) => parts.push([field, value]));
  for (const [field, value] of parts) {
    if (typeof value === 'string') {
      if (field === 'payload_json') {
        try {
          json = JSON.parse(value);
        } catch {
          throw Errors.badJson();
        }
      }
      continue;
    }
    const match = /^files\[(\d+)\]$/.exec(field);
    const file: UploadedFile = {
      field,
      index: match?.[1] !== undefined ? Number(match[1]) : -1,
      filename: value.name || 'blob',
      data: Buffer.from(await value.arrayBuffer()),
    };
    if (value.type) file.contentType = value.type;
    files.push(file);
  }
  return { json, files, contentType: 'multipart/form-data' };
}
