// Errors the API client raises. Callers branch on the class and on `code`, never on message text.

/** The API answered with its error envelope `{requestId, code, message}` and a non-200 status. */
export class ZenlayerApiError extends Error {
  override readonly name = "ZenlayerApiError";
  constructor(
    readonly action: string,
    readonly httpStatus: number,
    readonly code: string,
    readonly apiMessage: string,
    readonly requestId: string | undefined,
  ) {
    super(
      `Zenlayer ${action} failed: ${code} (HTTP ${httpStatus}): ${apiMessage}${requestId ? ` [requestId ${requestId}]` : ""}`,
    );
  }
}

/**
 * A request that must not be re-sent (CreateInstances) was sent, and what came back (nothing, an
 * unreadable answer, a server error) does not say whether the API acted on it. The caller
 * reconciles (the InstanceSet looks its instances up by tag). `answered`: the API itself answered
 * with its error envelope, so it is done with the request; otherwise it may still be acting on it.
 */
export class OutcomeUnknownError extends Error {
  override readonly name = "OutcomeUnknownError";
  constructor(
    readonly action: string,
    readonly causeDescription: string,
    readonly answered = false,
  ) {
    super(`Zenlayer ${action}: the request was sent but its outcome is unknown (${causeDescription}); it was not re-sent`);
  }
}

/** The answer was not JSON, or did not match the action's schema. */
export class ResponseFormatError extends Error {
  override readonly name = "ResponseFormatError";
  constructor(
    readonly action: string,
    readonly httpStatus: number,
    detail: string,
  ) {
    super(`Zenlayer ${action} returned an unexpected answer (HTTP ${httpStatus}): ${detail}`);
  }
}

/** The request could not be delivered (connection refused, DNS, TLS) even after retries. */
export class ConnectionError extends Error {
  override readonly name = "ConnectionError";
  constructor(
    readonly action: string,
    readonly endpoint: string,
    causeDescription: string,
  ) {
    super(`Zenlayer ${action}: cannot reach ${endpoint}: ${causeDescription}`);
  }
}

/** Neither credentials nor a token were configured. */
export class MissingCredentialsError extends Error {
  override readonly name = "MissingCredentialsError";
  constructor() {
    super(
      "Zenlayer credentials are missing. Set stack config `zenlayer:accessKeyId` and `zenlayer:accessKeyPassword` " +
        "(pulumi config set --secret zenlayer:accessKeyPassword ...), or the environment variables " +
        "ZENLAYERCLOUD_ACCESS_KEY_ID and ZENLAYERCLOUD_ACCESS_KEY_PASSWORD. " +
        "A personal access token works instead: `zenlayer:token` or ZENLAYERCLOUD_TOKEN.",
    );
  }
}

/** Configuration that is present but malformed (e.g. a scheme other than HTTP/HTTPS). */
export class InvalidSettingError extends Error {
  override readonly name = "InvalidSettingError";
}

/** API codes that mean "try again later": the request was not acted on. */
export const RETRYABLE_CODES = new Set(["REQUEST_LIMIT_EXCEEDED", "SERVICE_TEMPORARY_UNAVAILABLE", "INTERNAL_SERVER_ERROR"]);
/** Of those, the ones that prove the API did not act, so even a send-once action may be re-sent. */
export const NOT_ACTED_CODES = new Set(["REQUEST_LIMIT_EXCEEDED", "SERVICE_TEMPORARY_UNAVAILABLE"]);

export const isApiError = (error: unknown, ...codes: string[]): error is ZenlayerApiError =>
  error instanceof ZenlayerApiError && (codes.length === 0 || codes.includes(error.code));
