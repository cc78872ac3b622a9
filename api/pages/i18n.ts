// The pages' words in Bahasa Indonesia (the default) and English, and the choice of language for a request:
// `?lang=` (then kept in the `lang` cookie), else the cookie, else Accept-Language, else Bahasa Indonesia.
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { languageDetector } from 'hono/language';
import type { Stage } from '../../workflows/definitions.js';
import { LANGUAGES, type Language } from '../../workflows/format.js';

export { LANGUAGES, type Language };

const id = {
  'site.name': 'Layanan Paspor',
  'site.skip': 'Langsung ke isi halaman',
  'site.language': 'Bahasa',
  'site.footer': 'Direktorat Jenderal Imigrasi. Halaman ini tidak menampilkan data pribadi.',
  'site.footerSignedIn': 'Direktorat Jenderal Imigrasi. Di perangkat bersama, keluar setelah selesai.',
  'page.badAddress': 'Alamat halaman tidak valid',
  'page.badAddressHelp': 'Alamat ini berisi karakter yang tidak dapat dipakai. Buka halaman dari tautannya, atau ketik ulang alamatnya.',

  'track.title': 'Lacak permohonan paspor',
  'track.intro': 'Masukkan kode pelacakan dari email atau WhatsApp yang Anda terima setelah mengajukan permohonan.',
  'track.code': 'Kode pelacakan',
  'track.codeHint': 'Dua belas huruf dan angka, contoh: ABCD-EFGH-JKMN',
  'track.submit': 'Lacak',
  'track.another': 'Lacak kode lain',
  'track.resultTitle': 'Permohonan {code}',
  'track.stageNow': 'Tahap sekarang',
  'track.since': 'sejak {date}',
  'track.office': 'Kantor imigrasi',
  'track.appointment': 'Jadwal wawancara',
  'track.deadline': 'Batas waktu',
  'track.estimated': 'Perkiraan paspor selesai',
  'track.posNumber': 'Nomor resi Pos Indonesia',
  'track.next': 'Yang perlu Anda lakukan',
  'track.history': 'Riwayat',
  'track.late': 'Paspor Anda melewati janji layanan tiga hari kerja. Kompensasi dicatat otomatis dan paspor dikirim gratis melalui Pos Indonesia.',
  'track.errorTitle': 'Ada masalah',
  'track.badCode': 'Kode pelacakan terdiri dari 12 huruf dan angka dalam tiga kelompok, contoh: ABCD-EFGH-JKMN. Periksa kembali kode Anda.',
  'track.unknown': 'Tidak ada permohonan dengan kode {code}. Periksa kode pada email atau WhatsApp Anda.',
  'track.tooMany': 'Terlalu banyak pencarian dari perangkat ini. Coba lagi dalam {seconds} detik.',
  'track.unavailable': 'Layanan sedang tidak dapat menjawab. Coba lagi beberapa saat lagi.',

  'product.ORDINARY': 'Paspor biasa, {years} tahun',
  'product.ELECTRONIC': 'Paspor elektronik, {years} tahun',
  'session.MORNING': 'sesi pagi',
  'session.AFTERNOON': 'sesi siang',

  'stage.AWAITING_PAYMENT': 'Menunggu pembayaran',
  'stage.AWAITING_BOOKING': 'Menunggu pemilihan jadwal',
  'stage.AWAITING_INTERVIEW': 'Menunggu wawancara',
  'stage.AWAITING_PRINTING': 'Paspor sedang dicetak',
  'stage.READY_FOR_PICKUP': 'Siap diambil',
  'stage.IN_DELIVERY': 'Dalam pengiriman Pos',
  'stage.COMPLETED': 'Selesai',
  'stage.REJECTED': 'Ditolak',
  'stage.CANCELLED': 'Dibatalkan',
  'stage.EXPIRED': 'Kedaluwarsa',

  'next.AWAITING_PAYMENT': 'Bayar kode billing di bank, ATM, atau aplikasi bank sebelum batas waktu. Setelah lewat, kode tidak berlaku dan tidak ada biaya yang ditarik.',
  'next.AWAITING_BOOKING': 'Pembayaran sudah diterima. Pilih kantor, tanggal, dan sesi wawancara sebelum batas waktu.',
  'next.AWAITING_INTERVIEW': 'Datang ke kantor imigrasi pada jadwal wawancara dengan membawa dokumen asli. Anda boleh mengubah jadwal satu kali, paling lambat sehari sebelumnya.',
  'next.AWAITING_PRINTING': 'Tidak ada yang perlu dilakukan. Kami memberi kabar lewat email dan WhatsApp saat paspor siap.',
  'next.READY_FOR_PICKUP': 'Ambil paspor di kantor imigrasi dengan membawa bukti permohonan, dalam 30 hari.',
  'next.IN_DELIVERY': 'Paspor sedang diantar Pos Indonesia. Lacak kiriman dengan nomor resi di atas.',
  'next.COMPLETED': 'Paspor sudah Anda terima. Tidak ada lagi yang perlu dilakukan.',
  'next.REJECTED': 'Permohonan ini ditolak. Alasannya dikirim ke email Anda. Anda dapat mengajukan permohonan baru.',
  'next.CANCELLED': 'Permohonan ini dibatalkan. Anda dapat mengajukan permohonan baru kapan saja.',
  'next.EXPIRED': 'Batas waktu terlewati. Anda dapat mengajukan permohonan baru kapan saja.',
} as const;

