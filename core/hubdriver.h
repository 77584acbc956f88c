/* hubdriver.h: what every hub driver's call (provider_ops.call) shares, so that a driver
 * keeps only what is its hub's own: which request an operation is, and what the answer means.
 *
 *   a call        hubdriver_call, the first member of each driver's call struct
 *   its request   hubdriver_request: hubcall's options with room for the path and the body
 *   its life      init -> begin (send, or an early answer on the next loop turn)
 *                 [-> send again, for calls made of several requests] -> finish, or cancel
 *   one request   hubdriver_ops + hubdriver_start: the driver says how to prepare and
 *                 how to read the answer, and nothing else
 *   its answers   hubdriver_unsupported (an operation the hub lacks)
 *   a form        hubdriver_form: checks per field and secrets kept out of what the hub
 *                 says back (HubMessage, HydraCore)
 */
#ifndef HD_HUBDRIVER_H
#define HD_HUBDRIVER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "hubcall.h"
#include "hubform.h"
#include "provider.h"

/* ---- a call ----------------------------------------------------------------------------- */

typedef struct hubdriver_call hubdriver_call;

/* Releases what the driver's part of its call holds (hubdriver frees the struct). */
typedef void (*hubdriver_release_fn)(hubdriver_call *c);
/* The hub answered one request (c->hc is already NULL). The driver ends the call with
 * hubdriver_finish, or sends the next request. */
typedef void (*hubdriver_answer_fn)(hubdriver_call *c, const hubcall_result *r);

struct hubdriver_call {
    loop *l;
    http_client *http;
    long backoff_base_ms;
    hub_op op;
    hubcall *hc;         /* the request in flight, NULL between requests */
    uint64_t timer;      /* the early answer's, or one the driver sets (a resend); 0 = none */
    hub_result early;    /* reported on the next turn: its pointers live in the driver's call */
    hubdriver_answer_fn answer;
    hubdriver_release_fn release;
    hub_done_fn done;
    hub_wait_fn wait;
    void *arg;
};

/* The one request an operation is: o.path and o.body are taken from path and body. */
typedef struct hubdriver_request {
    hubcall_opts o;
    char path[600];
    json_t *body; /* owned: released by hubdriver_begin (jansson wipes it) */
} hubdriver_request;

/* A zeroed call of `size` bytes (the driver's struct, which starts with a hubdriver_call),
 * its base filled from the context and the request; nothing is sent yet. NULL if no memory. */
hubdriver_call *hubdriver_new(size_t size, const provider_ctx *ctx, const hub_req *req,
                              hub_done_fn done, hub_wait_fn wait, void *arg,
                              hubdriver_release_fn release);

/*
 * Starts the call: with `early` NULL, sends rq (its answer goes to `answer`); else reports
 * `early` (a refusal, or an answer known without asking) on the next loop turn, since `done`
 * never runs inside provider_ops.call. rq->body is released either way; rq may be NULL with
 * `early`. Returns the call, or NULL when it could not start (the call is freed then).
 */
void *hubdriver_begin(hubdriver_call *c, hubdriver_request *rq, hubdriver_answer_fn answer,
                      const hub_result *early);

/* Sends one more request of a call made of several (o->backoff_base_ms is the context's).
 * 0, or -1 when it could not be started (nothing is called then). */
int hubdriver_send(hubdriver_call *c, const hubcall_opts *o, hubdriver_answer_fn answer);

/* Hands `res` (borrowed: the driver releases what it made) to the caller, frees the call. */
void hubdriver_finish(hubdriver_call *c, const hub_result *res);

/* Stops the call and frees it; nothing is called afterwards. NULL is fine. Fits
 * provider_ops.call_cancel. */
void hubdriver_cancel(void *call);

/* ---- a driver whose every operation is one request ---------------------------------------- */

typedef struct hubdriver_ops {
    size_t size; /* of the driver's call struct */
    /* Fills rq for the operation; returns NULL to send it, or `early` filled in: a refusal,
     * or an answer known without asking the hub. */
    const hub_result *(*prepare)(hubdriver_call *c, const provider_ctx *ctx, const hub_req *req,
                                 hubdriver_request *rq, hub_result *early);
    hubdriver_answer_fn answer;
    hubdriver_release_fn release;
} hubdriver_ops;

