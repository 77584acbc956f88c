/* rawhub.h: a scripted HTTP server inside the test process, for hostile answers the sandbox
 * does not give (a Retry-After of 2^63, a redirect to another origin, an SSE retry of days).
 * It answers every request with the same reply and remembers what each one carried. */
#ifndef HD_RAWHUB_H
#define HD_RAWHUB_H

#include <stddef.h>

typedef struct rawhub rawhub;

/* Starts on 127.0.0.1, on a free port; answers 200 "{}" until rawhub_reply. NULL on failure. */
rawhub *rawhub_start(void);
/* Stops the server and frees it; NULL is fine. */
void rawhub_stop(rawhub *h);

/* "http://127.0.0.1:PORT", no trailing slash. */
const char *rawhub_url(const rawhub *h);

/*
 * Every later request gets this answer: `status`, the `headers` ("Name: value" strings,
 * NULL-terminated; NULL for none) and `body` (NULL for none; sent as application/json unless
 * a header says otherwise). Everything is copied.
 */
void rawhub_reply(rawhub *h, unsigned status, const char *const *headers, const char *body);

/* Requests that arrived whole so far. */
int rawhub_count(rawhub *h);

/* What the last request carried: malloc'd copies, NULL when absent (no request yet, or no
 * such header). Free with rawhub_seen_clear. */
typedef struct rawhub_seen {
    char *method, *path, *authorization, *x_api_key, *body;
    size_t body_len;
} rawhub_seen;

/* 0 and *out filled when a request arrived, else -1 (and *out all NULL). */
int rawhub_last(rawhub *h, rawhub_seen *out);
void rawhub_seen_clear(rawhub_seen *s);

/*
 * A listening TCP socket on 127.0.0.1 that nobody serves, for "nothing may connect here"
 * checks (e.g. a proxy from the environment). Returns the fd (port in *port) or -1.
 */
int rawhub_trap_open(int *port);
/* Connections that reached the trap since the last call (accepted and closed here). */
int rawhub_trap_hits(int fd);
/*
 * Accepts one connection that reached the trap and reads what it sent (up to n - 1 bytes,
 * NUL-terminated, waiting up to 2 s for them). The byte count, or -1 when none came.
 */
int rawhub_trap_take(int fd, char *buf, size_t n);

#endif
