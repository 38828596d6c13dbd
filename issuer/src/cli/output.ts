/** Where the CLI writes: stdout carries results (JSON), stderr carries people's text. Injected for tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal (progress bars only there). */
  errIsTTY: boolean;
}

/** The process's own streams. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  errIsTTY: Boolean(process.stderr.isTTY),
};