/* provider_ops.call for such a driver: new, prepare, begin. */
void *hubdriver_start(const hubdriver_ops *ops, const provider_ctx *ctx, const hub_req *req,
                      hub_done_fn done, hub_wait_fn wait, void *arg);

/* Defines `name`, a provider_ops.call that runs hubdriver_start with these hubdriver_ops. */
#define HUBDRIVER_CALL_FN(name, call_type, prepare_fn, answer_fn, release_fn)                     \
    static void *name(const provider_ctx *ctx, const hub_req *req, hub_done_fn done,           \
                      hub_wait_fn wait, void *arg)                                             \
    {                                                                                          \
        static const hubdriver_ops ops = {.size = sizeof(call_type),                           \
                                          .prepare = prepare_fn,                               \
                                          .answer = answer_fn,                                 \
                                          .release = release_fn};                              \
        return hubdriver_start(&ops, ctx, req, done, wait, arg);                               \
    }

/* ---- answers ---------------------------------------------------------------------------- */

/* Why the hub cannot do `op`, translated: from a driver's table {op, N_("why")} ended by
 * {0, NULL}, or `otherwise` (already translated) when op is not in it. */
typedef struct hubdriver_lack {
    hub_op op;
    const char *why;
} hubdriver_lack;
const char *hubdriver_unsupported(const hubdriver_lack *table, hub_op op, const char *otherwise);

/* `d`, or when it is NULL: HD_ERR_PROTOCOL in *st and `why` in msg. */
json_t *hubdriver_decoded(json_t *d, const char *why, hd_status *st, char *msg, size_t n);
/* hubdriver_decoded with the usual why: the hub's answer to the call's operation was not
 * understood. */
json_t *hubdriver_understood(const hubdriver_call *c, json_t *d, hd_status *st, char *msg,
                             size_t n);

/* ---- a driver that checks a form and guards secrets (HubMessage, HydraCore) --------------- */

#define HUBDRIVER_SECRETS 4

typedef struct hubdriver_form {
    hubform form;                     /* checks made before sending */
    char *secrets[HUBDRIVER_SECRETS]; /* guarded copies, kept only to spot them if the hub's
                                         words quote one back; slots are the driver's */
    json_t *local;                    /* an answer known without asking the hub */
} hubdriver_form;

/* A refusal that concerns no field of the form: replaces its message. HD_ERR_USAGE. */
hd_status hubdriver_form_refuse(hubdriver_form *f, const char *why);
/* A secret field (a token, a code): refused as `missing` when NULL or "", as `bad` when it
 * holds what no header can carry (never quoted: it is secret). HD_OK or HD_ERR_USAGE. */
hd_status hubdriver_form_secret(hubdriver_form *f, const char *field, const char *value,
                                const char *missing, const char *bad);
/* Keeps a guarded copy of `secret` in `slot` (nothing for NULL or ""); HD_OK, or the
 * refusal when out of memory. */
hd_status hubdriver_form_keep(hubdriver_form *f, int slot, const char *secret);
/* For hubdriver_ops.prepare: NULL when the request goes out (st HD_OK, nothing local); else
 * `early` filled with the local answer or the form's refusal. */
const hub_result *hubdriver_form_early(const hubdriver_form *f, hd_status st, hub_result *early);
/* 1 if `text` quotes one of the secrets. */
int hubdriver_form_quotes(const hubdriver_form *f, const char *text);
/* 1 if the hub's error line quotes a secret: then msg says so instead (with the HTTP code). */
int hubdriver_form_hides(const hubdriver_form *f, const hubcall_result *r, char *msg, size_t n);
/* Replaces every field error that quotes a secret (hubform_scrub_fields). */
void hubdriver_form_scrub(const hubdriver_form *f, json_t *fields);
/* `d` unless it quotes a secret; then NULL, with HD_ERR_PROTOCOL and a sentence that says so
 * in *st and msg. Takes the reference to d. */
json_t *hubdriver_form_unquoted(const hubdriver_form *f, json_t *d, hd_status *st, char *msg,
                                size_t n);
void hubdriver_form_clear(hubdriver_form *f);

/* Ends the call with the hub's answer `r` as the driver read it: status st, data and fields
 * (both taken; data only if it quotes no secret, see hubdriver_form_unquoted), msg. */
void hubdriver_form_finish(hubdriver_call *c, const hubdriver_form *f, const hubcall_result *r,
                           hd_status st, json_t *data, json_t *fields, char *msg, size_t n);

#endif
