// The office catalogue as a CSV an operator edits (deploy/reference/README.md): one office a line, quotas per kind
// of seat and session, weekend days. Read here into offices.json's shape; db/reference.ts checks each office with
// the same rules as offices.json's and names every problem by its line and column.
import { SEAT_KINDS, SESSIONS, type SeatKind, type Session } from '../workflows/definitions.js';

export const OFFICES_CSV = 'offices.csv';

const SEAT_COLUMNS = { REGULAR: 'regular', PRIORITY: 'priority', SAME_DAY: 'same_day' } as const satisfies Record<SeatKind, string>;
const seatColumn = (kind: SeatKind, session: Session) => `${SEAT_COLUMNS[kind]}_${session.toLowerCase()}`;
export const OFFICE_CSV_COLUMNS = [
  'code',
  'name',
  'city',
  'address',
  'time_zone',
  'notice_email',
  ...SEAT_KINDS.flatMap((kind) => SESSIONS.map((session) => seatColumn(kind, session))),
  'weekend_days',
] as const;
const FIELD_COLUMNS: Record<string, string> = { code: 'code', name: 'name', city: 'city', address: 'address', timeZone: 'time_zone', noticeEmail: 'notice_email', weekendDays: 'weekend_days' };
const DAILY_KINDS: Record<string, SeatKind> = { regular: 'REGULAR', priority: 'PRIORITY', sameDay: 'SAME_DAY' };

/** The CSV column a problem of offices.json's shape is about (`sessionQuotas.MORNING.REGULAR` is regular_morning). */
export function officeCsvColumn(path: readonly PropertyKey[]): string {
  const [field, a, b] = path.map(String);
  if (field === 'sessionQuotas' && a && b) return seatColumn(b as SeatKind, a as Session);
  if (field === 'sessionQuotas') return SEAT_KINDS.flatMap((kind) => SESSIONS.map((session) => seatColumn(kind, session))).join(', ');
  if (field === 'dailyQuota' && a) return SESSIONS.map((session) => seatColumn(DAILY_KINDS[a] ?? 'REGULAR', session)).join(' + ');
  return FIELD_COLUMNS[field ?? ''] ?? String(field);
}

interface CsvRecord {
  line: number;
  fields: string[];
}

/** RFC 4180 records: comma-separated, a field in double quotes may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): { records: CsvRecord[]; problems: string[] } {
  const records: CsvRecord[] = [];
  const problems: string[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let wasQuoted = false;
    let broken = false;
    for (; i < text.length; i += 1) {
      const c = text[i]!;
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 1);
        else if (c === '"') quoted = false;
        else {
          if (c === '\n') line += 1;
          field += c;
        }
      } else if (c === '"' && field === '' && !wasQuoted) (quoted = true), (wasQuoted = true);
      else if (c === ',') fields.push(field), (field = ''), (wasQuoted = false);
      else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
        i += c === '\r' ? 2 : 1;
        break;
      } else if (c === '"' || wasQuoted) broken = true;
      else field += c;
    }
    fields.push(field);
    if (quoted) problems.push(`line ${start}: a quoted field is not closed (a " is missing)`);
    else if (broken) problems.push(`line ${start}: a quote (") inside a field: put the whole field in quotes and double the quote, e.g. "Jl. ""Merdeka"" No. 1"`);
    else if (!(fields.length === 1 && fields[0]!.trim() === '')) records.push({ line: start, fields });
    line += 1;
  }
  return { records, problems };
}

const WHOLE = /^\d{1,9}$/;

/** Each office line of the CSV as offices.json would list it, with its line number; header and shape problems named. */
export function officeCsvRows(raw: string): { rows: { line: number; entry: unknown }[]; problems: string[] } {
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw; // a BOM, as spreadsheets save UTF-8
  const { records, problems } = parseCsv(text);
  const [header, ...body] = records;
  if (!header) return { rows: [], problems: [...problems, `line 1: the header is missing: ${OFFICE_CSV_COLUMNS.join(',')}`] };
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const missing = OFFICE_CSV_COLUMNS.filter((c) => !names.includes(c));
  const unknown = names.filter((n) => !(OFFICE_CSV_COLUMNS as readonly string[]).includes(n));
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (missing.length) problems.push(`line ${header.line}: the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  if (unknown.length) problems.push(`line ${header.line}: the header has unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => JSON.stringify(u)).join(', ')} (the columns: ${OFFICE_CSV_COLUMNS.join(',')})`);
  if (twice.length) problems.push(`line ${header.line}: the header names ${[...new Set(twice)].join(', ')} more than once`);
  if (missing.length || unknown.length || twice.length) return { rows: [], problems };

  const rows: { line: number; entry: unknown }[] = [];
  for (const record of body) {
    if (record.fields.length !== names.length) {
      problems.push(`line ${record.line}: ${record.fields.length} fields, but the header has ${names.length} columns (a field with a comma must be in double quotes)`);
      continue;
    }
    const value = (column: string) => record.fields[names.indexOf(column)]!.trim();
    const seats = (kind: SeatKind, session: Session): number => {
      const column = seatColumn(kind, session);
      if (WHOLE.test(value(column))) return Number(value(column));
      problems.push(`line ${record.line}, column ${column}: must be a whole number of seats, 0 or more (found ${JSON.stringify(value(column))})`);
      return 0;
    };
    const sessionQuotas = Object.fromEntries(SESSIONS.map((session) => [session, Object.fromEntries(SEAT_KINDS.map((kind) => [kind, seats(kind, session)]))])) as Record<Session, Record<SeatKind, number>>;
    const daily = (kind: SeatKind) => sessionQuotas.MORNING[kind] + sessionQuotas.AFTERNOON[kind];
    rows.push({
      line: record.line,
      entry: {
        code: value('code'),
        name: value('name'),
        city: value('city'),
        address: value('address'),
        timeZone: value('time_zone'),
        noticeEmail: value('notice_email') || null,
        dailyQuota: { regular: daily('REGULAR'), sameDay: daily('SAME_DAY'), priority: daily('PRIORITY') },
        sessionQuotas,
        weekendDays: value('weekend_days').split(/\s+/).filter(Boolean),
      },
    });
  }
  return { rows, problems };
}
