// The population registry's adapter (api/registry.ts) against real loopback HTTP servers: what it sends, how it reads
// each verdict, and every way a registry fails to answer (refused, 5xx, 401, hung, unreadable) as RegistryUnavailable,
// with a message that never carries the identity asked about.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { httpRegistry, RegistryUnavailable, type PopulationRegistry } from '../../api/registry.js';
import { startFakeDukcapil, type FakeDukcapil } from '../../scripts/fake-dukcapil.js';

const identity = { nik: '7271055205900042', fullName: 'Siti  rahmawati', birthDate: '1990-05-12' };
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A registry that answers every request with `reply`; the requests it saw are kept. */
/** `timeoutMs`: long enough for a loaded test machine unless the test is about the timeout. */
async function registryAnswering(reply: (req: IncomingMessage, res: ServerResponse, body: string) => void, timeoutMs = 10_000) {
  const seen: Array<{ method?: string; url?: string; authorization?: string; body: string }> = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
    reply(req, res, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/dukcapil/v1`;
  return { seen, registry: httpRegistry({ baseUrl: url, token: 'secret-token', timeoutMs }) };
}
const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

/** The error a verification ends with: its class and message, checked to hold none of the identity. */
async function failureOf(registry: PopulationRegistry): Promise<RegistryUnavailable> {
  const error = await registry.verify(identity).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryUnavailable);
  const message = (error as Error).message;
  for (const value of [identity.nik, identity.birthDate, 'rahmawati', 'RAHMAWATI']) expect(message).not.toContain(value);
  return error as RegistryUnavailable;
}

describe('the population registry adapter', () => {
  it('posts the identity with its bearer token, the name in capitals and single-spaced, and reads each verdict', async () => {
    const verdicts = [{ found: true, matches: { fullName: true, birthDate: true } }, { found: true, matches: { fullName: false, birthDate: true } }, { found: true, matches: { fullName: false, birthDate: false } }, { found: false }];
    let next = 0;
    const { seen, registry } = await registryAnswering((req, res) => json(200, verdicts[next++])(req, res));
    expect(await registry.verify(identity)).toEqual({ status: 'MATCH' });
    expect(await registry.verify(identity)).toEqual({ status: 'MISMATCH', fields: ['fullName'] });
    expect(await registry.verify(identity)).toEqual({ status: 'MISMATCH', fields: ['fullName', 'birthDate'] });
    expect(await registry.verify(identity)).toEqual({ status: 'NOT_FOUND' });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/dukcapil/v1/verify', authorization: 'Bearer secret-token' });
    expect(JSON.parse(seen[0]!.body)).toEqual({ nik: identity.nik, fullName: 'SITI RAHMAWATI', birthDate: identity.birthDate });
  });

  it('is unavailable when the registry is down, answers 5xx or 401, hangs past the timeout, or answers what it cannot read', async () => {
    const down = await registryAnswering(json(200, {}));
    servers.pop()!.close();
    expect((await failureOf(down.registry)).message).toBe('the population registry cannot be reached');

    expect((await failureOf((await registryAnswering(json(503, { error: 'maintenance' }))).registry)).message).toBe('the population registry answered 503');
    expect((await failureOf((await registryAnswering(json(401, { error: 'token expired' }))).registry)).message).toBe('the population registry answered 401');

    const hung = await failureOf((await registryAnswering(() => undefined, 500)).registry);
    expect(hung.message).toBe('the population registry did not answer within 0.5 s');
    // Headers at once, the body never: the timeout covers the whole answer.
    const trickle = await failureOf((await registryAnswering((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).write('{"found":'), 500)).registry);
    expect(trickle.message).toBe('the population registry did not answer within 0.5 s');

    for (const unreadable of ['<html>gateway</html>', '{"found": "yes"}', '{"found": true}', '{"found": true, "matches": {"fullName": true}}']) {
      expect((await failureOf((await registryAnswering(json(200, unreadable))).registry)).message, unreadable).toBe('the population registry answered something this service cannot read');
    }
  });
});

describe('the fake registry (scripts/fake-dukcapil.ts)', () => {
  let fake: FakeDukcapil;
  afterAll(async () => fake?.stop());

  it("answers a NIK it has no resident for by the birth date its digits carry, its residents by their own data, and absent NIKs as not found", async () => {
    fake = await startFakeDukcapil();
    const registry = httpRegistry({ baseUrl: fake.url, token: fake.settings.DUKCAPIL_API_TOKEN, timeoutMs: 2_000 });
    expect(await registry.verify(identity)).toEqual({ status: 'MATCH' }); // 52 05 90: a woman born 12 May 1990
    expect(await registry.verify({ ...identity, birthDate: '1990-05-13' })).toEqual({ status: 'MISMATCH', fields: ['birthDate'] });
    fake.register({ nik: identity.nik, fullName: 'SITI NURHALIZA', birthDate: identity.birthDate });
    expect(await registry.verify(identity)).toEqual({ status: 'MISMATCH', fields: ['fullName'] });
    expect(await registry.verify({ ...identity, fullName: 'siti nur haliza' })).toEqual({ status: 'MATCH' });
    fake.markAbsent(identity.nik);
    expect(await registry.verify(identity)).toEqual({ status: 'NOT_FOUND' });
    expect((await fetch(`${fake.url}/verify`, { method: 'POST', body: '{}' })).status).toBe(401); // the token, as the real one asks
  });
});
