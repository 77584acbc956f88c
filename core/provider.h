/* provider.h: the one interface every hub driver implements (ops table + capabilities). */
#ifndef HD_PROVIDER_H
#define HD_PROVIDER_H

#include <jansson.h>

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
    PROVIDER_CAP_PROJECTS = 1 << 8,       /* HUB_OP_PROJECTS: channels live in projects */
    PROVIDER_CAP_CHANNEL_CREATE = 1 << 9, /* HUB_OP_CHANNEL_CREATE before pairing (own token) */
    PROVIDER_CAP_CHANNEL_MODE = 1 << 10,  /* HUB_OP_CHANNEL_MODE (trial -> live) */
    PROVIDER_CAP_CHANNEL_DELETE = 1 << 11,
    PROVIDER_CAP_STATUS = 1 << 12,        /* HUB_OP_STATUS on a channel */
    PROVIDER_CAP_TYPE_FILTER = 1 << 13,   /* HUB_OP_CHANNELS takes `type_filter` */
    PROVIDER_CAP_CHANNEL_TOKEN = 1 << 14, /* Whapi: a channel has its own token, paired per channel */
    /* The hub cannot list these: the agent enters them and the console remembers them per
       profile (HydraCore instances; HubMessage and Chatt2.me channels). */
    PROVIDER_CAP_LOCAL_PROJECTS = 1 << 15,
    PROVIDER_CAP_LOCAL_CHANNELS = 1 << 16,
    PROVIDER_CAP_CHANNEL_KIND = 1 << 17,  /* Chatt2.me: a remembered channel has a kind */
    /* What a webhook registration brings: a signing secret shown once (Keebai), or a call to
       the endpoint that must answer 2xx before the hub takes it (Chatt2.me). */
    PROVIDER_CAP_WEBHOOK_SECRET = 1 << 18,
    PROVIDER_CAP_WEBHOOK_VERIFY = 1 << 19,
};

/* What a driver needs from outside: the loop, HTTP, where the hub is and its token. */
typedef struct provider_ctx {
    loop *l;
    http_client *http;
    const char *base_url;   /* e.g. https://api.keebai.com (Whapi: the manager API) */
    const char *gate_url;   /* Whapi: the gate API; NULL = the driver's default_gate_url */
    const char *token;      /* secret, owned by the caller, valid while a session runs */
    long backoff_base_ms;   /* 0 = http default; tests shorten it */
    long idle_timeout_ms;   /* SSE silence that counts as a drop; 0 = default */
    long stream_retry_ms;   /* SSE reconnect delay until the hub sends retry:; 0 = default */
    const char *api_key;    /* HydraCore: optional X-Api-Key (secret, caller's); NULL = none */
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
    PAIR_EV_LINK,       /* browser mode: open `url` (also shown as a QR), `expires_in_ms` */
    PAIR_EV_CODE,       /* pairing code mode: type `code` ("ABCD-EFGH") on the phone */
    PAIR_EV_PROGRESS,   /* the hub is getting ready: `message` (e.g. "LAUNCH: starting") */
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
    const char *url;      /* PAIR_EV_LINK */
    const char *code;     /* PAIR_EV_CODE */
    const json_t *channel; /* PAIR_EV_CONNECTED: the channel as in HUB_OP_CHANNELS, or NULL */
} pair_event;

typedef void (*pair_event_fn)(const pair_event *ev, void *arg);

typedef enum pair_mode {
    PAIR_MODE_QR,      /* QR on screen (Keebai: SSE stream; Whapi: polled rowdata) */
    PAIR_MODE_BROWSER, /* Keebai embedded_signup: a URL the customer opens */
    PAIR_MODE_CODE,    /* Whapi: 8-character pairing code for the customer's phone */
} pair_mode;

typedef struct pair_request {
    const char *name;          /* channel label; NULL = the hub's default */
    pair_mode mode;
    const char *pipeline_id;   /* Keebai browser mode; NULL = the default pipeline */
    int coexistence;           /* Keebai browser mode: number stays on the Business app */
    const char *phone;         /* code mode: digits with country code, no + */
    const char *channel_id;    /* Whapi: the channel being paired */
    const char *channel_token; /* Whapi: its token (secret; the driver copies it) */
} pair_request;

