// Data flows one way (docs/design.md): the API reads PostgreSQL through db/queries/, never through the
// activities, which are the workflow's side effects; the API depends on no script; and the managers' Temporal
// queries (managers/) need Temporal alone, so `npm run stuck` runs with nothing but its address.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

const sourcesUnder = (folder: string): string[] =>
  readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') || file.endsWith('.tsx'))
    .map((file) => join(root, folder, file));

/** The project folders a file imports from (static, dynamic and type imports alike), by relative path. */
const foldersImportedBy = (file: string): { specifier: string; folder: string }[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map(([, specifier]) => ({
    specifier: specifier!,
    folder: relative(root, resolve(dirname(file), specifier!)).split(/[\\/]/)[0]!,
  }));

const walls: { from: string[]; never: string[] }[] = [
  { from: ['api'], never: ['activities', 'scripts'] },
  { from: ['db'], never: ['activities'] },
  { from: ['managers'], never: ['api', 'activities', 'db', 'scripts'] },
];

describe('the layers', () => {
  for (const { from, never } of walls) {
    it(`keep ${from.join('/ and ')}/ from importing ${never.join('/, ')}/`, () => {
      const crossings = from
        .flatMap(sourcesUnder)
        .flatMap((file) => foldersImportedBy(file).filter(({ folder }) => never.includes(folder)).map(({ specifier }) => `${relative(root, file)} imports ${specifier}`));
      expect(crossings).toEqual([]);
    });
  }

  it('see the imports they look for', () => {
    // The check above is only as good as its reading of imports: it must see a known one.
    expect(foldersImportedBy(join(root, 'api/routes/public.ts')).map(({ folder }) => folder)).toEqual(expect.arrayContaining(['db', 'workflows', 'api']));
  });
});
