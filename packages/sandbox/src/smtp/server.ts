/**
 * A local SMTP server (smtp-server, on 127.0.0.1) that accepts every message and keeps it, parsed,
 * so a test holds a real SMTP conversation with a mail library and reads what arrived. No TLS and no
 * authentication (loopback only); it can be told to refuse the next messages with a reply code.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { FaultSwitch } from '../kit/faults';
import { parseMail, type ParsedMail } from './mime';

/** A message the server accepted. */
export interface ReceivedMail extends ParsedMail {
  /** The envelope: MAIL FROM and every RCPT TO. */
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpReceiver {
  host: string;
  port: number;
  messages: ReceivedMail[];
  /** Reply codes (e.g. 451, 550) for the next messages' DATA instead of accepting them. */
  refusals: FaultSwitch<number>;
  close(): Promise<void>;
}

/** Starts the receiver on 127.0.0.1 (a free port unless `port` is given). */
export async function startSmtpReceiver(opts: { port?: number } = {}): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const refusals = new FaultSwitch<number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const code = refusals.take();
        if (code !== null) {
          const err = new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later') as Error & {
            responseCode: number;
          };
          err.responseCode = code;
          return callback(err);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const env = session.envelope;
        messages.push({
          ...parseMail(raw),
          from: env.mailFrom ? env.mailFrom.address : '',
          to: env.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    messages,
    refusals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
