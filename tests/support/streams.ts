// Writable streams for commands run in-process: their output kept for the test, or dropped.
import { Writable } from 'node:stream';

/** A stream that keeps what is written to it in `into`. */
export function collect(into: string[]): NodeJS.WritableStream {
  return new Writable({
    write(chunk: Buffer, _encoding, done): void {
      into.push(chunk.toString());
      done();
    },
  });
}

/** A stream that drops what is written to it. */
export function discard(): NodeJS.WritableStream {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}