/*
 * Everything but pairing is one asynchronous call: hub_req in, hub_result out.
 * `data` is normalised so the console and line mode need not know each hub's shapes:
 *   HUB_OP_CHECK    {"account": str, "company": str, "scopes": [str]} (keys may be missing)
 *   HUB_OP_PROJECTS [{"id","name"}]
 *   HUB_OP_CHANNELS [channel]; a channel is {"id","name","type","phone","active": bool} plus
 *                   what the hub adds: Keebai "phone_number_id","business_account_id";
 *                   Whapi "mode","status","stopped","active_till","trial","created" (ms),
 *                   "project_id","owner_id","server","api_url"
 *   HUB_OP_CHANNEL_CREATE / HUB_OP_CHANNEL_MODE: the channel; create also gives `secret`
 *                   (the channel's own token), never inside `data`
 *   HUB_OP_CHANNEL_DELETE {} 
 *   HUB_OP_WEBHOOK_SET {"id","url","events":[str]}; Keebai also gives `secret` (signing secret)
 *   HUB_OP_STATUS   {"code": int, "text": "AUTH", "meaning": sentence for the agent}
 *                   HydraCore adds the channel's fields (below)
 *   HUB_OP_CONNECT  HubMessage (signup code): {"id", "connected": true}
 *                   HydraCore (credentials): {"id": "whatsapp", "phone_number_id",
 *                   "display_phone", "enabled": bool, "status", "webhook_url",
 *                   "verify_token" (sent or handed back; "" if the hub kept it to itself),
 *                   "verify_token_source": "sent"|"hub"|"unknown"}
 *   HUB_OP_SEND_TEST {"message_id", "status": "sent"|"enqueued"|"accepted"|"error",
 *                   "error_code", "error_message"} (keys may be missing). A send the hub
 *                   answers with status "error" is HD_OK here: the caller shows it as failed.
 *   HydraCore's channel (HUB_OP_CHANNELS gives [] or [it]): {"id": "whatsapp", "name",
 *                   "type": "whatsapp", "phone", "active", "phone_number_id", "display_phone",
 *                   "enabled", "status", "webhook_url"}
 *   Chatt2.me HUB_OP_WEBHOOK_SET: one webhook per event: {"url", "events": [str],
 *                   "hooks": [{"event", "id"}]}
 * Drivers with PROVIDER_CAP_LOCAL_CHANNELS / _PROJECTS do not answer HUB_OP_CHANNELS /
 * _PROJECTS: the console keeps those lists itself.
 */
typedef enum hub_op {
    HUB_OP_CHECK,          /* is the token accepted? */
    HUB_OP_PROJECTS,
    HUB_OP_CHANNELS,       /* `type_filter` (Keebai ?type=), `project_id` (Whapi, client side) */
    HUB_OP_CHANNEL_CREATE, /* `name`, `project_id` */
    HUB_OP_CHANNEL_MODE,   /* `channel_id`, `mode` ("live") */
    HUB_OP_CHANNEL_DELETE, /* `channel_id` */
    HUB_OP_WEBHOOK_SET,    /* `url` (checked first), `events`, `name`; Whapi: `channel_token` */
    HUB_OP_STATUS,         /* Whapi: `channel_token`; HydraCore: `project_id` (instance) */
    HUB_OP_CONNECT,        /* HubMessage: `channel_id` + signup; HydraCore: `project_id` + creds */
    HUB_OP_SEND_TEST,      /* `channel_id`, `to`, `text`; Chatt2.me: `kind` too */
    HUB_OP_COUNT
} hub_op;

/* HUB_OP_CONNECT fields. Secrets are the caller's guarded memory; the driver never copies
   them anywhere but into the request body. */
