import { AUTH_PROVIDER } from '../../config/auth'
import type { Backend } from './backend'
import { cloudBackend } from './cloud-backend'
import { httpBackend } from './http-backend'

export type { Backend, ConsentGiven, DeletedAccount, PhoneProof, ProfileChanges } from './backend'

/** The backend this build uses: TARO_APP_AUTH_PROVIDER (src/config/auth.ts), pinned at build time. */
export const configuredBackend: Backend = AUTH_PROVIDER === 'http' ? httpBackend : cloudBackend
