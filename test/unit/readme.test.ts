// The README's lifecycle diagram stays in step with the stages the code defines, its links lead to files
// a clone has, its configuration section names exactly the settings config.ts reads, and "Try it" runs again.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../config.js';
import { REFUND_STAGES, STAGES, TERMINAL_REFUND_STAGES, TERMINAL_STAGES } from '../../workflows/definitions.js';

const readme = await readFile(resolve(import.meta.dirname, '../../README.md'), 'utf8');
/** The text of a `## ` section, up to the next one. */
const section = (title: string) => new RegExp(`\\n## ${title}\\n([\\s\\S]*?)\\n## `).exec(readme)?.[1] ?? '';
const diagram = /```mermaid\nstateDiagram-v2\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

describe('the README lifecycle diagram', () => {
  it('names exactly the stages of workflows/definitions.ts', () => {
    const named = new Set(diagram.match(/\b[A-Z][A-Z_]{3,}\b/g));
    expect([...named].sort()).toEqual([...STAGES].sort());
  });

  it('ends every terminal stage and only those', () => {
    const ending = [...diagram.matchAll(/(\w+) --> \[\*\]/g)].map((m) => m[1]);
    expect(ending.sort()).toEqual([...TERMINAL_STAGES].sort());
  });
});

describe('the README refund diagram', () => {
  const refunds = /```mermaid\nstateDiagram-v2\n([\s\S]*?)```/.exec(section('Refunds'))?.[1] ?? '';
  it('names exactly the refund stages of workflows/definitions.ts, and ends at the terminal ones only', () => {
    expect([...new Set(refunds.match(/\b[A-Z][A-Z_]{3,}\b/g))].sort()).toEqual([...REFUND_STAGES].sort());
    expect([...refunds.matchAll(/(\w+) --> \[\*\]/g)].map((m) => m[1]).sort()).toEqual([...TERMINAL_REFUND_STAGES].sort());
  });
});

describe('the README links', () => {
  it('lead only to files inside the repository, each of which exists', () => {
    const root = resolve(import.meta.dirname, '../..');
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^(https?:|mailto:|#)/.test(t));
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      const file = resolve(root, target.split('#')[0]!);
      expect(relative(root, file).startsWith('..'), `${target} is outside the repository`).toBe(false);
      expect(existsSync(file), `${target} does not exist`).toBe(true);
    }
    expect(readme).not.toMatch(/`\.\.\/[^`]*`/); // nor a path outside it in code
  });
});

describe('the README configuration section', () => {
  const text = section('Configuration');
  it('has a row for every setting config.ts reads', () => {
    const rows = [...text.matchAll(/^\| (`[A-Z][A-Z0-9_]*`(?:, `[A-Z][A-Z0-9_]*`)*) \|/gm)].flatMap((m) => m[1]!.replace(/`/g, '').split(', '));
    expect(rows.sort()).toEqual([...SETTING_NAMES].sort());
  });

  it('names no setting that config.ts does not read', () => {
    const named = new Set([...text.matchAll(/`([A-Z][A-Z0-9_]{2,})(?:=[^`]*)?`/g)].map((m) => m[1]!));
    expect([...named].filter((name) => !SETTING_NAMES.includes(name))).toEqual([]);
  });
});

describe('the README "Try it" block', () => {
  const block = /```sh\n(API=[\s\S]*?)```/.exec(section('Try it'))?.[1] ?? '';
  it('is shell that parses, and captures npm scripts that exist without their banner (npm run -s)', () => {
    expect(block).not.toBe('');
    expect(spawnSync('bash', ['-n'], { input: block }).status).toBe(0);
    const scripts = Object.keys(JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')).scripts);
    const commands = block.replace(/^\s*#.*$/gm, '');
    const runs = [...commands.matchAll(/npm run( -s)? ([\w:-]+)/g)];
    expect(runs.length).toBeGreaterThan(0);
    for (const [run, silent, script] of runs) {
      expect(silent, run).toBe(' -s');
      expect(scripts, run).toContain(script);
    }
  });

  it('runs again as written: no fixed date, NIK or transaction id', () => {
    expect(block).not.toMatch(/\b20\d\d-\d\d-\d\d/);
    expect(block).not.toMatch(/"nik":"\d{16}"/);
    expect(block).not.toMatch(/"transactionId":"[^"$]+"/);
  });
});
