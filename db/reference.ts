// Reference data: the immigration offices, the fee schedule (PP 45/2024), the documents to bring per
// application type, and the holiday calendar, read from the files an operator edits (deploy/reference/,
// described in its README.md) and loaded by `npm run setup-database` / `node dist/scripts/setup-database.js`
// (docker compose: the `setup` service), by `npm start`, and by the tests. Loading twice changes nothing.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { localDate } from '../workflows/calendar.js';
import { APPLICATION_TYPES, SEAT_KINDS, SESSIONS, TERMINAL_STAGES, type Session, type SessionQuotas } from '../workflows/definitions.js';
import { calendarFileSchema, importCalendarYear, printableText } from './calendar.js';
import { pendingMigrations, unknownMigrations } from './connect.js';
import { OFFICES_CSV, officeCsvColumn, officeCsvRows } from './offices-csv.js';
import { splitDailyQuotas } from './queries/sessions.js';
import type { DB } from './schema.js';

/** Where the shipped reference files are, from the project folder (the image's /app). */
export const DEFAULT_REFERENCE_DIR = 'deploy/reference';

/** Far above any real file (Indonesia has about 125 immigration offices), far below what would exhaust memory. */
const MAX_FILE_BYTES = 1_000_000;

/** Indonesia's three time zones (WIB, WITA, WIT) and West Kalimantan's own name for WIB. */
export const OFFICE_TIME_ZONES = ['Asia/Jakarta', 'Asia/Pontianak', 'Asia/Makassar', 'Asia/Jayapura'] as const;
/** Fines the interview's BAP charges by code (activities/bap.ts): the schedule must have them. */
const REQUIRED_FINES = ['FINE_LOST', 'FINE_DAMAGED'] as const;

const text = (max: number) => printableText(1, max);
/** An office's name, city or address: shown in /offices and notices, and read back in spreadsheets, so never a formula. */
const officeText = (max: number) => text(max).refine((v) => !/^[=+\-@]/.test(v), 'must not start with =, +, - or @ (a spreadsheet would read it as a formula)');
const quota = z.number().int('must be a whole number').min(0, 'must be 0 or more').max(100_000, 'must be at most 100000');
const sessionsAddUp = (q: SessionQuotas, daily: { regular: number; sameDay: number; priority: number }) =>
  q.MORNING.REGULAR + q.AFTERNOON.REGULAR === daily.regular && q.MORNING.PRIORITY + q.AFTERNOON.PRIORITY === daily.priority && q.MORNING.SAME_DAY + q.AFTERNOON.SAME_DAY === daily.sameDay;
/** Array-wide checks run even when an item is invalid, so one run names every problem. */
const always = { when: (payload: { value: unknown }) => Array.isArray(payload.value) };
const uniqueCodes = (what: string) => (items: Array<{ code: string }>, ctx: z.RefinementCtx) => {
  const seen = new Set<unknown>();
  items.forEach((item, i) => {
    if (typeof item?.code === 'string' && seen.has(item.code)) ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `${what} ${item.code} is listed twice` });
    seen.add(item?.code);
  });
};

/** The counters' hours when an office's file gives none, local time: what the notices print. */
export const DEFAULT_SESSION_HOURS: Record<Session, [string, string]> = { MORNING: ['08:00', '12:00'], AFTERNOON: ['13:00', '16:00'] };
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM, e.g. 08:00');
const hours = z.tuple([clock, clock], { error: 'must be [start, end], e.g. ["08:00", "12:00"]' }).refine(([start, end]) => start < end, 'must start before it ends');
const sessionHoursSchema = z
  .strictObject({ MORNING: hours, AFTERNOON: hours })
  .refine((h) => h.MORNING[1] <= h.AFTERNOON[0], { message: 'the morning session must end before the afternoon session starts', path: ['AFTERNOON'] });

