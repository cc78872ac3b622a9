export declare const cacheDir: string;
export declare const binaries: Record<'cli' | 'testServer', { name: string; envVar: string }>;
export declare function resolveBinary(
  key: 'cli' | 'testServer',
  options?: { install?: boolean },
): { path: string | undefined; source: string | undefined; tried: string[] };
