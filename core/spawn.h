/* spawn.h: starting and stopping the bundled sandbox hub as a child process. */
#ifndef HD_SPAWN_H
#define HD_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

typedef struct sandbox_child {
    pid_t pid;
    int out_fd;    /* read end of its stdout, kept open */
    char url[128]; /* "http://127.0.0.1:PORT" */
} sandbox_child;

/*
 * Starts hubdesk-sandbox (next to the running binary, else from PATH) on a free loopback
 * port with `extra_args` (NULL-terminated, may be NULL), waits up to 5 s for its
 * "listening on" line. Returns 0, or -1 with a reason in err.
 */
int sandbox_child_start(const char *const *extra_args, sandbox_child *out, char *err,
                        size_t errsz);
/* Stops it (SIGTERM, then SIGKILL after 2 s) and reaps it. */
void sandbox_child_stop(sandbox_child *c);

#endif