const seatsOfSession = z.strictObject({ REGULAR: quota, PRIORITY: quota, SAME_DAY: quota });
/** An office as offices.json lists it (and offices.csv, read by db/offices-csv.ts, gives it). */
export const officeEntrySchema = z
    .strictObject({
      code: z.string().regex(/^[A-Z]{3}$/, 'must be three capital letters, e.g. PLU'),
      name: officeText(200),
      city: officeText(100),
      /** Printed in booking confirmations and on the calendar invitation. */
      address: officeText(300),
      timeZone: z.enum(OFFICE_TIME_ZONES, { error: `must be one of ${OFFICE_TIME_ZONES.join(', ')}` }),
      /** Where the office's own notices go; absent or null: they are recorded, not sent. */
      noticeEmail: z.email({ error: 'must be an email address, e.g. paspor@kanim.example' }).max(254).nullable().optional(),
      sessionHours: sessionHoursSchema.optional(),
      dailyQuota: z.strictObject({ regular: quota, sameDay: quota, priority: quota }),
      /** Seats per session and kind; absent: the daily quotas split, the morning taking the odd seat. */
      sessionQuotas: z.strictObject({ MORNING: seatsOfSession, AFTERNOON: seatsOfSession }).optional(),
      /** Weekend days the office also serves on, with its usual seats. */
      weekendDays: z.array(z.enum(['SAT', 'SUN'], { error: 'must be SAT or SUN' })).max(2).refine((days) => new Set(days).size === days.length, 'must not name a day twice').optional(),
    })
    .refine((o) => !o.sessionQuotas || sessionsAddUp(o.sessionQuotas, o.dailyQuota), { message: "must add up to dailyQuota: each kind's MORNING and AFTERNOON seats together are its daily quota", path: ['sessionQuotas'] });
const officesSchema = z
  .array(officeEntrySchema)
  .min(1, 'must list at least one office')
  .max(1000)
  .superRefine(uniqueCodes('office'), always);

const feesSchema = z
  .array(
    z.strictObject({
      code: z.string().regex(/^[A-Z0-9_]{2,40}$/, 'must be capital letters, digits and _, e.g. ELECTRONIC_10Y'),
      kind: z.enum(['PRODUCT', 'SERVICE', 'FINE']),
      description: text(200),
      amount: z.number().int('must be whole rupiah').min(0).max(1_000_000_000_000),
    }),
  )
  .max(500)
  .superRefine(uniqueCodes('fee'), always)
  .superRefine((fees, ctx) => {
    if (!fees.some((f) => f?.kind === 'PRODUCT')) ctx.addIssue({ code: 'custom', path: [], message: 'must list at least one PRODUCT (a passport an applicant can apply for)' });
    for (const code of REQUIRED_FINES) {
      if (!fees.some((f) => f?.code === code && f?.kind === 'FINE')) ctx.addIssue({ code: 'custom', path: [], message: `must list the fine ${code} (kind FINE): the interview charges it` });
    }
  }, always);

/** Each document in English (`document`, `note`) and in Bahasa Indonesia (`documentId`, `noteId`). */
const documentsSchema = z
  .array(
    z
      .strictObject({ document: text(300), note: text(300).optional(), documentId: text(300), noteId: text(300).optional() })
      .refine((d) => (d.note === undefined) === (d.noteId === undefined), { message: 'a note needs both languages: give note and noteId, or neither', path: ['noteId'] }),
  )
  .min(1, 'must list at least one document')
  .max(50);
const requirementsSchema = z.strictObject(Object.fromEntries(APPLICATION_TYPES.map((t) => [t, documentsSchema])) as Record<(typeof APPLICATION_TYPES)[number], typeof documentsSchema>);

type Calendar = z.infer<typeof calendarFileSchema>;
export interface ReferenceData {
  dir: string;
  offices: z.infer<typeof officesSchema>;
  /** The file the offices came from: offices.json or offices.csv. */
  officesFile: string;
  fees: z.infer<typeof feesSchema>;
  requirements: z.infer<typeof requirementsSchema>;
  /** One file per year: its name in the folder (calendar/2027.json), content hash and content. */
  calendar: { name: string; sha256: string; year: Calendar }[];
}

