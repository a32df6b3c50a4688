/** A non-2xx answer; `body` is the server's one error shape `{ statusCode, code, message, details? }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(body && typeof body === 'object' && 'message' in body ? String(body.message) : `HTTP ${status}`);
  }
}
