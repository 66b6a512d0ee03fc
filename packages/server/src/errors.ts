/** Where a problem was found: which org, object, record, field, file, line. */
export interface ErrorContext {
  org?: string;
  object?: string;
  record?: string;
  field?: string;
  file?: string;
  line?: number;
  [key: string]: unknown;
}

/**
 * The base of every error Pulse raises on purpose: a stable `code`, the context it
 * happened in, and the `cause` it wraps. Messages say what was seen and what to do next.
 */
export class PulseError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PulseError';
  }
}

/** One problem with an input (a model, a CSV row, a payload item), located by path. */
export interface Issue {
  path: string;
  message: string;
}

/** Bad input: every problem found, each named by where it is. Nothing was stored. */
export class ValidationError extends PulseError {
  constructor(
    readonly what: string,
    readonly issues: Issue[],
    context: ErrorContext = {},
  ) {
    super(
      'VALIDATION_FAILED',
      `${what} is invalid:\n${issues.map((i) => `  - ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n')}`,
      context,
    );
    this.name = 'ValidationError';
  }
}
