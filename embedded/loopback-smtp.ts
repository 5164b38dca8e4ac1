import fs from 'node:fs';
import type net from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * With MAIL_URL_LOG set (the test run sets it), every URL of every message received is appended to
 * that file, so the run's teardown can check that no e-mail of the whole run linked to the API.
 */
function recordUrls(raw: string): void {
  const file = process.env.MAIL_URL_LOG;
  if (!file) return;
  // Quoted-printable: soft line breaks and =XX escapes hide the URLs' characters.
  const text = Buffer.from(
    raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
  const urls = [...text.matchAll(/https?:\/\/[^\s<>"')\]]+/g)].map((m) => m[0]);
  if (urls.length > 0) fs.appendFileSync(file, `${urls.join('\n')}\n`);
}

export interface CapturedMail {
  to: string[];
  subject: string;
  raw: string;
  messageId: string | undefined;
}

/**
 * A real SMTP server on loopback that keeps what it receives; it can be told to refuse, to hold
 * messages, or be stopped. The tests' mail sink, and the benchmarks' (no mail leaves the machine).
 */
export class LoopbackSmtpServer {
  readonly received: CapturedMail[] = [];
  /** When set, every message is refused with this SMTP code (e.g. 550 permanent, 451 transient). */
  refuseWith: number | null = null;
  /** When true, messages get no answer until release(): the sender is left waiting mid-send. */
  hold = false;
  private held: { done: (err?: Error) => void; mail: CapturedMail }[] = [];
  heldCount = 0;
  private server: SMTPServer | null = null;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (this.refuseWith !== null) {
            const err = Object.assign(new Error(`refused (${this.refuseWith})`), { responseCode: this.refuseWith });
            callback(err);
            return;
          }
          // Unfold folded header lines (RFC 5322) so a long Subject reads as one line.
          // Only the header: a body line may start with a space (quoted-printable, text).
          const whole = Buffer.concat(chunks).toString('utf8');
          const end = whole.search(/\r?\n\r?\n/);
          const raw =
            end < 0
              ? whole.replace(/\r?\n[ \t]+/g, ' ')
              : whole.slice(0, end).replace(/\r?\n[ \t]+/g, ' ') + whole.slice(end);
          const mail = {
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: decodeHeader(/^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? ''),
            raw,
            messageId: /^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim(),
          };
          if (this.hold) {
            this.heldCount++;
            this.held.push({ done: callback, mail });
            return;
          }
          this.received.push(mail);
          recordUrls(raw);
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = (this.server as unknown as { server: net.Server }).server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
  }

  /** Answers every held message with a transient refusal (its sender may be gone by now). */
  releaseHeldAsRefused(): void {
    this.hold = false;
    for (const h of this.held.splice(0)) h.done(Object.assign(new Error('try again later'), { responseCode: 451 }));
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}?ignoreTLS=true`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** A header with its RFC 2047 encoded words decoded: the subjects are Vietnamese. */
export function decodeHeader(header: string): string {
  return header
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}
