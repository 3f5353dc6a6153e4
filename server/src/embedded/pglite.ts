// The embedded database for the default run: PGlite (PostgreSQL in WebAssembly) kept on disk and
// served over the PostgreSQL wire protocol, so the server talks to it with `pg` exactly as it
// would to a real server.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdir } from 'node:fs/promises';

export interface EmbeddedDatabase {
  url: string;
  close(): Promise<void>;
}

export async function startEmbeddedDatabase(dir: string, port = 0): Promise<EmbeddedDatabase> {
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir);
  // PGlite is one session: several wire connections would interleave extended-protocol
  // messages. The server uses a pool of one; a few extra slots let psql look in.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 4 });
  await server.start();
  const conn = server.getServerConn();
  return {
    url: `postgres://postgres:postgres@${conn}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
