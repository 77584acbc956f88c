/* cli.h: line-mode commands (no curses): `hubdesk connect` and the shared option parsing. */
#ifndef HD_CLI_H
#define HD_CLI_H

#include <stdio.h>

#include "qr.h"

/* A hub profile given on the command line (until profiles live in the config, issue 3). */
typedef struct cli_target {
    const char *provider;  /* "keebai" */
    const char *base_url;  /* NULL = the driver's default */
    const char *name;      /* channel name, NULL = the hub's default */
    qr_style style;
    int json;
    int invert; /* no colours: flip the reverse-video QR for light backgrounds */
    const char *profile; /* saved profile: provider, URL and the token from the vault */
    int passphrase_fd;   /* --passphrase-fd, -1 if not given */
} cli_target;

/* `hubdesk connect ...`: argv[0] is "connect". Returns the process exit code. */
int cli_connect_main(int argc, char **argv);

/* Prints the top-level usage (`hubdesk --help`). */
void cli_print_usage(FILE *out);

#endif
