/* hubcall.h: one JSON request to a hub, with the answer parsed and errors put in words. */
#ifndef HD_HUBCALL_H
#define HD_HUBCALL_H

#include <jansson.h>

#include "http.h"
#include "provider.h"

typedef struct hubcall hubcall;

typedef struct hubcall_opts {
    const char *method;       /* "GET" when NULL */
    const char *base_url;     /* the hub's base; `path` is appended ("/v1/me") */
    const char *path;
    json_t *body;             /* borrowed; sent as JSON when not NULL */
    const char *token;        /* secret; sent only to the base's origin */
    const char *token_header; /* NULL: Bearer */
    const char *api_key;      /* secret second header (HydraCore X-Api-Key); NULL = none */
    const char *api_key_header;
    long backoff_base_ms;     /* 0 = http default */
    int max_retries;          /* as http_opts: 0 = 3, < 0 = none */
} hubcall_opts;

typedef struct hubcall_result {
    hd_status status;         /* HD_OK on a 2xx answer (its body JSON, or empty) */
    long code;
    json_t *json;             /* borrowed, the parsed body (any code), NULL if none/not JSON */
    const char *message;      /* "" on success; else one sanitized line ("CODE: message") */
    long retry_after_s;       /* 429: from Retry-After, -1 if absent */
} hubcall_result;

typedef void (*hubcall_done_fn)(const hubcall_result *r, void *arg);

/*
 * Starts the request. `done` runs once, always from the loop (a request refused before
 * sending, such as a bad URL, is reported on the next turn); the call frees itself after.
 * `wait` (may be NULL) hears about each wait before a retry, in words ("the hub asks us to
 * slow down (THROTTLED: ...); waiting 12 s"). NULL only when out of memory.
 */
hubcall *hubcall_start(http_client *c, loop *l, const hubcall_opts *o, hubcall_done_fn done,
                       hub_wait_fn wait, void *arg);
/* Stops it before `done`; nothing is called afterwards. NULL is fine. */
void hubcall_cancel(hubcall *h);

/* The words for a wait before a retry: "the hub asks us to slow down (...); waiting N s" on a
   429, "<why>; trying again in N s" otherwise. Returns out. */
char *hubcall_wait_text(long delay_ms, const http_response *why, char *out, size_t outsz);

/* Joins base and path with exactly one '/' between them. -1 if it does not fit. */
int hubcall_join(char *out, size_t outsz, const char *base, const char *path);

/* String member of a JSON object as the server sent it (sanitize before showing), or NULL. */
const char *hubcall_str(const json_t *o, const char *key);

#endif