/** Every problem found in the reference files, each as `file: path: reason`. */
export class ReferenceDataError extends Error {
  constructor(readonly problems: string[]) {
    super(`the reference data cannot be loaded:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ReferenceDataError';
  }
}

/** A reference file's text: a regular file of a sane size (never a FIFO that blocks, a device, or a runaway file). */
export async function readReferenceText(path: string, name: string, problems: string[]): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      problems.push(`${name}: not a regular file`);
      return undefined;
    }
    if (info.size > MAX_FILE_BYTES) {
      problems.push(`${name}: ${info.size} bytes, more than the ${MAX_FILE_BYTES} a reference file may have`);
      return undefined;
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    problems.push(`${name}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}) in ${resolve(path, '..')}`);
    return undefined;
  }
}

/** The offices of an offices.csv (db/offices-csv.ts), each problem named by its line and column. */
export function officesFromCsv(text: string, name: string, problems: string[]): ReferenceData['offices'] | undefined {
  const before = problems.length;
  const { rows, problems: csvProblems } = officeCsvRows(text);
  problems.push(...csvProblems.map((p) => `${name}: ${p}`));
  const offices: ReferenceData['offices'] = [];
  const seen = new Map<string, number>();
  for (const { line, entry } of rows) {
    const parsed = officeEntrySchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${name}: line ${line}, column ${officeCsvColumn(issue.path)}: ${issue.message}`);
      continue;
    }
    const first = seen.get(parsed.data.code);
    if (first) problems.push(`${name}: line ${line}, column code: office ${parsed.data.code} is listed twice (first on line ${first})`);
    seen.set(parsed.data.code, line);
    offices.push(parsed.data);
  }
  if (!csvProblems.length && rows.length === 0) problems.push(`${name}: must list at least one office`);
  return problems.length > before ? undefined : offices;
}

/** Reads and checks every file of the reference folder; throws a ReferenceDataError naming each problem. */
export async function readReferenceData(dir: string = DEFAULT_REFERENCE_DIR): Promise<ReferenceData> {
  const folder = resolve(dir);
  const problems: string[] = [];
  const read = async <S extends z.ZodType>(name: string, schema: S): Promise<{ value?: z.infer<S>; sha256: string }> => {
    const raw = await readReferenceText(join(folder, name), name, problems);
    if (raw === undefined) return { sha256: '' };
    const sha256 = createHash('sha256').update(raw).digest('hex');
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      problems.push(`${name}: not valid JSON (${(error as Error).message})`);
      return { sha256 };
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${name}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
      return { sha256 };
    }
    return { value: parsed.data, sha256 };
  };
  /** offices.csv (what `npm run offices -- import` writes) or offices.json, never both. */
  const readOffices = async (): Promise<{ value?: ReferenceData['offices']; file: string }> => {
    const [csv, json] = await Promise.all([OFFICES_CSV, 'offices.json'].map((name) => stat(join(folder, name)).then(() => true, () => false)));
    if (csv && json) {
      problems.push(`offices.csv and offices.json are both in ${folder}: keep one (offices.csv is what \`npm run offices -- import\` writes)`);
      return { file: OFFICES_CSV };
    }
    if (!csv) return { ...(await read('offices.json', officesSchema)), file: 'offices.json' };
    const text = await readReferenceText(join(folder, OFFICES_CSV), OFFICES_CSV, problems);
    return { value: text === undefined ? undefined : officesFromCsv(text, OFFICES_CSV, problems), file: OFFICES_CSV };
  };

  const offices = await readOffices();
  const fees = await read('fees.json', feesSchema);
  const requirements = await read('requirements.json', requirementsSchema);
  const calendar: ReferenceData['calendar'] = [];
  let names: string[] = [];
  try {
    names = (await readdir(join(folder, 'calendar'))).filter((n) => n.endsWith('.json')).sort();
  } catch {
    problems.push(`calendar/: no such folder in ${folder} (one <year>.json per year of holidays)`);
  }
  for (const file of names) {
    const name = `calendar/${file}`;
    const { value, sha256 } = await read(name, calendarFileSchema);
    if (!value) continue;
    if (file !== `${value.year}.json`) problems.push(`${name}: holds the year ${value.year}; name it ${value.year}.json`);
    else calendar.push({ name, sha256, year: value });
  }
  if (problems.length) throw new ReferenceDataError(problems);
  return { dir: folder, offices: offices.value!, officesFile: offices.file, fees: fees.value!, requirements: requirements.value!, calendar };
}

