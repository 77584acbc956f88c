/* termguard.h: the terminal put back on every signal that ends the process. */
#ifndef HD_TERMGUARD_H
#define HD_TERMGUARD_H

#include <stddef.h>
#include <termios.h>

/* Which signals termguard_arm catches. */
enum {
    /* Faults: SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTRAP. A handler installed
       before (ASan's) still runs after the terminal is back, so its report stays readable. */
    TERMGUARD_FATAL = 1 << 0,
    /* The termguard_quit_signals: for code that has no loop to quit through (a prompt). */
    TERMGUARD_QUIT = 1 << 1,
};

/* Room for termguard_quit_signals: the named ones and the real-time range. */
#define TERMGUARD_QUIT_MAX 64

/*
 * The signals whose default action ends the process and that are not faults: SIGINT,
 * SIGQUIT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ,
 * SIGIO, SIGPWR, SIGSTKFLT and SIGRTMIN..SIGRTMAX (SIGPIPE is left out: it is ignored).
 * Fills out[] (up to max entries) and returns how many.
 */
size_t termguard_quit_signals(int *out, size_t max);

/*
 * Remembers how to put the terminal back: `reset` (len bytes, at most 256, e.g. leave the
 * alternate screen, show the cursor, keypad off, attributes off; copied) written to fd, then
 * fd's termios set to *mode (NULL: fd's mode now). Installs handlers for the signals `which`
 * names that do that, then end the process by the same signal (its exit status and core
 * dump as without them). One guard at a time: -1 if one is armed (or reset is too long),
 * else 0. Call from the main thread, after any sanitizer set its own handlers.
 */
int termguard_arm(int fd, const struct termios *mode, const char *reset, size_t len, int which);

/* Puts the signal handlers back as termguard_arm found them and forgets the terminal. */
void termguard_disarm(void);

/*
 * Writes the reset bytes and sets the saved termios, if armed; else nothing. Only
 * async-signal-safe calls: for signal handlers (loop.c's second quitting signal).
 */
void termguard_restore(void);

#endif
