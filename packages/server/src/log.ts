import pino from 'pino';

/**
 * The one structured logger. Child loggers carry their scope (org, run, stream,
 * account). Never log tokens, auth headers or whole request bodies.
 */
export const log = pino(
  {
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
    redact: {
      paths: ['*.accessToken', '*.refreshToken', '*.clientSecret', '*.privateKey', '*.authorization', '*.apiKey'],
      censor: '[redacted]',
    },
  },
  // stderr, so a command's data on stdout (JSON, CSV) is never mixed with log lines.
  pino.destination(2),
);

export type Logger = typeof log;
