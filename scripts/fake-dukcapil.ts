// A fake population registry (Dukcapil) for the embedded `npm start` and the tests: it answers the verification
// request of the adapter (api/registry.ts) over HTTP. Loopback only; it holds made-up residents, never real ones.
//
// Its rule, so that every other test and the demo submit without registering anyone: a NIK it has no resident for
// exists, with the birth date its digits carry (DDMMYY, a woman's day + 40) and whatever name is asked about.
// Residents registered (from the JSON file or `POST /residents`) are checked against their own name and birth date;
// NIKs listed as absent (the file's `absent`, or `POST /absent`) are not found.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { sameName } from '../api/registry.js';
import { readJson } from './message-sink.js';

const resident = z.object({ nik: z.string().regex(/^\d{16}$/), fullName: z.string().min(1), birthDate: z.iso.date() });
export type FakeResident = z.infer<typeof resident>;
/** The file the fake starts from: `{"residents": [{"nik", "fullName", "birthDate"}], "absent": ["<nik>"]}`, both optional. */
const residentsFile = z.object({ residents: z.array(resident).default([]), absent: z.array(z.string().regex(/^\d{16}$/)).default([]) });
const verifyRequest = z.object({ nik: z.string(), fullName: z.string(), birthDate: z.string() });

export interface FakeDukcapil {
  url: string;
  /** DUKCAPIL_API_URL and DUKCAPIL_API_TOKEN for a service that asks this fake. */
  settings: { DUKCAPIL_API_URL: string; DUKCAPIL_API_TOKEN: string };
  register(resident: FakeResident): void;
  markAbsent(nik: string): void;
  /** false: every verification is answered 503, as a registry that is down (true again: it is back). */
  setAvailable(available: boolean): void;
  /** How many verifications it has answered (503s included). */
  verifications(): number;
  stop(): Promise<void>;
}

const TOKEN = 'fake-dukcapil-token';

/** The birth date a NIK's digits carry, as a verdict on a submitted one: day (a woman's + 40), month, two-digit year. */
function nikCarries(nik: string, birthDate: string): boolean {
  const [year, month, day] = birthDate.split('-');
  if (!year || !month || !day || !/^\d{16}$/.test(nik)) return false;
  const nikDay = Number(nik.slice(6, 8));
  return [nikDay, nikDay - 40].includes(Number(day)) && nik.slice(8, 10) === month && nik.slice(10, 12) === year.slice(2);
}

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/**
 * Starts the fake on `host:port` (0: a free port). `POST /verify` (bearer token) answers `{"found": false}` or
 * `{"found": true, "matches": {"fullName", "birthDate"}}`; `POST /residents` and `POST /absent` (`{"nik"}`) are the
 * fake's own, for tests and demos. `file`: residents and absent NIKs to start with (a missing file is an empty one).
 */
export async function startFakeDukcapil({ port = 0, host = '127.0.0.1', file }: { port?: number; host?: string; file?: string } = {}): Promise<FakeDukcapil> {
  const residents = new Map<string, FakeResident>();
  const absent = new Set<string>();
  if (file) {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
    if (text !== undefined) {
      const parsed = residentsFile.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      for (const r of parsed.data.residents) residents.set(r.nik, r);
      for (const nik of parsed.data.absent) absent.add(nik);
    }
  }
  let available = true;
  let verifications = 0;

  const verify = (request: z.infer<typeof verifyRequest>) => {
    if (absent.has(request.nik)) return { found: false };
    const known = residents.get(request.nik);
    if (!known) return { found: true, matches: { fullName: true, birthDate: nikCarries(request.nik, request.birthDate) } };
    return { found: true, matches: { fullName: sameName(known.fullName, request.fullName), birthDate: known.birthDate === request.birthDate } };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (req.method !== 'POST') return send(res, 404, { error: `no ${req.method} ${path} here` });
    const body = await readJson(req);
    if (path === '/verify') {
      verifications += 1;
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(res, 401, { error: 'invalid token' });
      if (!available) return send(res, 503, { error: 'the registry is unavailable (fake)' });
      const request = verifyRequest.safeParse(body);
      return request.success ? send(res, 200, verify(request.data)) : send(res, 400, { error: 'expected {nik, fullName, birthDate}' });
    }
    if (path === '/residents') {
      const parsed = resident.safeParse(body);
      if (!parsed.success) return send(res, 400, { error: 'expected {nik (16 digits), fullName, birthDate (YYYY-MM-DD)}' });
      residents.set(parsed.data.nik, parsed.data);
      absent.delete(parsed.data.nik);
      return send(res, 201, { registered: true });
    }
    if (path === '/absent') {
      const nik = z.object({ nik: z.string().regex(/^\d{16}$/) }).safeParse(body);
      if (!nik.success) return send(res, 400, { error: 'expected {nik (16 digits)}' });
      absent.add(nik.data.nik);
      residents.delete(nik.data.nik);
      return send(res, 201, { absent: true });
    }
    return send(res, 404, { error: `no POST ${path} here` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { error: 'fake registry error' }));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const url = `http://${host}:${(server.address() as { port: number }).port}`;
  return {
    url,
    settings: { DUKCAPIL_API_URL: url, DUKCAPIL_API_TOKEN: TOKEN },
    register: (r) => {
      residents.set(r.nik, resident.parse(r));
      absent.delete(r.nik);
    },
    markAbsent: (nik) => {
      absent.add(nik);
      residents.delete(nik);
    },
    setAvailable: (value) => void (available = value),
    verifications: () => verifications,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
