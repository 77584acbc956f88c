/* provider.h: the one interface every hub driver implements (ops table + capabilities). */
#ifndef HD_PROVIDER_H
#define HD_PROVIDER_H

#include "http.h"
#include "loop.h"

enum provider_caps {
    PROVIDER_CAP_QR_STREAM = 1 << 0,  /* QR strings pushed over SSE */
    PROVIDER_CAP_QR_POLL = 1 << 1,    /* QR strings polled */
    PROVIDER_CAP_PAIR_CODE = 1 << 2,  /* 8-character code typed on the phone */
    PROVIDER_CAP_BROWSER = 1 << 3,    /* verification URL opened in a browser */
    PROVIDER_CAP_SIGNUP_CODE = 1 << 4,
    PROVIDER_CAP_CREDENTIALS = 1 << 5,
    PROVIDER_CAP_WEBHOOK = 1 << 6,
    PROVIDER_CAP_TEST_MESSAGE = 1 << 7,
};

/* What a driver needs from outside: the loop, HTTP, where the hub is and its token. */
typedef struct provider_ctx {
    loop *l;
    http_client *http;
    const char *base_url;   /* e.g. https://api.keebai.com */
    const char *token;      /* secret, owned by the caller, valid while a session runs */
    long backoff_base_ms;   /* 0 = http default; tests shorten it */
    long idle_timeout_ms;   /* SSE silence that counts as a drop; 0 = default */
    long stream_retry_ms;   /* SSE reconnect delay until the hub sends retry:; 0 = default */
} provider_ctx;

typedef enum pair_event_type {
    PAIR_EV_STARTING,   /* session requested */
    PAIR_EV_WAITING,    /* retrying or reconnecting: `message`, `wait_ms` */
    PAIR_EV_RESUMED,    /* the stream is back after a WAITING: clear the warning */
    PAIR_EV_QR,         /* a (new) QR to show: `qr`, `attempt`, `expires_in_ms` */
    PAIR_EV_SCANNED,    /* the phone scanned it; finishing */
    PAIR_EV_CONNECTED,  /* done: `channel_id`, `phone`, `name` */
    PAIR_EV_EXPIRED,    /* the hub gave up (QR attempts used up, session expired) */
    PAIR_EV_FAILED,     /* `status` and `message` say why */
} pair_event_type;

typedef struct pair_event {
    pair_event_type type;
    const char *qr;
    int attempt;          /* 1-based; 0 if the hub did not say */
    long expires_in_ms;   /* lifetime of this QR; 0 if unknown */
    const char *channel_id, *phone, *name;
    hd_status status;
    const char *message;  /* sanitized, for the user; never holds a secret */
    long wait_ms;
} pair_event;

typedef void (*pair_event_fn)(const pair_event *ev, void *arg);

typedef struct pair_request {
    const char *name; /* channel label; NULL = the hub's default */
} pair_request;

typedef struct provider_ops {
    const char *id;            /* "keebai": used in profiles and on the command line */
    const char *label;         /* "Keebai" */
    const char *project_word;  /* the hub's word for a project ("pipeline") */
    const char *default_base_url;
    unsigned caps;
    /*
     * Starts a QR pairing session. Events arrive through `fn` until PAIR_EV_CONNECTED,
     * PAIR_EV_EXPIRED or PAIR_EV_FAILED; the session must still be freed with pair_stop.
     */
    void *(*pair_start)(const provider_ctx *ctx, const pair_request *req, pair_event_fn fn,
                        void *arg);
    /* Cancels (if running) and frees a session. Safe from inside its own callback. */
    void (*pair_stop)(void *session);
} provider_ops;

/* NULL-terminated list of every driver. */
const provider_ops *const *provider_all(void);
/* Driver by id ("keebai"), case-insensitive; NULL if unknown. */
const provider_ops *provider_find(const char *id);

/*
 * Turns a hub's error answer into one sanitized line: "CODE: message" from the envelope
 * when there is one ({"error":{"code","message"}}), else the HTTP code. Returns out.
 */
char *provider_error_text(const http_response *r, char *out, size_t outsz);

extern const provider_ops provider_keebai;

#endif
