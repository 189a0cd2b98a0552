/** Sends compiled templates' nodes with only the fields their template reads (see index.js). */
export function sendReadFieldsOnly(chain: unknown): void
