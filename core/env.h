/* env.h: process hardening and taking secrets out of the environment. */
#ifndef HD_ENV_H
#define HD_ENV_H

/*
 * Reads a secret from the environment variable `name` into guarded memory (free with
 * secret_free), then wipes the variable's bytes in place and unsets it, so neither
 * /proc/PID/environ nor any child process sees it. NULL if unset or empty.
 */
char *env_take_secret(const char *name);

/* Core dumps off (prctl PR_SET_DUMPABLE 0, RLIMIT_CORE 0) and libsodium initialised. */
int env_harden_process(void);

/* 1 if the user's locale says the terminal speaks UTF-8 (see i18n_terminal_utf8). */
int env_locale_is_utf8(void);

/* 1 if colours are wanted: NO_COLOR unset or empty, and TERM is not "dumb". */
int env_colour_wanted(void);

#endif
