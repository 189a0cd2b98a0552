import { randomBytes, randomUUID } from 'node:crypto'

export interface FunctionCredential {
  secretId: string
  secretKey: string
  sessionToken: string
}

/**
 * The temporary TC3 credentials SCF hands each function instance (TENCENTCLOUD_SECRETID/SECRETKEY/SESSIONTOKEN).
 * One secret id per function name, so an admin request says which function made it; the secret key is this
 * run's own, so a signature computed with anything else is refused (http/admin-api.ts).
 */
export class FunctionCredentials {
  private readonly secretKey = randomBytes(16).toString('hex')
  private readonly names = new Map<string, string>()

  issue(functionName: string): FunctionCredential {
    const secretId = `AKIDweauth${functionName}`
    this.names.set(secretId, functionName)
    return { secretId, secretKey: this.secretKey, sessionToken: randomUUID() }
  }

  /** The function a secret id was issued to, with the key its requests must be signed with. */
  lookup(secretId: string): { functionName: string; secretKey: string } | undefined {
    const functionName = this.names.get(secretId)
    return functionName === undefined ? undefined : { functionName, secretKey: this.secretKey }
  }
}
