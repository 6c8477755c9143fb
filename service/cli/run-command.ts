/**
 * Runs a command-line tool's `main` and exits with the code it returns; an error it throws becomes one line
 * on stderr, `<failure>: <message>`, and the exit code `failureCode`.
 */
export function runCommand(main: () => Promise<number>, failure: string, failureCode: number): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${failure}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = failureCode;
    },
  );
}
