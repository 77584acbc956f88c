/* sandbox_proc.h: tests start and stop hubdesk-sandbox, and make blocking HTTP calls to it. */
#ifndef HD_SANDBOX_PROC_H
#define HD_SANDBOX_PROC_H

#include <stddef.h>
#include <sys/types.h>

typedef struct sandbox_proc {
    pid_t pid;
    int port;
    char base_url[64]; /* "http://127.0.0.1:PORT", no trailing slash */
} sandbox_proc;

/*
 * Spawns $HUBDESK_SANDBOX (default "build/hubdesk-sandbox") with `--listen 127.0.0.1:0` and
 * extra_args (NULL-terminated, may be NULL), waits for its "listening on" line (10 s at
 * most) and fills *out. The child gets SIGTERM if the test process dies. Returns 0, or -1
 * (the child, if any, is reaped).
 */
int sandbox_start(const char *const *extra_args, sandbox_proc *out);

/*
 * SIGTERM, wait up to 2 s, then SIGKILL. Returns the exit status (0 = clean), 128 + signal
 * when it had to be killed or died of a signal, -1 when there was nothing to stop.
 */
int sandbox_stop(sandbox_proc *p);

typedef struct sandbox_reply {
    long status; /* HTTP status, or -1 on a transport error */
    char *body;  /* malloc'd, NUL-terminated (may hold NULs before body_len) */
    size_t body_len;
    char *headers; /* malloc'd raw response header block(s) */
} sandbox_reply;

/*
 * One blocking request on libcurl easy. headers: NULL-terminated "Name: value" strings (may
 * be NULL); body: sent when non-NULL (body_len bytes). Redirects are not followed. Returns
 * out->status; free with sandbox_reply_free.
 */
long sandbox_http(const char *method, const char *url, const char *const *headers, const char *body,
                  size_t body_len, sandbox_reply *out);
void sandbox_reply_free(sandbox_reply *r);

/* Copies the value of the last response header `name` (case-insensitive) into buf; NULL if
 * absent. */
const char *sandbox_reply_header(const sandbox_reply *r, const char *name, char *buf, size_t n);

/* Test-control shorthands: path is appended to p->base_url; *body_out (may be NULL) gets the
 * malloc'd body. Return the HTTP status, or -1. */
long sandbox_get(const sandbox_proc *p, const char *path, char **body_out);
long sandbox_post(const sandbox_proc *p, const char *path, const char *json, char **body_out);

/* A test-control call ("GET" or "POST", no body) decoded as JSON; NULL if it is not JSON. */
struct json_t;
struct json_t *sandbox_json(const sandbox_proc *p, const char *method, const char *path);

#endif
