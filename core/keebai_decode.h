/* keebai_decode.h: pure decoders of Keebai's answers and stream events into plain structs. */
#ifndef HD_KEEBAI_DECODE_H
#define HD_KEEBAI_DECODE_H

#include <jansson.h>
#include <stddef.h>

#include "provider.h"
#include "status.h"

#define KB_QR_MAX 2048

typedef struct kb_qr {
    char qr[KB_QR_MAX + 1];
    int attempt;        /* 0 if absent or absurd */
    long expires_in_ms; /* 0 if absent or not positive; at most DURATION_QR_MAX_MS */
} kb_qr;

typedef struct kb_connected {
    char channel_id[128]; /* sanitized; "?" when the hub sent none */
    char phone[64];
    char name[128];
} kb_connected;

/* keebai_decode_qr's answer for a QR that is not printable text (qr_text_ok). */
#define KB_QR_UNPRINTABLE (-2)

/*
 * A `qr` event: {"qr":"2@...","expires_in":60,"attempt":1}, liberally also a JSON string or
 * the raw pairing string. Returns 0, -1 when there is no usable QR (empty, too long), or
 * KB_QR_UNPRINTABLE when it holds control characters or invalid UTF-8 (out->qr is then "").
 */
int keebai_decode_qr(const char *data, size_t len, kb_qr *out);

/* A `connected` event: channel_id/phone_number/name at the top or inside "channel". */
void keebai_decode_connected(const char *data, size_t len, kb_connected *out);

/* An `error` event {"code","message"}: a status and one sanitized line. */
hd_status keebai_decode_error(const char *data, size_t len, char *msg, size_t msgsz);

/* An `expired` event's reason, sanitized ("" if none). */
void keebai_decode_expired(const char *data, size_t len, char *reason, size_t n);

/* The 201 answer to a QR-mode connect: copies stream_url. Returns 0, or -1 if missing. */
int keebai_decode_start(const char *body, size_t len, char *stream_url, size_t n);

/* Keebai's error codes (UNAUTHORIZED, THROTTLED, ...) as statuses. */
hd_status keebai_status_for_code(const char *code);

/* ---- REST answers (already parsed: NULL stands for "not JSON"); every string sanitized ---- */

#define KB_SESSION_ID_MAX 128
#define KB_SIGNUP_DEFAULT_S 900 /* the documented 15 minutes, when the hub does not say */
#define KB_SIGNUP_MAX_S 3600    /* longer is clamped: nobody waits at a browser for hours */
#define KB_POLL_DEFAULT_S 5
#define KB_POLL_MAX_S 60

typedef struct kb_signup {
    char session_id[KB_SESSION_ID_MAX + 1];
    char verification_uri[2048];
    long expires_in_s;    /* 1..KB_SIGNUP_MAX_S */
    long poll_interval_s; /* 1..KB_POLL_MAX_S */
} kb_signup;

typedef enum kb_signup_state {
    KB_SIGNUP_PENDING,
    KB_SIGNUP_COMPLETED,
    KB_SIGNUP_EXPIRED,
    KB_SIGNUP_CANCELLED,
    KB_SIGNUP_UNKNOWN,
} kb_signup_state;

/* 1 if a session id may go into a URL path: 1..128 visible ASCII, no / ? # %, not . or .. */
int keebai_session_id_ok(const char *id);
/* 1 if a ?type= filter is 1..64 of [a-z0-9_] (so it needs no escaping). */
int keebai_type_filter_ok(const char *type);

/*
 * The 201 answer to an embedded_signup connect. HD_OK, or HD_ERR_PROTOCOL with a sentence in
 * why: no usable session_id, or a verification_uri that is not https:// (http only to this
 * machine). expires_in and poll_interval get defaults when absent and are clamped.
 */
hd_status keebai_decode_signup(const json_t *root, kb_signup *out, char *why, size_t whysz);

/*
 * A poll answer {"status":..., "channel":{...}}. `status` gets the sanitized status word.
 * For COMPLETED, *channel is the normalised channel (caller decrefs) or NULL if none came.
 */
kb_signup_state keebai_decode_signup_poll(const json_t *root, json_t **channel, char *status,
                                          size_t n);

/*
 * One channel normalised as provider.h says: {"id","name","type","phone","active"} plus
 * "phone_number_id" and "business_account_id" when present. NULL if not an object or no id.
 */
json_t *keebai_channel_json(const json_t *in);
/* GET /v1/channels: {"data":[...]} (or a bare array): normalised channels, entries without
 * an id dropped. NULL if there is no array at all. */
json_t *keebai_decode_channels(const json_t *root);
/* GET /v1/me as {"account","company","scopes":[...]}, keys missing when absent; NULL if
 * the answer is not an object. */
json_t *keebai_decode_me(const json_t *root);
/*
 * POST /v1/webhooks' 201: returns {"id","url","events"} (NULL if not an object). The signing
 * secret is copied to *secret (secret_dup; NULL if none) and wiped inside root, so it lives
 * in guarded memory only. An unusable secret (not visible ASCII) sets *secret_bad.
 */
json_t *keebai_decode_webhook(json_t *root, char **secret, int *secret_bad);

/* ---- Driver parts that live in keebai_api.c (declared here so keebai.c shares them) ---- */

/* First member of both kinds of pairing session, so pair_stop can tell them apart. */
#define KB_KIND_QR 0x6b627172u     /* "kbqr" */
#define KB_KIND_SIGNUP 0x6b627375u /* "kbsu" */

/* Browser mode (embedded signup), or a refusal (msg) delivered on the next loop turn. */
void *keebai_signup_start(const provider_ctx *ctx, const pair_request *req, pair_event_fn fn,
                          void *arg);
void *keebai_pair_refuse(const provider_ctx *ctx, hd_status st, const char *msg, pair_event_fn fn,
                         void *arg);
void keebai_signup_stop(void *session);

void *keebai_call(const provider_ctx *ctx, const hub_req *req, hub_done_fn done, hub_wait_fn wait,
                  void *arg);
void keebai_call_cancel(void *call);

#endif
