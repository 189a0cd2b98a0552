import { randomBytes } from 'node:crypto'

/**
 * Upload tickets: what storage.getUploadMetadata hands the SDK (a signed COS PUT in WeChat Cloud), and what
 * the upload URL later checks. WeChat does not publish the signature's lifetime; the emulator uses 10 minutes.
 */
export const UPLOAD_TICKET_TTL_MS = 10 * 60 * 1000

export interface UploadTicket {
  cloudPath: string
  authorization: string
  token: string
  cosFileId: string
  expiresAt: number
}

export class UploadTickets {
  private tickets = new Map<string, UploadTicket>()

  constructor(private readonly now: () => number) {}

  issue(cloudPath: string): UploadTicket {
    this.sweep()
    const ticket: UploadTicket = {
      cloudPath,
      authorization: `q-sign-algorithm=sha1&q-ak=AKIDweauth&q-signature=${randomBytes(20).toString('hex')}`,
      token: randomBytes(24).toString('base64url'),
      cosFileId: randomBytes(24).toString('base64url'),
      expiresAt: this.now() + UPLOAD_TICKET_TTL_MS,
    }
    this.tickets.set(ticket.authorization, ticket)
    return ticket
  }

  /** The live ticket for this authorization header and path, if any (like a COS signature, reusable until it expires). */
  check(authorization: string | undefined, cloudPath: string): UploadTicket | undefined {
    const ticket = authorization ? this.tickets.get(authorization) : undefined
    if (!ticket || ticket.cloudPath !== cloudPath || ticket.expiresAt <= this.now()) return undefined
    return ticket
  }

  clear(): void {
    this.tickets.clear()
  }

  private sweep(): void {
    const now = this.now()
    for (const [key, t] of this.tickets) if (t.expiresAt <= now) this.tickets.delete(key)
  }
}