export interface LoadReport {
  /** One line per file: what changed, or that nothing did. */
  lines: string[];
  /** What the operator should look at: offices and fees just retired, time zones moved under bookings, years not applied. */
  warnings: string[];
}

const changes = (added: number, updated: number, unchanged: number, revived = 0) =>
  [added && `${added} added`, revived && `${revived} back in service`, updated && `${updated} updated`, unchanged && `${unchanged} unchanged`].filter(Boolean).join(', ');

/** What a file did to its rows: added, back in service (it was retired), updated, unchanged. */
function tally<T extends { code: string }>(before: Map<string, { [K in keyof T]?: unknown } & { retired_at: Date | null }>, rows: T[]): string {
  let added = 0;
  let revived = 0;
  let updated = 0;
  for (const row of rows) {
    const old = before.get(row.code);
    if (!old) added += 1;
    else if (old.retired_at) revived += 1;
    else if (differs(old, row)) updated += 1;
  }
  return changes(added, updated, rows.length - added - revived - updated, revived);
}

/**
 * Retires the rows a file no longer lists (kept: applications refer to them), once: the first date stays.
 * `newly`: retired by this run; `line`: every retired row, for the file's report line.
 */
async function retire(tx: Transaction<DB>, table: 'offices' | 'fee_schedule', before: { code: string; retired_at: Date | null }[], rows: { code: string }[], at: Date) {
  const listed = new Set(rows.map((r) => r.code));
  const gone = before.filter((r) => !listed.has(r.code));
  const newly = gone.filter((r) => !r.retired_at).map((r) => r.code);
  if (newly.length) await tx.updateTable(table).set({ retired_at: at }).where('code', 'in', newly).execute();
  return { newly, line: gone.length ? `; retired: ${gone.map((r) => r.code).join(', ')}` : '' };
}

/**
 * A quota change reaches the sessions already opened (appointment_slots copies the capacity of its kind when a
 * session's first seat of that kind is taken): from tomorrow (office local), each session and kind whose capacity
 * came from the old quota (or was kept above it by its bookings) gets the new one, never fewer than the seats booked.
 */
async function resizeFutureSessions(tx: Transaction<DB>, office: { code: string; time_zone: string }, oldQuotas: SessionQuotas, quotas: SessionQuotas, now: Date): Promise<number> {
  let resized = 0;
  for (const session of SESSIONS) {
    for (const kind of SEAT_KINDS) {
      const oldCapacity = oldQuotas[session][kind];
      const capacity = quotas[session][kind];
      if (oldCapacity === capacity) continue;
      const result = await tx
        .updateTable('appointment_slots')
        .set({ capacity: sql<number>`greatest(booked, ${capacity})` })
        .where('office_code', '=', office.code)
        .where('session', '=', session)
        .where('kind', '=', kind)
        .where('date', '>', localDate(now, office.time_zone))
        .where((eb) => eb.or([eb('capacity', '=', oldCapacity), eb.and([eb('capacity', '>', oldCapacity), eb('capacity', '=', eb.ref('booked'))])]))
        .where(sql<boolean>`capacity <> greatest(booked, ${capacity})`)
        .executeTakeFirst();
      resized += Number(result.numUpdatedRows);
    }
  }
  return resized;
}

