import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** An HTML alternative to `text` (digests). */
  html?: string;
  /** Stable per notification, so a receiving system can drop a duplicate. */
  messageId: string;
  /** The page where the recipient unsubscribes (it asks to confirm): the List-Unsubscribe header (digests). */
  listUnsubscribe?: string;
}

/** The message as nodemailer takes it. */
function nodemailerMessage({ listUnsubscribe, ...mail }: OutgoingMail) {
  return { ...mail, ...(listUnsubscribe ? { list: { unsubscribe: listUnsubscribe } } : {}) };
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** Thrown for a rejection that retrying will not fix (SMTP 5xx). */
export class PermanentMailError extends Error {}

/** SMTP when `smtpUrl` is set; otherwise `.eml` files in `outboxDir` (the embedded default). */
export function createMailer(opts: { smtpUrl?: string; outboxDir: string }): Mailer {
  if (opts.smtpUrl) {
    // Give up on a stalled server well inside the activity's 30 s timeout, so an attempt never
    // outlives the retry that replaces it (which would risk a second copy).
    const transport = nodemailer.createTransport({
      url: opts.smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 15_000,
    });
    return {
      async send(mail) {
        try {
          await transport.sendMail(nodemailerMessage(mail));
        } catch (err) {
          const code = (err as { responseCode?: number }).responseCode;
          if (code !== undefined && code >= 500 && code < 600) throw new PermanentMailError((err as Error).message);
          throw err;
        }
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transport.sendMail(nodemailerMessage(mail));
      fs.mkdirSync(opts.outboxDir, { recursive: true });
      const name = mail.messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._-]/g, '_');
      const file = path.join(opts.outboxDir, `${name}.eml`);
      // Write then rename, so a reader never sees half a message.
      fs.writeFileSync(`${file}.tmp`, info.message as Buffer);
      fs.renameSync(`${file}.tmp`, file);
    },
    close: () => transport.close(),
  };
}
