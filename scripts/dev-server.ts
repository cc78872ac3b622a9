// The Temporal CLI dev server (with its Web UI) as a guarded child process, its state kept in a file.
import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '../workflows/definitions.js';
import { spawnGuarded } from './guarded.js';
import { portProblems } from './ports.js';
import { ensureSearchAttributes } from './search-attributes.js';

const CLI_TYPES: Partial<Record<SearchAttributeType, string>> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
};

/** `--search-attribute Name=Type` for each of the managers' attributes. */
export const searchAttributeFlags = (): string[] => SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPES[key.type]}`]);

/**
 * SQLite as the dev server's store keeps it: write-ahead logging, so a commit writes the log once instead of a
 * rollback journal and the database file, each synced (the CLI's default). Every commit is still synced
 * (synchronous=full): a kill of any process, or of the machine, loses no workflow step it acknowledged.
 */
export const SQLITE_PRAGMA_FLAGS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=full'];

export async function startDevServer(opts: {
  cliPath: string;
  port: number;
  uiPort: number;
  dbFile: string;
  namespace: string;
  onLog?: (line: string) => void;
}): Promise<{ address: string; uiUrl: string; pid: number; exited: Promise<number>; stop(): Promise<void> }> {
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(opts.port),
    '--ui-port', String(opts.uiPort),
    '--db-filename', opts.dbFile,
    ...SQLITE_PRAGMA_FLAGS,
    '--namespace', opts.namespace,
    '--log-level', 'warn',
    ...searchAttributeFlags(),
  ];
  const problems = await portProblems([
    { port: opts.port, host: '127.0.0.1', what: 'Temporal dev server', envVar: 'TEMPORAL_DEV_PORT' },
    { port: opts.uiPort, host: '127.0.0.1', what: 'Temporal Web UI', envVar: 'TEMPORAL_UI_PORT' },
  ]);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  // Under a guard: it cannot outlive this process, and a Ctrl-C reaches us first so we stop it after the worker has drained.
  const child = await spawnGuarded(opts.cliPath, args, { onOutput: (text) => opts.onLog?.(text) });
  let ended: number | undefined;
  void child.exited.then((status) => (ended = status));

  const address = `127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (ended !== undefined) throw new Error(`temporal server start-dev exited with status ${ended} (is port ${opts.port} or ${opts.uiPort} in use?)`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        // An existing database file keeps its attributes: those a newer release added are registered here.
        const added = await ensureSearchAttributes(connection, opts.namespace);
        if (added.length) opts.onLog?.(`registered the search attributes this database did not have yet: ${added.join(', ')}\n`);
      } finally {
        await connection.close();
      }
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await child.stop();
        throw new Error(`the Temporal dev server did not answer on ${address} within 60 s: ${String(error)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    address,
    uiUrl: `http://127.0.0.1:${opts.uiPort}`,
    pid: child.pid,
    exited: child.exited,
    async stop() {
      await child.stop();
    },
  };
}
