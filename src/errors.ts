/** Where in the user's configuration an error points. */
export interface SourceLocation {
  file: string;
  /** 1-based line and column of the offending YAML/JSON node, when known. */
  line?: number;
  column?: number;
}

export interface ErrorDetail {
  /** Stable code: CONFIG_*, VARIABLES_*, WEBSOCKETS_*, GATEWAY_*, PACKAGE_*, or Serverless v3's own code. */
  code: string;
  message: string;
  /** Config path such as `functions.connect.events[0].websocket.authorizer`. */
  path?: string;
  location?: SourceLocation;
  /** What the user can do about it. */
  hint?: string;
}

/**
 * The one error class of wsgate. Library code throws it; only the CLI prints it.
 * `userError` marks mistakes of the user (bad config, bad flags): the CLI prints them without a stack.
 * A validation failure carries every issue at once in `issues`.
 */
export class WsgateError extends Error {
  readonly code: string;
  readonly path?: string;
  readonly location?: SourceLocation;
  readonly hint?: string;
  readonly issues: readonly ErrorDetail[];
  readonly userError: boolean;

  constructor(detail: ErrorDetail & { issues?: readonly ErrorDetail[]; cause?: unknown; userError?: boolean }) {
    super(detail.message, detail.cause === undefined ? undefined : { cause: detail.cause });
    this.name = 'WsgateError';
    this.code = detail.code;
    this.path = detail.path;
    this.location = detail.location;
    this.hint = detail.hint;
    this.issues = detail.issues ?? [detail];
    this.userError = detail.userError ?? true;
  }
}

export function isWsgateError(err: unknown): err is WsgateError {
  return err instanceof WsgateError;
}