/** Seats held from today on (office local, in the zone the bookings were made in). */
async function futureBookings(tx: Transaction<DB>, officeCode: string, timeZone: string, now: Date): Promise<number> {
  const row = await tx
    .selectFrom('bookings')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('office_code', '=', officeCode)
    .where('released_at', 'is', null)
    .where('date', '>=', localDate(now, timeZone))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Applications not yet finished, per office. */
async function openApplications(tx: Transaction<DB>, officeCodes: string[]): Promise<Map<string, number>> {
  const rows = await tx
    .selectFrom('applications')
    .select(['office_code', (eb) => eb.fn.countAll<string>().as('n')])
    .where('office_code', 'in', officeCodes)
    .where('stage', 'not in', TERMINAL_STAGES)
    .groupBy('office_code')
    .execute();
  return new Map(rows.map((r) => [r.office_code, Number(r.n)]));
}

/**
 * Loads the reference data. Offices, fees and document lists: the files are the truth, applied on every run
 * (an office or fee missing from its file is retired, with a warning: never deleted, applications refer to it;
 * listed again, it is back in service). A quota change resizes the sessions already opened. A holiday-calendar
 * file is applied when it is new or has changed since it was last loaded; a provisional file never replaces a
 * decreed year (it is reported instead).
 */
export async function loadReferenceData(db: Kysely<DB>, data: ReferenceData): Promise<LoadReport> {
  const lines: string[] = [];
  const warnings: string[] = [];
  await db.transaction().execute(async (tx) => {
    // All or nothing: a file PostgreSQL refuses leaves the database as it was. One loader at a time (two
    // `setup` containers, or setup beside `npm start`).
    await sql`select pg_advisory_xact_lock(hashtext('passport reference data'))`.execute(tx);

    const now = new Date();
    const officesBefore = new Map(
      (await tx.selectFrom('offices').selectAll().execute()).map((o) => [o.code, { ...o, session_hours: sessionHoursJson(o.session_hours), session_quotas: sessionQuotasJson(o.session_quotas) }]),
    );
    const offices = data.offices.map((o) => ({
      code: o.code,
      name: o.name,
      city: o.city,
      address: o.address,
      notice_email: o.noticeEmail ?? null,
      session_hours: sessionHoursJson(o.sessionHours ?? DEFAULT_SESSION_HOURS),
      time_zone: o.timeZone,
      regular_quota: o.dailyQuota.regular,
      same_day_quota: o.dailyQuota.sameDay,
      priority_quota: o.dailyQuota.priority,
      session_quotas: sessionQuotasJson(o.sessionQuotas ?? splitDailyQuotas({ REGULAR: o.dailyQuota.regular, PRIORITY: o.dailyQuota.priority, SAME_DAY: o.dailyQuota.sameDay })),
      weekend_days: WEEKEND_DAYS.filter((day) => o.weekendDays?.includes(day)),
    }));
    await tx
      .insertInto('offices')
      .values(offices)
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          city: eb.ref('excluded.city'),
          address: eb.ref('excluded.address'),
          notice_email: eb.ref('excluded.notice_email'),
          session_hours: eb.ref('excluded.session_hours'),
          time_zone: eb.ref('excluded.time_zone'),
          regular_quota: eb.ref('excluded.regular_quota'),
          same_day_quota: eb.ref('excluded.same_day_quota'),
          priority_quota: eb.ref('excluded.priority_quota'),
          session_quotas: eb.ref('excluded.session_quotas'),
          weekend_days: eb.ref('excluded.weekend_days'),
          retired_at: null,
        })),
      )
      .execute();
    let resized = 0;
    for (const office of offices) {
      const before = officesBefore.get(office.code);
      if (!before) continue;
      if (before.session_quotas !== office.session_quotas) resized += await resizeFutureSessions(tx, office, JSON.parse(before.session_quotas) as SessionQuotas, JSON.parse(office.session_quotas) as SessionQuotas, now);
      if (before.time_zone !== office.time_zone) {
        const booked = await futureBookings(tx, office.code, before.time_zone, now);
        if (booked) {
          warnings.push(
            `office ${office.code} moved from ${before.time_zone} to ${office.time_zone} with ${booked} future booking${booked === 1 ? '' : 's'}: ` +
              'their appointment times (the no-show deadline at the end of the day) were computed in the old zone and are not moved',
          );
        }
      }
    }
    const officesRetired = await retire(tx, 'offices', [...officesBefore.values()], offices, now);
    lines.push(`${data.officesFile}: ${offices.length} offices (${tally(officesBefore, offices)})${resized ? `, ${resized} future sessions resized` : ''}${officesRetired.line}`);
    if (officesRetired.newly.length) {
      const open = await openApplications(tx, officesRetired.newly);
      warnings.push(
        `offices in the database but not in ${data.officesFile}, retired (no new applications; applications already open there continue): ${officesRetired.newly.map((code) => `${code} (${open.get(code) ?? 0} open)`).join(', ')}`,
      );
    }

    const feesBefore = new Map((await tx.selectFrom('fee_schedule').selectAll().execute()).map((f) => [f.code, f]));
    await tx
      .insertInto('fee_schedule')
      .values(data.fees)
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({ kind: eb.ref('excluded.kind'), description: eb.ref('excluded.description'), amount: eb.ref('excluded.amount'), retired_at: null })),
      )
      .execute();
    const feesRetired = await retire(tx, 'fee_schedule', [...feesBefore.values()], data.fees, now);
    lines.push(`fees.json: ${data.fees.length} fees (${tally(feesBefore, data.fees)})${feesRetired.line}`);
    if (feesRetired.newly.length) warnings.push(`fees in the database but not in fees.json, retired (no new application chooses them; those that did keep them): ${feesRetired.newly.join(', ')}`);

    const requirementsBefore = await tx.selectFrom('document_requirements').selectAll().orderBy('application_type').orderBy('position').execute();
    const requirements = APPLICATION_TYPES.flatMap((type) =>
      data.requirements[type].map((d, i) => ({ application_type: type, position: i + 1, document: d.document, note: d.note ?? null, document_id: d.documentId, note_id: d.noteId ?? null })),
    );
    const sameRequirements = JSON.stringify(requirementsBefore.map((r) => ({ ...r })).sort(byTypeAndPosition)) === JSON.stringify([...requirements].sort(byTypeAndPosition));
    if (!sameRequirements) {
      await tx.deleteFrom('document_requirements').execute();
      await tx.insertInto('document_requirements').values(requirements).execute();
    }
    lines.push(`requirements.json: ${requirements.length} documents for ${APPLICATION_TYPES.length} application types (${sameRequirements ? 'unchanged' : 'replaced'})`);

    const loaded = new Map((await tx.selectFrom('reference_files').select(['name', 'sha256']).execute()).map((f) => [f.name, f.sha256]));
    for (const file of data.calendar) {
      const { year } = file;
      if (loaded.get(file.name) === file.sha256) {
        lines.push(`${file.name}: ${year.year} ${year.status} (unchanged since it was last loaded)`);
        continue;
      }
      const current = await tx.selectFrom('calendar_years').select(['status', 'source']).where('year', '=', year.year).executeTakeFirst();
      if (current?.status === 'DECREED' && year.status === 'PROVISIONAL') {
        warnings.push(`${file.name} is provisional, but ${year.year} is loaded from its decree (${current.source}): the file is not applied; put the decree's list in it`);
        continue;
      }
      const result = await importCalendarYear(tx, year);
      await tx
        .insertInto('reference_files')
        .values({ name: file.name, sha256: file.sha256 })
        .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ sha256: eb.ref('excluded.sha256'), loaded_at: sql`now()` })))
        .execute();
      lines.push(`${file.name}: ${year.year} ${year.status}, ${year.holidays.length} days off (${changes(result.added.length, result.renamed.length, 0) || 'no date changed'}${result.removed.length ? `, ${result.removed.length} removed` : ''})`);
      for (const b of result.bookingsOnNewHolidays) warnings.push(`application ${b.applicationId} is booked on ${b.date}, now a day off: move its appointment`);
    }
  });

  return { lines, warnings };
}

