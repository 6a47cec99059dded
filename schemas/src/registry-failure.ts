// How a registry HTTP exchange that went wrong becomes a SchemaRegistryError: which failures
// are worth retrying (timeouts, refused connections, 5xx) and which are answers (404, 409, 422).
import { SchemaRegistryError, type RegistryErrorCode } from './errors';

/** A 404 from the registry. */
export function notFound(message: string, registryErrorCode: number): SchemaRegistryError {
  return new SchemaRegistryError('FS_REGISTRY_NOT_FOUND', message, {
    httpStatus: 404,
    registryErrorCode,
  });
}

/** An answer that is not the JSON the API documents. */
export function badResponse(what: string, problem: string, cause?: unknown): SchemaRegistryError {
  return new SchemaRegistryError(
    'FS_REGISTRY_BAD_RESPONSE',
    `registry answer to ${what} ${problem}`,
    { cause },
  );
}

/** A request that got no answer: timeout, refused or reset connection. */
export function transportError(
  err: unknown,
  method: string,
  url: string,
  timeoutMs: number,
): SchemaRegistryError {
  // Duck-typed: the abort reason is a DOMException, which need not be an `Error` of this realm.
  const name =
    typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new SchemaRegistryError(
      'FS_REGISTRY_TIMEOUT',
      `${method} ${url} took longer than RestSchemaRegistryOptions.timeoutMs (${timeoutMs} ms)`,
      { cause: err },
    );
  }
  const cause =
    typeof err === 'object' && err !== null
      ? (err as { cause?: { message?: unknown } }).cause
      : undefined;
  const detail = typeof cause?.message === 'string' ? `: ${cause.message}` : '';
  return new SchemaRegistryError('FS_REGISTRY_UNAVAILABLE', `${method} ${url} failed${detail}`, {
    cause: err,
  });
}

/** A non-2xx answer, mapped by status to a code. */
export function httpError(
  status: number,
  method: string,
  url: string,
  body: unknown,
  text: string,
): SchemaRegistryError {
  const info = (typeof body === 'object' && body !== null ? body : {}) as {
    error_code?: unknown;
    message?: unknown;
  };
  const registryErrorCode = Number.isInteger(info.error_code)
    ? (info.error_code as number)
    : undefined;
  const detail = typeof info.message === 'string' ? info.message : text.slice(0, 200);
  let code: RegistryErrorCode;
  if (status === 401 || status === 403) code = 'FS_REGISTRY_AUTH';
  else if (status === 404) code = 'FS_REGISTRY_NOT_FOUND';
  else if (status === 409) code = 'FS_REGISTRY_INCOMPATIBLE';
  else if (status === 422) code = 'FS_REGISTRY_INVALID_SCHEMA';
  else if (status === 408 || status === 429 || status >= 500) code = 'FS_REGISTRY_SERVER';
  else code = 'FS_REGISTRY_REJECTED';
  const hint = code === 'FS_REGISTRY_AUTH' ? ' (check RestSchemaRegistryOptions.auth)' : '';
  return new SchemaRegistryError(code, `${method} ${url}: HTTP ${status}${hint}: ${detail}`, {
    httpStatus: status,
    registryErrorCode,
  });
}
