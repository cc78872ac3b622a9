// The README's lifecycle diagram stays in step with the stages the code defines.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
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