const WEEKEND_DAYS = ['SAT', 'SUN'] as const;

/** Session hours as stored (jsonb) and compared: morning first, whatever order the file or the database gives. */
const sessionHoursJson = (hours: Record<Session, [string, string]>) => JSON.stringify({ MORNING: hours.MORNING, AFTERNOON: hours.AFTERNOON });
/** Seats per session and kind in one key order, so a reload compares them as text. */
const sessionQuotasJson = (quotas: SessionQuotas) =>
  JSON.stringify(Object.fromEntries(SESSIONS.map((session) => [session, Object.fromEntries(SEAT_KINDS.map((kind) => [kind, quotas[session][kind]]))])));

/** Whether a row differs from the file's version of it, field by field of the file's. */
const differs = <T extends object>(row: { [K in keyof T]?: unknown }, wanted: T) =>
  (Object.keys(wanted) as (keyof T)[]).some((key) => (Array.isArray(wanted[key]) ? JSON.stringify(row[key]) !== JSON.stringify(wanted[key]) : row[key] !== wanted[key]));

const byTypeAndPosition = (a: { application_type: string; position: number }, b: { application_type: string; position: number }) =>
  a.application_type.localeCompare(b.application_type) || a.position - b.position;

/** The shipped reference data, loaded: the embedded mode (`npm start`) and the tests. */
export async function seed(db: Kysely<DB>, dir: string = DEFAULT_REFERENCE_DIR): Promise<LoadReport> {
  return loadReferenceData(db, await readReferenceData(dir));
}

