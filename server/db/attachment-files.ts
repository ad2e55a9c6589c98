import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

/**
 * Message files on disk, named by their SHA-256: a copied message shares its files, a send
 * streams them (nodemailer reads `path` itself), and no row holds megabytes. Uploads land in
 * `tmp/` first and move in only once checked, so a refused upload leaves nothing behind.
 */

export const attachmentsDirOf = (dataDir: string) => join(dataDir, 'attachments');

export interface ReceivedFile {
  tmpPath: string;
  size: number;
  sha256: string;
}

export class FileTooLarge extends Error {}

export class AttachmentFiles {
  constructor(readonly dir: string) {}

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return join(this.dir, sha256);
  }

  /** Streams `body` into a temporary file, hashing as it goes; more than `limit` bytes stops it with FileTooLarge and removes the file. */
  async receive(body: ReadableStream<Uint8Array>, limit: number): Promise<ReceivedFile> {
    const tmpDir = join(this.dir, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmpPath = join(tmpDir, randomBytes(12).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > limit) return done(new FileTooLarge());
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>), count, createWriteStream(tmpPath));
    } catch (err) {
      await rm(tmpPath, { force: true });
      throw err;
    }
    return { tmpPath, size, sha256: hash.digest('hex') };
  }

  /** Moves a checked upload to its place; the same bytes stored before are kept as they are. */
  async keep(file: ReceivedFile): Promise<void> {
    const target = this.pathOf(file.sha256);
    if (await stat(target).then(() => true, () => false)) await this.discard(file);
    else await rename(file.tmpPath, target);
  }

  discard(file: ReceivedFile): Promise<void> {
    return rm(file.tmpPath, { force: true });
  }

  /** Removes the bytes; the caller has checked that no row refers to them any more. */
  remove(sha256: string): Promise<void> {
    return rm(this.pathOf(sha256), { force: true });
  }
}
