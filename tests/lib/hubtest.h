/* hubtest.h: driver tests run one hub call (provider_ops.call) to its end and keep what it
 * handed back, checking on the way that no secret of the test comes back. */
#ifndef HD_HUBTEST_H
#define HD_HUBTEST_H

#include <jansson.h>

#include "provider.h"

typedef struct hubtest_out {
    int done, waits;
    hd_status status;
    long code, retry_after_s;
    json_t *data, *fields; /* deep copies: the driver's are borrowed */
    char message[800];     /* "(null)" if the driver gave none */
    int has_secret;        /* hub_result.secret was set */
    char secret[128];      /* and what it was (a channel token) */
} hubtest_out;

/*
 * The strings no message, data, field error or wait message may hold (NULL-terminated; NULL
 * = none): the test fails at once when one does. Set once per test program.
 */
void hubtest_forbid(const char *const *secrets);

/*
 * One call through `p` with `given` (its loop and HTTP client are made here, backoff_base_ms
 * is 10), run until `done` (10 s at most). Fails the test unless `done` ran exactly once and
 * not inside call(), or if the result breaks provider.h's promises (a message always, "" on
 * success, no data on failure). Free with hubtest_out_clear.
 */
hubtest_out hubtest_call(const provider_ops *p, const provider_ctx *given, const hub_req *req);
void hubtest_out_clear(hubtest_out *o);

/* The hub_done_fn behind hubtest_call, for tests that call the driver themselves: records
 * into the hubtest_out at arg (done counts the calls) with the same checks. */
void hubtest_on_done(const hub_result *r, void *arg);

/* Starts each call and cancels it at once (then call_cancel(NULL)), turns the loop for a
 * while, and fails the test if any `done` ran. */
void hubtest_cancel_each(const provider_ops *p, const provider_ctx *given, const hub_req *reqs,
                         size_t n);

/*
 * For a cmocka group setup: hardens JSON for secrets (secret_harden_json), forbids `secrets`
 * (hubtest_forbid), starts the sandbox into *sb and puts "<its URL>/<hub>" into base.
 * 0, or -1 when the sandbox did not start.
 */
struct sandbox_proc;
int hubtest_sandbox_start(struct sandbox_proc *sb, const char *const *secrets, const char *hub,
                          char *base, size_t n);

/* The field errors of `o` hold exactly these n keys, each with a sentence. */
void hubtest_assert_fields(const hubtest_out *o, const char *const *keys, size_t n);
/* A check made before sending: usage, no HTTP code, a message, no data; and when `field` is
 * not NULL, that one field named. */
void hubtest_assert_refused(const hubtest_out *o, const char *field);

/* The hub's 5xx reported after `waits` retries (0: a POST is never sent twice), its words
 * (`words`) in the message. Clears o. */
void hubtest_assert_server_error(hubtest_out *o, int waits, const char *words);

/* Each of the n ops, sent through `call` with the rest of `req`, is refused before sending
 * (hubtest_assert_refused) without naming a field. */
void hubtest_assert_unsupported(hubtest_out (*call)(const hub_req *req), hub_req req,
                                const hub_op *ops, size_t n);

/* Requests to `hub` ("hydracore") in the sandbox's log so far; method NULL = any. */
size_t hubtest_requests(const struct sandbox_proc *sb, const char *hub, const char *method);

/* The sandbox's `hub` answers its next `times` requests with a 5xx. */
void hubtest_fail_next(const struct sandbox_proc *sb, const char *hub, int times);

/* The string member `key` of j; fails the test when there is none. */
const char *hubtest_str(const json_t *j, const char *key);

#endif