/**
 * What the API cannot serve applicants without: an office to apply at, a passport to apply for, and the
 * documents to bring. Empty when the catalogue is loaded.
 */
export async function catalogueProblems(db: Kysely<DB>): Promise<string[]> {
  const [offices, products, types] = await Promise.all([
    db.selectFrom('offices').select(({ fn }) => fn.countAll<string>().as('n')).where('retired_at', 'is', null).executeTakeFirstOrThrow(),
    db.selectFrom('fee_schedule').select(({ fn }) => fn.countAll<string>().as('n')).where('kind', '=', 'PRODUCT').where('retired_at', 'is', null).executeTakeFirstOrThrow(),
    db.selectFrom('document_requirements').select('application_type').distinct().execute(),
  ]);
  const problems: string[] = [];
  if (Number(offices.n) === 0) problems.push('no immigration offices are loaded');
  if (Number(products.n) === 0) problems.push('no passport fees (PRODUCT) are loaded');
  const missing = APPLICATION_TYPES.filter((t) => !types.some((r) => r.application_type === t));
  if (missing.length) problems.push(`no list of documents to bring for ${missing.join(', ')}`);
  return problems;
}

/** What an operator runs when the API or the worker finds the database not set up. */
export const SETUP_HINT =
  'run the database setup first: `node dist/scripts/setup-database.js` (docker compose runs it as the `setup` service; from a clone: `npm run setup-database`)';

/** Why the production processes cannot start on this database yet: an old schema, or an empty catalogue. */
export async function setupProblems(db: Kysely<DB>): Promise<string[]> {
  const newer = await unknownMigrations(db);
  if (newer.length) return [`the database was migrated by a newer version of the service (${newer.join(', ')}): run that version, or restore the database`];
  const pending = await pendingMigrations(db);
  if (pending.length) return [`the database schema is not up to date (migrations to run: ${pending.join(', ')})`];
  return catalogueProblems(db);
}
