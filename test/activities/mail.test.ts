// Email through real SMTP: to a local maildev, read back over its REST API; and a refused recipient.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailFailure, smtpMailer } from '../../activities/mail.js';
import { startMailCatcher, startRefusingSmtp, type MailCatcher } from '../support/maildev.js';

const from = 'Layanan Paspor <no-reply@passport.test>';

describe('smtpMailer', () => {
  let catcher: MailCatcher;
  beforeAll(async () => {
    catcher = await startMailCatcher();
  });
  afterAll(() => catcher?.stop());

  it('delivers a message over SMTP with its subject, recipient and Message-ID', async () => {
    const mailer = smtpMailer({ url: catcher.smtpUrl, from });
    try {
      const sent = await mailer.send({
        to: 'applicant-1@example.test',
        subject: 'Pembayaran diterima',
        text: 'Pembayaran Anda telah kami terima.',
        html: '<p>Pembayaran Anda telah kami terima.</p>',
        messageId: 'notice-42-email',
      });
      expect(sent.messageId).toBe('<notice-42-email@passport.test>');
    } finally {
      mailer.close();
    }
    const received = await catcher.messages();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ subject: 'Pembayaran diterima', to: [{ address: 'applicant-1@example.test' }] });
    expect(received[0]?.headers['message-id']).toBe('<notice-42-email@passport.test>');
    expect(received[0]?.text?.trim()).toBe('Pembayaran Anda telah kami terima.');
  });

  it('classifies a recipient the server refuses for good (550 to RCPT TO) as permanent', async () => {
    const server = await startRefusingSmtp();
    const mailer = smtpMailer({ url: server.smtpUrl, from });
    try {
      const failure = await mailer.send({ to: 'nobody@example.test', subject: 'x', text: 'x', messageId: 'notice-43-email' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(MailFailure);
      expect(failure).toMatchObject({ permanent: true, responseCode: 550 });
      expect((failure as MailFailure).message).toContain('RCPT TO');
      expect((failure as MailFailure).message).not.toContain('nobody@example.test');
    } finally {
      mailer.close();
      await server.stop();
    }
  });

  it('classifies a recipient refused for now (450 to RCPT TO) and an unreachable server as temporary', async () => {
    const server = await startRefusingSmtp('450 4.2.1 Mailbox busy, try again later');
    const busy = smtpMailer({ url: server.smtpUrl, from });
    const failure = await busy.send({ to: 'busy@example.test', subject: 'x', text: 'x', messageId: 'notice-44-email' }).catch((e: unknown) => e);
    busy.close();
    await server.stop();
    expect(failure).toMatchObject({ name: 'MailFailure', permanent: false, responseCode: 450 });
    // The same port, now closed: nothing answers.
    const down = smtpMailer({ url: server.smtpUrl, from, timeoutMs: 2_000 });
    const unreachable = await down.send({ to: 'a@example.test', subject: 'x', text: 'x', messageId: 'notice-45-email' }).catch((e: unknown) => e);
    down.close();
    expect(unreachable).toMatchObject({ name: 'MailFailure', permanent: false });
  });
});
