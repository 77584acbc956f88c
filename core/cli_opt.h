/* cli_opt.h: command-line options by their full names only; option names without values. */
#ifndef HD_CLI_OPT_H
#define HD_CLI_OPT_H

#include <getopt.h>

#define CLI_OPT_NAME_MAX 64

/*
 * getopt_long(argc, argv, shortopts, opts, NULL), except that a long option is taken only by
 * its full name: getopt_long also takes any unique prefix, so "--passphrase SECRET" was read
 * as --passphrase-fd with the secret as its value. `shortopts` starts with ':' and opterr is 0.
 * Returns the option's val (optarg set as getopt_long sets it), -1 at the end of the options,
 * '?' for an unknown, ambiguous or abbreviated option, ':' for a missing value. Unless it
 * returns -1, `name` receives the option as typed ("--passphrase", "-x"), never its value
 * (which may be a secret), for the error message.
 */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *opts,
               char name[CLI_OPT_NAME_MAX]);

/* The translated format (one %s: the option's name) that refuses a --passphrase-fd value
   that is not a descriptor number, without repeating it: it may be the passphrase itself. */
const char *cli_opt_fd_format(void);

#endif
