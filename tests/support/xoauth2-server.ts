// Runs xoauth2-smtp/server.ts or xoauth2-imap/server.ts as a child process (as a real mail server
// would be: no shared memory or event loop with the test) and collects the events it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';

export interface XOAuth2Event {
  type: 'listening' | 'auth' | 'refused' | 'accepted';
  user?: string;
  reason?: string;
  to?: string[];
}

export class XOAuth2Server {
  readonly events: XOAuth2Event[] = [];
  private child: ChildProcess | null = null;

  constructor(
    private readonly protocol: 'smtp' | 'imap',
    readonly port: number,
    private readonly issuer: string,
    private readonly scope: string,
  ) {}

  async start(): Promise<void> {
    const script = resolve(import.meta.dirname, `xoauth2-${this.protocol}`, 'server.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script, String(this.port), this.issuer, this.scope], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    await new Promise<void>((ready, fail) => {
      child.once('exit', (code) => fail(new Error(`XOAUTH2 ${this.protocol} server exited with ${code}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const event = JSON.parse(line) as XOAuth2Event;
        this.events.push(event);
        if (event.type === 'listening') ready();
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise((done) => {
      child.once('exit', done);
      child.kill('SIGTERM');
    });
  }
}