typedef struct hub_connect {
    /* HubMessage, from its web SDK (signup code). */
    const char *waba_id, *phone_id; /* digits */
    const char *code;               /* secret: the authorization code */
    int coexistence;                /* the number stays on the WhatsApp Business app too */
    /* HydraCore (credentials from a Meta app). */
    const char *access_token, *app_secret; /* secrets */
    const char *phone_number_id;    /* digits */
    const char *display_phone;      /* E.164 with +, or NULL */
    const char *verify_token;       /* NULL or "" = the hub generates one */
} hub_connect;

typedef struct hub_req {
    hub_op op;
    const char *project_id, *channel_id, *channel_token, *name, *type_filter, *mode, *url;
    const char *const *events; /* NULL-terminated; NULL = the driver's webhook_default_events */
    const hub_connect *connect; /* HUB_OP_CONNECT */
    const char *to, *text;     /* HUB_OP_SEND_TEST: recipient and message */
    const char *kind;          /* Chatt2.me channel kind: "whatsapp", "sms", ... */
} hub_req;

typedef struct hub_result {
    hd_status status;     /* HD_OK, or why not (HD_ERR_USAGE: refused before sending) */
    long code;            /* HTTP status, 0 if none */
    json_t *data;         /* borrowed: valid during the callback only; NULL on failure */
    const char *message;  /* sanitized line for the user ("" on success); never a secret */
    const char *secret;   /* guarded copy, valid during the callback only; NULL if none */
    long retry_after_s;   /* with HD_ERR_RATE_LIMITED: when to try again, -1 if unknown */
    /* Field -> sanitized message, for a form: the hub's 422 `detail[]` (field = last `loc`
       element, named as in hub_connect: "phone_number_id") or a check made before sending
       (HD_ERR_USAGE). Borrowed like `data`; NULL if none. */
    const json_t *field_errors;
} hub_result;

typedef void (*hub_done_fn)(const hub_result *r, void *arg);
/* While a call waits before a retry (429 Retry-After, 5xx backoff): what to tell the user. */
typedef void (*hub_wait_fn)(long delay_ms, const char *message, void *arg);

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
    /*
     * Starts one call. `done` runs exactly once, never from inside hub_call itself (failures
     * found before sending are reported on the next loop turn); the call frees itself after
     * `done` returns. NULL only when out of memory. `wait` may be NULL.
     */
    void *(*call)(const provider_ctx *ctx, const hub_req *req, hub_done_fn done,
                  hub_wait_fn wait, void *arg);
    /* Stops a call before its `done`; nothing is called afterwards. NULL is fine. */
    void (*call_cancel)(void *call);
    const char *default_gate_url;                /* Whapi's gate API; NULL elsewhere */
    const char *const *webhook_events;           /* NULL-terminated catalogue */
    const char *const *webhook_default_events;   /* preselected */
} provider_ops;

/* NULL-terminated list of every driver. */
const provider_ops *const *provider_all(void);
/* Driver by id ("keebai"), case-insensitive; NULL if unknown. */
const provider_ops *provider_find(const char *id);

/*
 * Turns a hub's error answer into one sanitized line: "CODE: message" from the envelope
 * when there is one ({"error":{"code","message"}}, Chatt2.me's {"errorCode","errorMessage"},
 * FastAPI's {"detail": "..."} or {"detail": [{"loc","msg"}]}), else the HTTP code.
 */
char *provider_error_text(const http_response *r, char *out, size_t outsz);

/*
 * Delivers a pairing event for a driver. `*alive` is the session's slot for a flag that its
 * pair_stop clears (`if (s->alive) *s->alive = 0;`), so a callback that stops the session is
 * noticed here and up the stack. Returns 0 when the session was stopped (freed) meanwhile.
 */
int pair_emit(pair_event_fn fn, void *arg, int **alive, const pair_event *ev);

/* 1 if the driver offers this pairing mode (from its caps). */
int provider_has_mode(const provider_ops *ops, pair_mode m);
/* "qr", "browser", "code" and back; -1 if unknown. */
const char *pair_mode_name(pair_mode m);
int pair_mode_from_name(const char *name);

/* Human name of an operation ("list channels"), for messages. */
const char *hub_op_label(hub_op op);

