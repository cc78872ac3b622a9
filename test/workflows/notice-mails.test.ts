// An SLA breach as the applicant reads it, end to end on a time-skipping server: the lifecycle records its notices,
// each is delivered through real SMTP to a local mail catcher (maildev) and read back. Its own server, so that its
// clock is today's: the three working days are counted at Palu from now.
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../activities/mail.js';
import { noticeDeliveryStarter } from '../../activities/notices/start.js';
import { noticeDeliveryWorkflowId, recordInterview, recordPrinting } from '../../workflows/definitions.js';
import { eventually } from '../support/eventually.js';
import { startMailCatcher, type MailCatcher } from '../support/maildev.js';
import { awaitingInterview, officerOf, onAppointmentDay, skipTo } from '../support/scenarios.js';
import { findPersonalData, startTimeSkipping } from '../support/workflows.js';

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
beforeAll(async () => {
  t = await startTimeSkipping();
}, 120_000);
afterAll(async () => t?.teardown());

describe('the notices as the applicant receives them (real SMTP to a local mail catcher)', () => {
  let catcher: MailCatcher;
  beforeAll(async () => {
    catcher = await startMailCatcher();
  });
  afterAll(async () => catcher?.stop());
  const mailsTo = async (email: string) => (await catcher.messages()).filter((m) => m.to.some((r) => r.address === email));

  it('an SLA breach as the applicant reads it: three working days, then the compensation and the Pos tracking number, each mail once', async () => {
    const email = `applicant-${randomUUID()}@example.test`;
    const phone = `+62812${randomInt(10_000_000, 99_999_999)}`;
    await t.withWorker(
      async () => {
        const app = await awaitingInterview(t, { email, phone, fullName: 'Dewi Lestari' });
        await onAppointmentDay(t, app.appointment);
        const { slaDeadline } = await app.handle.executeUpdate(recordInterview, { args: [{ ...officerOf('PLU'), outcome: 'APPROVED' }] });
        if (!slaDeadline) throw new Error('no SLA deadline');
        // Three working days at Palu: no printing, so the commitment is missed and compensated without anyone asking.
        await skipTo(t, slaDeadline);
        await eventually(() => mailsTo(email), (mails) => mails.some((m) => m.subject.startsWith('Paspor terlambat')), 30_000);
        const printed = await app.handle.executeUpdate(recordPrinting, { args: [{ ...officerOf('PLU'), passportNumber: 'N2718281' }] });
        const mails = await eventually(() => mailsTo(email), (m) => m.length === 5, 30_000);
        expect(mails.map((m) => m.subject)).toEqual([
          expect.stringMatching(/^Permohonan diterima: bayar Rp /),
          `Pembayaran diterima: ${app.trackingCode}`,
          `Jadwal wawancara terkonfirmasi: ${app.trackingCode}`,
          `Paspor terlambat: dikirim lewat Pos tanpa biaya (${app.trackingCode})`,
          `Paspor dikirim lewat Pos: ${app.trackingCode}`,
        ]);
        // The missed deadline as Palu's clock shows it (WITA), and the tracking number Pos gave.
        const deadlineInPalu = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Makassar', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(slaDeadline)).replace(':', '.');
        expect(mails[3]?.text).toContain(`pukul ${deadlineInPalu} WITA`);
        expect(mails[4]?.text).toContain(`Nomor resi: ${printed.posTrackingNumber}.`);
        // Neither the application's history nor its notices' delivery workflows carry the address, phone or name.
        expect(await t.personalDataInHistories()).toEqual([]);
        const notices = await t.db.selectFrom('notifications').select('id').where('application_id', '=', app.applicationId).execute();
        const deliveries = notices.map(({ id }) => ({ workflowId: noticeDeliveryWorkflowId('application', String(id)), personal: [email, phone, 'Dewi Lestari'], marker: `"noticeId":"${id}"` }));
        expect(await findPersonalData(t.client, deliveries)).toEqual([]);
      },
      { notices: { email: smtpMailer({ url: catcher.smtpUrl, from: 'Layanan Paspor <no-reply@passport.test>', timeoutMs: 5_000 }), retryForMs: 86_400_000 }, startDelivery: noticeDeliveryStarter(t.client, t.taskQueue) },
    );
  });

});

