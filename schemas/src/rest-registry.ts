// Client of the Confluent Schema Registry REST API (also served by Karapace, Apicurio's ccompat
// API and Redpanda). Ids are immutable, so schemas by id are cached forever, and concurrent
// first look-ups of one id share a single request: a consumer that starts on a partition full of
// one new schema id asks the registry once, not once per record.
import { SchemaConfigError, SchemaRegistryError } from './errors';
import { badResponse, httpError, notFound, transportError } from './registry-failure';
import type {
  CompatibilityLevel,
  CompatibilityResult,
  RegisteredSchema,
  SchemaRegistry,
} from './types';

/** Options of {@link RestSchemaRegistry}. */
export interface RestSchemaRegistryOptions {
  /**
   * Base URL of the API, path prefix included (`http://127.0.0.1:18081`,
   * `http://host/apis/ccompat/v7`). `user:password@` in the URL is taken as basic auth.
   */
  readonly url: string;
  /**
   * Time allowed for one HTTP request, connection included.
   * @defaultValue 5000
   */
  readonly timeoutMs?: number;
  /** Basic auth credentials (win over credentials in the URL). */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Extra headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * How long an id the registry answered 404 for is remembered as unknown, so a flood of records
   * with a bad id does not become a flood of requests. 0 disables it.
   * @defaultValue 30000
   */
  readonly notFoundCacheMs?: number;
}

/** Defaults of {@link RestSchemaRegistryOptions}. */
export const DEFAULT_REST_REGISTRY_OPTIONS = {
  timeoutMs: 5000,
  notFoundCacheMs: 30_000,
} as const;

/** Counters of what the client did; exposed for metrics and for tests of the cache. */
export interface RestRegistryStats {
  /** HTTP requests sent. */
  readonly requests: number;
  /** getSchemaById answered from the cache. */
  readonly cacheHits: number;
  /** getSchemaById calls that joined a request already in flight for the same id. */
  readonly inflightJoins: number;
}

interface CompiledOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly notFoundCacheMs: number;
  readonly headers: Readonly<Record<string, string>>;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** A Confluent-compatible Schema Registry reached over HTTP. */
export class RestSchemaRegistry implements SchemaRegistry {
  readonly kind = 'rest' as const;
  private readonly options: CompiledOptions;
  private readonly schemasById = new Map<number, string>();
  private readonly inflightById = new Map<number, Promise<string>>();
  private readonly notFoundUntil = new Map<number, number>();
  private readonly idsBySchema = new Map<string, number>();
  private readonly inflightRegister = new Map<string, Promise<number>>();
  private counters = { requests: 0, cacheHits: 0, inflightJoins: 0 };
  private closed = false;

  constructor(options: RestSchemaRegistryOptions) {
    this.options = compileOptions(options);
  }

  /** Base URL requests go to (credentials removed). */
  get url(): string {
    return this.options.baseUrl;
  }

  /** Copy of the counters. */
  stats(): RestRegistryStats {
    return { ...this.counters };
  }

  /** Schema JSON if this id was already fetched; lets the serde stay synchronous on the hot path. */
  getSchemaByIdSync(id: number): string | undefined {
    return this.schemasById.get(id);
  }

  getSchemaById(id: number): Promise<string> {
    const cached = this.schemasById.get(id);
    if (cached !== undefined) {
      this.counters.cacheHits++;
      return Promise.resolve(cached);
    }
    const inflight = this.inflightById.get(id);
    if (inflight) {
      this.counters.inflightJoins++;
      return inflight;
    }
    const until = this.notFoundUntil.get(id);
    if (until !== undefined) {
      if (Date.now() < until) {
        return Promise.reject(
          notFound(`schema id ${id} is not in the registry (remembered as unknown)`, 40403),
        );
      }
      this.notFoundUntil.delete(id);
    }
    const request = this.request<{ schema?: unknown; schemaType?: unknown }>(
      'GET',
      `schemas/ids/${id}`,
    )
      .then((body) => {
        if (typeof body.schema !== 'string') {
          throw badResponse(`GET schemas/ids/${id}`, 'has no "schema" string');
        }
        if (body.schemaType !== undefined && body.schemaType !== 'AVRO') {
          throw new SchemaRegistryError(
            'FS_REGISTRY_INVALID_SCHEMA',
            `schema id ${id} is ${JSON.stringify(body.schemaType)}, not AVRO`,
          );
        }
        this.schemasById.set(id, body.schema);
        return body.schema;
      })
      .catch((err: unknown) => {
        if (
          err instanceof SchemaRegistryError &&
          err.code === 'FS_REGISTRY_NOT_FOUND' &&
          this.options.notFoundCacheMs > 0
        ) {
          this.notFoundUntil.set(id, Date.now() + this.options.notFoundCacheMs);
        }
        throw err;
      })
      .finally(() => {
        // Failures are not cached (except 404 above): the next call tries again.
        this.inflightById.delete(id);
      });
    this.inflightById.set(id, request);
    return request;
  }

