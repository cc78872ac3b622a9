// A real local SMTP server (maildev) for the tests, on free loopback ports, and its inbox read back over its REST API.
import { createServer, type Socket } from 'node:net';
import { MailDev } from 'maildev';
import { freePort } from './ports.js';

/** A message as maildev received it (GET /api/email), the fields the tests read. */
export interface ReceivedMail {
  id: string;
  subject: string;
  text?: string;
  html?: string;
  to: { address: string; name?: string }[];
  messageId?: string;
  headers: Record<string, string | string[]>;
  attachments?: { fileName?: string; contentType: string }[];
}

export interface MailCatcher {
  /** Where to send: `smtp://127.0.0.1:<port>`. */
  smtpUrl: string;
  /** The web inbox (and its REST API under /api). */
  webUrl: string;
  /** Every message received so far, oldest first. */
  messages(): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

export async function startMailCatcher(): Promise<MailCatcher> {
  const [smtp, web] = [await freePort(), await freePort()];
  const maildev = new MailDev({ smtp, web, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true, mcp: false });
  await maildev.start();
  const webUrl = `http://127.0.0.1:${web}`;
  return {
    smtpUrl: `smtp://127.0.0.1:${smtp}`,
    webUrl,
    async messages() {
      const response = await fetch(`${webUrl}/api/email?sort=asc`);
      if (!response.ok) throw new Error(`maildev answered ${response.status} to GET /api/email`);
      return (await response.json()) as ReceivedMail[];
    },
    stop: () => maildev.stop(),
  };
}

/**
 * An SMTP server that refuses every recipient for good, as a mail server does for a mailbox that does not
 * exist (`550 5.1.1`): maildev accepts every address, so the refusal needs a server of its own. A real SMTP
 * dialogue over TCP, just enough of it for a client to reach RCPT TO.
 */
export async function startRefusingSmtp(reply = '550 5.1.1 No such user here'): Promise<{ smtpUrl: string; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    socket.write('220 refusing.test ESMTP\r\n');
    let buffered = '';
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
        const command = buffered.slice(0, end).toUpperCase();
        buffered = buffered.slice(end + 2);
        if (command.startsWith('EHLO') || command.startsWith('HELO')) socket.write('250 refusing.test\r\n');
        else if (command.startsWith('RCPT TO')) socket.write(`${reply}\r\n`);
        else if (command.startsWith('QUIT')) socket.end('221 Bye\r\n');
        else if (command.startsWith('MAIL FROM') || command.startsWith('RSET') || command.startsWith('NOOP')) socket.write('250 OK\r\n');
        else socket.write('503 5.5.1 Bad sequence of commands\r\n');
      }
    });
    socket.on('error', () => socket.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    smtpUrl: `smtp://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
