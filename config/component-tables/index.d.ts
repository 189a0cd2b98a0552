/** Prunes the unused Taro components' attribute tables from the weapp bundle (see index.js). */
export function pruneComponentTables(chain: unknown): void
