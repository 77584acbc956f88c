/* cli_output.h: line mode's standard output, whose write errors are reported, never lost. */
#ifndef HD_CLI_OUTPUT_H
#define HD_CLI_OUTPUT_H

/* Exit code of a run whose output could not be written (README: "1 anything else"). */
#define CLI_OUTPUT_EXIT_CODE 1

/*
 * Line mode, before any output: stdout becomes a stream that remembers why a write failed
 * (stdio keeps only a flag), for cli_output_fail's message. Not for the console: curses
 * needs stdout's file descriptor.
 */
void cli_output_watch(void);

/*
 * Flushes stdout. 0 if everything written to it so far got out, -1 once anything failed
 * (a full disk, /dev/full, a reader that went away): the first error is remembered.
 */
int cli_output_ok(void);

/* One "hubdesk: could not write the output: REASON" line on stderr (only the first call
   prints it). Returns CLI_OUTPUT_EXIT_CODE. */
int cli_output_fail(void);

/*
 * At exit: flushes and closes stdout. Returns rc when the output got out; otherwise prints
 * cli_output_fail's line and returns rc if it already was a failure, else CLI_OUTPUT_EXIT_CODE.
 */
int cli_output_finish(int rc);

#endif