/*
 * Checks a webhook URL before it is sent: https:// with a host (both hubs refuse anything
 * else), no spaces or control characters, at most 2000 bytes.
 * HD_OK or HD_ERR_USAGE with a sentence in why.
 */
hd_status provider_webhook_url_check(const char *url, char *why, size_t whysz);
/* Checks a phone for pairing codes: 8..15 digits with the country code, no +. */
hd_status provider_phone_check(const char *phone, char *why, size_t whysz);
/* E.164 with the +: "+" then 8..15 digits, no leading 0 (HydraCore display_phone, SMS). */
hd_status provider_e164_check(const char *phone, char *why, size_t whysz);
/* A Meta id (WABA id, phone number id): 5..32 digits. `what` names it in the sentence. */
hd_status provider_digits_check(const char *id, const char *what, char *why, size_t whysz);
/* A UUID: 8-4-4-4-12 hex digits (HydraCore instance, Chatt2.me channel). */
hd_status provider_uuid_check(const char *id, const char *what, char *why, size_t whysz);

/* Chatt2.me channel kinds: "whatsapp", "instagram", "messenger", "telegram", "sms", "webchatt". */
const char *const *provider_channel_kinds(void);
/* "WhatsApp", "Web Chatt"...; the id itself if unknown. */
const char *provider_channel_kind_label(const char *kind);
/* What `to` must look like for a kind, in words ("Telegram chat_id (digits, - for groups)..."). */
const char *provider_recipient_hint(const char *kind);
/* Checks `to` for a channel kind (WhatsApp E.164 without +, SMS with +, numeric ids for
   Telegram/Instagram/Messenger, any clean id for Web Chatt). */
hd_status provider_recipient_check(const char *kind, const char *to, char *why, size_t whysz);
/*
 * What the hub gets for a test message's recipient as typed: a phone (kind NULL or "" for the
 * hubs without channel kinds, and WhatsApp: digits with the country code, no +; SMS: with +)
 * read by phone.h with the profile's country (NULL = none), warnings' text in warn (may be
 * NULL); any other kind's id checked by provider_recipient_check and copied as it is.
 * HD_OK with out, or HD_ERR_USAGE with why.
 */
hd_status provider_recipient_form(const char *kind, const char *to, const char *country, char *out,
                                  size_t outsz, char *warn, size_t warnsz, char *why,
                                  size_t whysz);

/*
 * Vault entry name for a secret the hub handed out: "<profile>/<tag>/<id>" ("acme/ch/SHAZAM-3HDYQ"
 * for a Whapi channel token, tag "hook" for a Keebai webhook secret). An id with characters a
 * name cannot hold, or too long to fit 64, is replaced by 16 hex digits of its BLAKE2b hash,
 * so the name is stable. 0, or -1 if even that does not fit (a very long profile name).
 */
int provider_secret_name(char *out, size_t outsz, const char *profile, const char *tag,
                         const char *id);

/*
 * FastAPI's 422 {"detail":[{"loc":[...,"field"],"msg","type"}]} as {"field": "msg"} (the type
 * when there is no msg; messages
 * of one field joined by "; ", sanitized; a loc without a field name goes under "").
 * NULL if the body holds no such list. The caller owns the result.
 */
json_t *provider_field_errors(const json_t *body);

/*
 * The rule behind a hub error code found in `text` (a message or a field error such as
 * "OUTSIDE_WINDOW: ..."), for an operation: one or two translated sentences that tell the agent
 * what to do, or NULL when the code is not one we can explain. Shared by the console and line
 * mode so both say the same thing.
 */
const char *provider_error_advice(hub_op op, const char *text);

/* What a webhook event of a hub's catalogue means, in a few translated words ("a customer sent
   a message"), or NULL when the seeds do not say. */
const char *provider_webhook_event_meaning(const char *event);

extern const provider_ops provider_keebai;
extern const provider_ops provider_whapi;
extern const provider_ops provider_hubmessage;
extern const provider_ops provider_hydracore;
extern const provider_ops provider_chatt2me;

#endif