  register(subject: string, schema: string): Promise<number> {
    const key = `${subject}\u0000${schema}`;
    const cached = this.idsBySchema.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    const inflight = this.inflightRegister.get(key);
    if (inflight) return inflight;
    const request = this.request<{ id?: unknown }>('POST', `subjects/${enc(subject)}/versions`, {
      schema,
    })
      .then((body) => {
        const id = asId(body.id, `POST subjects/${subject}/versions`);
        this.idsBySchema.set(key, id);
        this.schemasById.set(id, schema);
        return id;
      })
      .finally(() => this.inflightRegister.delete(key));
    this.inflightRegister.set(key, request);
    return request;
  }

  async lookup(subject: string, schema: string): Promise<RegisteredSchema | undefined> {
    try {
      const body = await this.request<Record<string, unknown>>('POST', `subjects/${enc(subject)}`, {
        schema,
      });
      const found = toRegistered(body, `POST subjects/${subject}`);
      this.idsBySchema.set(`${subject}\u0000${schema}`, found.id);
      return found;
    } catch (err) {
      if (err instanceof SchemaRegistryError && err.code === 'FS_REGISTRY_NOT_FOUND')
        return undefined;
      throw err;
    }
  }

  async getVersion(subject: string, version: number | 'latest'): Promise<RegisteredSchema> {
    const body = await this.request<Record<string, unknown>>(
      'GET',
      `subjects/${enc(subject)}/versions/${version}`,
    );
    const found = toRegistered(body, `GET subjects/${subject}/versions/${version}`);
    this.schemasById.set(found.id, found.schema);
    return found;
  }

  async listVersions(subject: string): Promise<number[]> {
    const body = await this.request<unknown>('GET', `subjects/${enc(subject)}/versions`);
    if (!Array.isArray(body) || !body.every((v) => Number.isInteger(v))) {
      throw badResponse(`GET subjects/${subject}/versions`, 'is not a list of version numbers');
    }
    return body as number[];
  }

  async listSubjects(): Promise<string[]> {
    const body = await this.request<unknown>('GET', 'subjects');
    if (!Array.isArray(body) || !body.every((v): v is string => typeof v === 'string')) {
      throw badResponse('GET subjects', 'is not a list of subject names');
    }
    return body;
  }

  async checkCompatibility(
    subject: string,
    schema: string,
    version: number | 'latest' = 'latest',
  ): Promise<CompatibilityResult> {
    try {
      const body = await this.request<{ is_compatible?: unknown; messages?: unknown }>(
        'POST',
        `compatibility/subjects/${enc(subject)}/versions/${version}?verbose=true`,
        { schema },
      );
      if (typeof body.is_compatible !== 'boolean') {
        throw badResponse(
          `POST compatibility/subjects/${subject}`,
          'has no "is_compatible" boolean',
        );
      }
      const messages = Array.isArray(body.messages) ? body.messages.map(String) : [];
      return { compatible: body.is_compatible, messages };
    } catch (err) {
      // Nothing registered yet: a first version is compatible with an empty history.
      if (err instanceof SchemaRegistryError && err.registryErrorCode === 40401) {
        return { compatible: true, messages: [] };
      }
      throw err;
    }
  }

