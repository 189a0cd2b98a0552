import type { Backend } from './backend'
import { cloudBackend } from './cloud-backend'
import { httpBackend } from './http-backend'

export type { Backend, ConsentGiven, DeletedAccount, PhoneProof, ProfileChanges } from './backend'

/**
 * The backend this build uses: TARO_APP_AUTH_PROVIDER (src/config/auth.ts), pinned at build time. The test reads
 * the build-time constant itself rather than AUTH_PROVIDER: webpack folds it right here whatever the module graph
 * (an imported constant folds only while the modules happen to be concatenated), so the other backend's code
 * leaves the bundle: a cloud build carries no http client, an http build no cloud calls.
 */
export const configuredBackend: Backend = process.env.TARO_APP_AUTH_PROVIDER === 'http' ? httpBackend : cloudBackend
