import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes and waits for 'drain' when the stream asks to: a slow reader slows the report down. */
export async function writeChunk(out: Writable, chunk: string | Uint8Array): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Text gathered into chunks of about 64 KiB before each write. */
export class TextSink {
  private buffer = '';

  constructor(private readonly write: (chunk: string) => Promise<void> | void) {}

  async add(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= 65_536) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    await this.write(chunk);
  }
}