  /** Set the compatibility level of one subject (fraudstream subjects use FULL_TRANSITIVE). */
  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    await this.request('PUT', `config/${enc(subject)}`, { compatibility: level });
  }

  /** Delete a subject (soft, then hard when `permanent`); returns the deleted versions. */
  async deleteSubject(subject: string, options: { permanent?: boolean } = {}): Promise<number[]> {
    const soft = await this.request<unknown>('DELETE', `subjects/${enc(subject)}`);
    if (options.permanent) {
      await this.request<unknown>('DELETE', `subjects/${enc(subject)}?permanent=true`);
    }
    for (const key of this.idsBySchema.keys()) {
      if (key.startsWith(`${subject}\u0000`)) this.idsBySchema.delete(key);
    }
    return Array.isArray(soft) ? soft.filter((v): v is number => Number.isInteger(v)) : [];
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (this.closed) {
      throw new SchemaRegistryError(
        'FS_REGISTRY_UNAVAILABLE',
        `registry client for ${this.options.baseUrl} is closed`,
      );
    }
    const url = `${this.options.baseUrl}/${path}`;
    this.counters.requests++;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers:
          body === undefined
            ? this.options.headers
            : { ...this.options.headers, 'Content-Type': CONTENT_TYPE },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw transportError(err, method, url, this.options.timeoutMs);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      throw transportError(err, method, url, this.options.timeoutMs);
    }
    let parsed: unknown;
    try {
      parsed = text.length === 0 ? undefined : JSON.parse(text);
    } catch (err) {
      if (response.ok) throw badResponse(`${method} ${path}`, 'is not JSON', err);
      parsed = undefined;
    }
    if (!response.ok) throw httpError(response.status, method, url, parsed, text);
    return parsed as T;
  }
}

function compileOptions(options: RestSchemaRegistryOptions): CompiledOptions {
  const bad = (setting: string, expected: string, got: unknown): never => {
    throw new SchemaConfigError(
      'FS_CONFIG_INVALID',
      `RestSchemaRegistryOptions.${setting} must be ${expected}, got ${JSON.stringify(got)}`,
    );
  };
  let parsed: URL;
  try {
    parsed = new URL(options.url);
  } catch {
    return bad('url', 'an absolute http(s) URL', options.url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    bad('url', 'an http or https URL', options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_REST_REGISTRY_OPTIONS.timeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    bad('timeoutMs', 'a positive number of milliseconds', timeoutMs);
  const notFoundCacheMs = options.notFoundCacheMs ?? DEFAULT_REST_REGISTRY_OPTIONS.notFoundCacheMs;
  if (!Number.isFinite(notFoundCacheMs) || notFoundCacheMs < 0) {
    bad('notFoundCacheMs', 'a non-negative number of milliseconds', notFoundCacheMs);
  }
  // fetch refuses URLs with credentials, so they move into the Authorization header.
  let auth = options.auth;
  if (!auth && (parsed.username || parsed.password)) {
    auth = {
      username: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
    };
  }
  if (auth && (typeof auth.username !== 'string' || typeof auth.password !== 'string')) {
    bad('auth', 'an object with string username and password', '<redacted>');
  }
  parsed.username = '';
  parsed.password = '';
  const headers: Record<string, string> = {
    Accept: `${CONTENT_TYPE}, application/json`,
    ...options.headers,
  };
  if (auth) {
    headers['Authorization'] =
      `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }
  return {
    baseUrl: parsed.toString().replace(/\/+$/, ''),
    timeoutMs,
    notFoundCacheMs,
    headers,
  };
}

function enc(subject: string): string {
  return encodeURIComponent(subject);
}

function asId(value: unknown, what: string): number {
  if (!Number.isInteger(value) || (value as number) < 0)
    throw badResponse(what, 'has no integer "id"');
  return value as number;
}

function toRegistered(body: Record<string, unknown>, what: string): RegisteredSchema {
  const { id, subject, version, schema } = body;
  if (typeof subject !== 'string' || !Number.isInteger(version) || typeof schema !== 'string') {
    throw badResponse(what, 'lacks subject, version or schema');
  }
  return { id: asId(id, what), subject, version: version as number, schema };
}
