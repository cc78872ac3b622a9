// The README's lifecycle diagram stays in step with the stages the code defines, and its links lead to files
// a clone has.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAGES, TERMINAL_STAGES } from '../../workflows/definitions.js';

const readme = await readFile(resolve(import.meta.dirname, '../../README.md'), 'utf8');
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
