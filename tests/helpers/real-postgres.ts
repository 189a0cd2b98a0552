import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TEST_DATABASE_URL } from './test-database'

/**
 * A real PostgreSQL server for tests that need more than one process on one database (PGlite lives inside one
 * process and cannot be shared). WEAUTH_TEST_DATABASE_URL when set (.ci/run always sets it); in CI without it
 * the test fails, it never passes unseen. Elsewhere a throwaway cluster of Debian's `postgresql` binaries on a
 * free loopback port, removed afterwards; without those binaries the test fails saying what to install.
 */
export interface RealPostgres {
  /** a role that may CREATE DATABASE */
  url: string
  stop(): Promise<void>
}

const PG_BIN_ROOT = '/usr/lib/postgresql'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

function run(command: string, args: string[], asPostgres: boolean): void {
  const [cmd, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]
  const result = spawnSync(cmd, argv, { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout || result.error}`)
}

export async function realPostgres(): Promise<RealPostgres> {
  if (TEST_DATABASE_URL) return { url: TEST_DATABASE_URL, stop: async () => undefined }
  if (process.env.CI === 'true')
    throw new Error('WEAUTH_TEST_DATABASE_URL is not set: in CI, .ci/run must provide a PostgreSQL server')
  const versions = existsSync(PG_BIN_ROOT) ? readdirSync(PG_BIN_ROOT).sort((a, b) => Number(b) - Number(a)) : []
  const bin = versions.map((v) => join(PG_BIN_ROOT, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')))
  if (!bin)
    throw new Error(
      "this test needs PostgreSQL: set WEAUTH_TEST_DATABASE_URL, or install Debian's postgresql (apt-get install postgresql)",
    )
  // initdb refuses to run as root: the cluster then belongs to the postgres user
  const asPostgres = process.getuid?.() === 0
  const dir = mkdtempSync(join(tmpdir(), 'weauth-pg-'))
  const password = `pw${Math.random().toString(36).slice(2)}`
  writeFileSync(join(dir, 'pwfile'), `${password}\n`)
  if (asPostgres) run('chown', ['-R', 'postgres', dir], false)
  const data = join(dir, 'data')
  run(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'weauth', `--pwfile=${join(dir, 'pwfile')}`, '-A', 'scram-sha-256'],
    asPostgres,
  )
  const port = await freePort()
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off`
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-o', options, 'start'], asPostgres)
  return {
    url: `postgres://weauth:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], asPostgres)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
