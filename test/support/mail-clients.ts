import { connect, type Socket } from 'node:net';

/**
 * Minimal POP3 and IMAP clients over `net.Socket` for the daemon tests (plain text on
 * loopback). Dovecot answers a failed login after `auth_failure_delay` (about 2 s): every read
 * waits up to `timeoutMs` (30 s by default) for its reply, never a fixed time.
 */

let source = 0;
/**
 * Each session comes from its own loopback address (127.0.x.y, all of 127/8 is the loopback):
 * Dovecot's anvil delays every login from an address after failed ones (up to 15 s, HOSTING.md
 * b.1), which the tests, refused on purpose, would otherwise pile up.
 */
function nextSourceAddress(): string {
  source = (source % 60_000) + 1;
  return `127.0.${Math.floor(source / 250)}.${(source % 250) + 2}`;
}
class LineSocket {
  private buffer = '';
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
  ) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.waiter?.();
    });
    const fail = (error: Error) => {
      this.failure = error;
      this.waiter?.();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed by the server')));
  }

  static async open(port: number, timeoutMs: number): Promise<LineSocket> {
    const socket = connect({ port, host: '127.0.0.1', localAddress: nextSourceAddress() });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new LineSocket(socket, timeoutMs);
  }

  /** Waits until `complete(buffer)` gives the length of a whole reply; returns and consumes it. */
  async read(complete: (buffer: string) => number | null, what: string): Promise<string> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const end = complete(this.buffer);
      if (end !== null) {
        const reply = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end);
        return reply;
      }
      if (this.failure) throw new Error(`${what}: ${this.failure.message} (got ${this.buffer})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: no reply within ${this.timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  write(line: string): void {
    this.socket.write(`${line}\r\n`, 'latin1');
  }

  close(): void {
    this.socket.destroy();
  }
}

const oneLine = (buffer: string) => {
  const end = buffer.indexOf('\r\n');
  return end < 0 ? null : end + 2;
};

/** A POP3 session: `+OK`/`-ERR` replies, multi-line ones ending with `.`. */
export class Pop3Session {
  private constructor(private readonly lines: LineSocket) {}

  static async open(port: number, timeoutMs = 30_000): Promise<Pop3Session> {
    const session = new Pop3Session(await LineSocket.open(port, timeoutMs));
    const greeting = await session.lines.read(oneLine, 'POP3 greeting');
    if (!greeting.startsWith('+OK')) throw new Error(`POP3 greeting: ${greeting}`);
    return session;
  }

  /** One command, its one-line reply. */
  async command(line: string): Promise<string> {
    this.lines.write(line);
    return (await this.lines.read(oneLine, line.split(' ')[0]!)).trimEnd();
  }

  /** USER then PASS: true when the server lets the box in. */
  async login(user: string, password: string): Promise<boolean> {
    const named = await this.command(`USER ${user}`);
    if (!named.startsWith('+OK')) return false;
    return (await this.command(`PASS ${password}`)).startsWith('+OK');
  }

  /** A multi-line reply (`RETR n`, `LIST`), dot-unstuffed; throws on `-ERR`. */
  async multiline(line: string): Promise<string> {
    this.lines.write(line);
    const reply = await this.lines.read((buffer) => {
      if (buffer.startsWith('-ERR')) return oneLine(buffer);
      const end = buffer.indexOf('\r\n.\r\n');
      return end < 0 ? null : end + 5;
    }, line.split(' ')[0]!);
    if (reply.startsWith('-ERR')) throw new Error(`${line}: ${reply.trimEnd()}`);
    return reply
      .slice(reply.indexOf('\r\n') + 2, -5)
      .split('\r\n')
      .map((l) => (l.startsWith('..') ? l.slice(1) : l))
      .join('\n');
  }

  /** The number of messages (`STAT`). */
  async count(): Promise<number> {
    const stat = await this.command('STAT');
    const match = /^\+OK (\d+) /.exec(stat);
    if (!match) throw new Error(`STAT: ${stat}`);
    return Number(match[1]);
  }

  async quit(): Promise<void> {
    try {
      await this.command('QUIT');
    } finally {
      this.lines.close();
    }
  }
}

/** An IMAP session: tagged commands, replies read up to their tagged status line. */
export class ImapSession {
  private tag = 0;
  private constructor(private readonly lines: LineSocket) {}

  static async open(port: number, timeoutMs = 30_000): Promise<ImapSession> {
    const session = new ImapSession(await LineSocket.open(port, timeoutMs));
    const greeting = await session.lines.read(oneLine, 'IMAP greeting');
    if (!greeting.startsWith('* OK')) throw new Error(`IMAP greeting: ${greeting}`);
    return session;
  }

  /** Sends `<tag> <command>`; resolves with the status (OK, NO, BAD) and the whole reply. */
  async command(command: string): Promise<{ status: string; reply: string }> {
    const tag = `g${++this.tag}`;
    this.lines.write(`${tag} ${command}`);
    const reply = await this.lines.read((buffer) => {
      const start = buffer.startsWith(`${tag} `) ? 0 : buffer.indexOf(`\r\n${tag} `);
      if (start < 0) return null;
      const end = buffer.indexOf('\r\n', start === 0 ? 0 : start + 2);
      return end < 0 ? null : end + 2;
    }, command.split(' ')[0]!);
    const last = reply.trimEnd().split('\r\n').pop()!;
    return { status: last.split(' ')[1]!, reply };
  }

  /** LOGIN with quoted strings: true when the server lets the box in. */
  async login(user: string, password: string): Promise<boolean> {
    const quoted = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;
    return (await this.command(`LOGIN ${quoted(user)} ${quoted(password)}`)).status === 'OK';
  }

  async logout(): Promise<void> {
    try {
      await this.command('LOGOUT');
    } finally {
      this.lines.close();
    }
  }
}
