import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Where the dump of a freshly initialised PGlite data directory is kept between runs (initdb takes seconds). */
export const PGLITE_TEMPLATE_PATH = join(tmpdir(), 'weauth-pglite-template-0.5.17.tar')