export type MessageKey = keyof typeof id;

const en: Record<MessageKey, string> = {
  'site.name': 'Passport service',
  'site.skip': 'Skip to content',
  'site.language': 'Language',
  'site.footer': 'Directorate General of Immigration. This page shows no personal data.',
  'site.footerSignedIn': 'Directorate General of Immigration. On a shared device, sign out when you are done.',
  'page.badAddress': 'Not a valid page address',
  'page.badAddressHelp': 'This address holds characters that cannot be used. Open the page from its link, or type the address again.',

  'track.title': 'Track a passport application',
  'track.intro': 'Enter the tracking code from the email or WhatsApp message you received after applying.',
  'track.code': 'Tracking code',
  'track.codeHint': 'Twelve letters and digits, for example ABCD-EFGH-JKMN',
  'track.submit': 'Track',
  'track.another': 'Track another code',
  'track.resultTitle': 'Application {code}',
  'track.stageNow': 'Stage now',
  'track.since': 'since {date}',
  'track.office': 'Immigration office',
  'track.appointment': 'Interview',
  'track.deadline': 'Deadline',
  'track.estimated': 'Passport expected by',
  'track.posNumber': 'Pos Indonesia tracking number',
  'track.next': 'What to do next',
  'track.history': 'History',
  'track.late': 'Your passport is past our three-working-day promise. Compensation is recorded automatically and the passport is sent free by Pos Indonesia.',
  'track.errorTitle': 'There is a problem',
  'track.badCode': 'A tracking code is 12 letters and digits in three groups, for example ABCD-EFGH-JKMN. Check your code.',
  'track.unknown': 'No application has the code {code}. Check the code in your email or WhatsApp message.',
  'track.tooMany': 'Too many lookups from this device. Try again in {seconds} seconds.',
  'track.unavailable': 'The service cannot answer right now. Try again in a moment.',

  'product.ORDINARY': 'Ordinary passport, {years} years',
  'product.ELECTRONIC': 'Electronic passport, {years} years',
  'session.MORNING': 'morning session',
  'session.AFTERNOON': 'afternoon session',

  'stage.AWAITING_PAYMENT': 'Awaiting payment',
  'stage.AWAITING_BOOKING': 'Awaiting an interview booking',
  'stage.AWAITING_INTERVIEW': 'Awaiting the interview',
  'stage.AWAITING_PRINTING': 'Passport being printed',
  'stage.READY_FOR_PICKUP': 'Ready for pickup',
  'stage.IN_DELIVERY': 'On its way by Pos',
  'stage.COMPLETED': 'Completed',
  'stage.REJECTED': 'Rejected',
  'stage.CANCELLED': 'Cancelled',
  'stage.EXPIRED': 'Expired',

  'next.AWAITING_PAYMENT': 'Pay the billing code at a bank, an ATM or in a banking app before the deadline. After it, the code is void and nothing is charged.',
  'next.AWAITING_BOOKING': 'Your payment has arrived. Choose an office, a date and an interview session before the deadline.',
  'next.AWAITING_INTERVIEW': 'Come to the immigration office at your interview time with your original documents. You may reschedule once, up to the day before.',
  'next.AWAITING_PRINTING': 'Nothing to do. We tell you by email and WhatsApp when the passport is ready.',
  'next.READY_FOR_PICKUP': 'Collect the passport at the immigration office with your application receipt, within 30 days.',
  'next.IN_DELIVERY': 'Pos Indonesia is delivering the passport. Follow the parcel with the tracking number above.',
  'next.COMPLETED': 'You have your passport. Nothing more to do.',
  'next.REJECTED': 'This application was rejected. The reason was sent to your email. You may apply again.',
  'next.CANCELLED': 'This application was cancelled. You may apply again at any time.',
  'next.EXPIRED': 'A deadline passed. You may apply again at any time.',
};

/** A message's `{name}`s filled from `vars` (a name without a value stays as it is). */
export const fill = (message: string, vars: Record<string, string | number> = {}): string =>
  message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));

/** A dictionary's lookup: a message in a language, with `{name}` filled from `vars`. Each page keeps its own words. */
export const translator =
  <Key extends string>(dictionaries: Record<Language, Record<Key, string>>) =>
  (language: Language, key: Key, vars: Record<string, string | number> = {}): string =>
    fill(dictionaries[language][key], vars);

/** The site's own words (its frame, the tracking page, stages and sessions). */
export const t = translator<MessageKey>({ id, en });

export const stageName = (language: Language, stage: Stage) => t(language, `stage.${stage}`);

/** A product code of the fee schedule in words: the passports it ships (ORDINARY_5Y...), else the schedule's own description. */
export function productName(language: Language, code: string, description: string | undefined): string {
  const passport = /^(ORDINARY|ELECTRONIC)_(\d+)Y$/.exec(code);
  if (passport) return t(language, passport[1] === 'ELECTRONIC' ? 'product.ELECTRONIC' : 'product.ORDINARY', { years: passport[2]! });
  return description ?? code;
}

/** Reads the language of the request (`c.get('language')`); an explicit `?lang=` is kept in the `lang` cookie. */
export const pageLanguage = () => {
  const detect = languageDetector({
    supportedLanguages: [...LANGUAGES],
    fallbackLanguage: 'id',
    order: ['querystring', 'cookie', 'header'],
    lookupQueryString: 'lang',
    lookupCookie: 'lang',
    caches: false, // only a choice the person made is remembered, below
  });
  return async (c: Context, next: () => Promise<void>) => {
    const asked = c.req.query('lang');
    if (asked && (LANGUAGES as readonly string[]).includes(asked)) {
      setCookie(c, 'lang', asked, { path: '/', sameSite: 'Lax', httpOnly: true, maxAge: 365 * 86_400 });
    }
    return detect(c, next);
  };
};

/**
 * For a page answered before the language middleware ran (a form refused by the body limit): the
 * person's choice (`?lang=`, else the `lang` cookie), Bahasa Indonesia otherwise.
 */
export function chosenLanguage(c: Context): Language {
  const asked = c.req.query('lang') ?? getCookie(c, 'lang');
  c.set('language', asked === 'en' ? 'en' : 'id');
  return languageOf(c);
}

export const languageOf = (c: Context): Language => {
  const chosen = c.get('language') as string | undefined;
  return chosen === 'en' ? 'en' : 'id';
};
