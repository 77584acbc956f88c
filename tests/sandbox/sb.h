/* sb.h: what the hubdesk-sandbox files share: server state, the request, reply helpers. */
#ifndef HD_SB_H
#define HD_SB_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* The documented fixed token, so the demo and the tests need no setup. */
#define SB_DEFAULT_TOKEN "hubdesk-sandbox-token"
#define SB_MAX_BODY (64 * 1024)

/* --qr-junk: what goes into each QR text after its "2@" on the wire (/_sandbox shows it clean). */
typedef enum sb_qr_junk {
    SB_QR_JUNK_NONE,
    SB_QR_JUNK_ESC,   /* an escape sequence (ESC [2J), JSON-escaped */
    SB_QR_JUNK_C1,    /* U+009B, the one-character CSI */
    SB_QR_JUNK_BYTES, /* invalid UTF-8 (FF FE): Keebai's qr data is then the bare text, not
                         JSON, which cannot carry it; Whapi's JSON rowdata stays clean */
} sb_qr_junk;

typedef struct sb_config {
    const char *listen;     /* host:port as given */
    const char *token_file; /* NULL: SB_DEFAULT_TOKEN */
    bool allow_remote;
    long qr_first_ms, qr_next_ms, qr_attempts;
    long scan_delay_ms, keepalive_ms, retry_ms;
    /* Keebai embedded signup, webhooks and the per-token rate limit */
    bool embedded_signup; /* off: embedded_signup answers 501, as before it existed */
    long signup_expires_s, signup_poll_s, rate_per_min;
    /* Whapi */
    const char *whapi_partner_token_file; /* NULL: SB_WHAPI_PARTNER_TOKEN */
    bool whapi_projects_bare;
    long whapi_launch_ms, whapi_channels_per_30min;
    /* HubMessage, HydraCore, Chatt2.me */
    const char *hubmessage_token_file; /* NULL: SB_HUBMESSAGE_TOKEN */
    const char *hydracore_token_file;  /* NULL: SB_HYDRACORE_TOKEN */
    const char *hydracore_api_key;     /* NULL: no X-Api-Key asked for */
    sb_qr_junk qr_junk;                /* --qr-junk: QR texts as a broken hub sends them */
} sb_config;

#define SB_WHAPI_PARTNER_TOKEN "hubdesk-sandbox-partner"

/* The fixed keys of the three issue-5 hubs (see --help). The HubMessage public key is only
 * known so it can be refused with a sentence that says what it is for. */
#define SB_HUBMESSAGE_TOKEN "hm_sk_sandbox"
#define SB_HUBMESSAGE_PUBLIC_KEY "hm_pk_sandbox"
#define SB_HYDRACORE_TOKEN "hc_sandbox"
#define SB_CHATT2ME_KEY "c2m_app_sandbox"
#define SB_CHATT2ME_OTHER_KEY "c2m_app_other"

typedef struct sb_signups sb_signups;
typedef struct sb_whapi sb_whapi;

typedef struct sb_session sb_session;

/*
 * One lock guards everything mutable below; `cond` (CLOCK_MONOTONIC) is broadcast on every
 * change, so blocked stream threads wake up and look again. One lock is plenty for a test hub
 * and leaves no lock-ordering to get wrong.
 */
typedef struct sb_server {
    sb_config cfg;
    char *token;
    size_t token_len;
    char origin[128]; /* http://127.0.0.1:PORT, what the first stdout line shows */
    bool wildcard;    /* bound to 0.0.0.0 or ::, so stream URLs follow the Host header */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stopping;
    sb_session **sessions; /* oldest first; the last one is "latest" */
    size_t nsessions;
    json_t *log;         /* array of {method,host,path,authorization} for /_sandbox requests */
    json_t *counters;    /* fixture name/key -> calls so far */
    char *partner_token; /* Whapi manager token */
    size_t partner_len;
    sb_signups *signups; /* Keebai embedded-signup sessions (keebai_signup.c) */
    json_t *webhooks;    /* Keebai webhooks, secrets included (keebai_extra.c) */
    json_t *rates;       /* rate-limit key -> array of request times (ratelimit.c) */
    sb_whapi *whapi;     /* Whapi channels (whapi_store.c) */
    char *hm_token;      /* HubMessage secret key */
    size_t hm_len;
    char *hc_token; /* HydraCore bearer token */
    size_t hc_len;
    json_t *hubmessage;              /* {"channels","windows","messages"} (hubmessage.c) */
    json_t *hydracore;               /* instance uuid -> its state, secrets masked (hydracore.c) */
    json_t *chatt2me;                /* {"messages","webhooks"} (chatt2me.c) */
    long hm_fail, hc_fail, c2m_fail; /* requests still to answer 500 (fail controls) */
} sb_server;

/* One HTTP request; lives from MHD's first call to its completion notice. */
typedef struct sb_req {
    sb_server *srv;
    struct MHD_Connection *conn;
    const char *method;
    const char *path;
    char *body; /* NUL-terminated copy of the upload, NULL when there was none */
    size_t body_len;
    bool too_big;
} sb_req;

/* util.c */
int64_t sb_now_ms(void);
bool sb_wait_until(sb_server *srv, int64_t deadline_ms);
bool sb_sleep_ms(sb_server *srv, long ms);
bool sb_parse_long(const char *s, long min, long max, long *out);
json_t *sb_json_lossy(const char *s, size_t n);
bool sb_is_loopback(const struct sockaddr *sa);
size_t sb_split_path(const char *path, char segs[][128], size_t max);

/* http.c */
struct MHD_Daemon *sb_http_start(sb_server *srv, int listen_fd, int family);
const char *sb_header(sb_req *req, const char *name);
const char *sb_arg(sb_req *req, const char *name);
bool sb_is_get(const sb_req *req);
bool sb_is_post(const sb_req *req);
void sb_request_origin(sb_req *req, char *out, size_t n);
enum MHD_Result sb_queue(sb_req *req, unsigned status, struct MHD_Response *resp);
enum MHD_Result sb_reply_json(sb_req *req, unsigned status, json_t *body);
enum MHD_Result sb_reply_json_hdr(sb_req *req, unsigned status, json_t *body, const char *hname,
                                  const char *hvalue);
json_t *sb_envelope(const char *code, const char *msg, json_t *details);
enum MHD_Result sb_reply_error(sb_req *req, unsigned status, const char *code, const char *msg,
                               json_t *details);
enum MHD_Result sb_reply_status(sb_req *req, unsigned status);
enum MHD_Result sb_reply_method(sb_req *req, const char *allow);
const char *sb_error_code(unsigned status);
bool sb_bearer_is(sb_req *req, const char *token, size_t len);
const char *sb_bearer(sb_req *req);
json_t *sb_body_object(sb_req *req);

/* ratelimit.c: true when allowed; else *retry_s is when to try again (lock not held) */
bool sb_rate_take(sb_server *srv, const char *key, long limit, int64_t window_ms, long *retry_s);

/* keebai_signup.c */
enum MHD_Result sb_signup_create(sb_req *req, json_t *in);
enum MHD_Result sb_signup_poll(sb_req *req, const char *id);
enum MHD_Result sb_signup_control(sb_req *req, const char *id, const char *action);
enum MHD_Result sb_signup_portal(sb_req *req);
json_t *sb_signup_channels(sb_server *srv); /* lock held: completed sessions as channels */
void sb_signups_free(sb_server *srv);

/* keebai_extra.c: /me, /channels, /webhooks, and the rate limit in front of /keebai */
enum MHD_Result sb_keebai_extra_route(sb_req *req, char segs[][128], size_t n, bool *handled);
bool sb_keebai_throttle(sb_req *req, enum MHD_Result *ret);
json_t *sb_qr_channels(sb_server *srv); /* keebai_qr.c, lock held: connected QR sessions */

/* whapi_manager.c, whapi_gate.c, whapi_store.c */
enum MHD_Result sb_whapi_route(sb_req *req, const char *rest);
enum MHD_Result sb_whapi_control(sb_req *req, const char *id, const char *action);
void sb_whapi_free(sb_server *srv);

/* keebai_qr.c */
enum MHD_Result sb_keebai_route(sb_req *req, const char *rest);

/* sse.c */
enum MHD_Result sb_keebai_stream(sb_req *req, const char *session_id);
enum MHD_Result sb_fixture_sse(sb_req *req);

/* hubs.c: what the HubMessage, HydraCore and Chatt2.me files share */
bool sb_hubs_init(sb_server *srv);
void sb_hubs_free(sb_server *srv);
enum MHD_Result sb_hubs_route(sb_req *req);       /* http.c: paths no other hub took; else 404 */
bool sb_fail_take(sb_server *srv, long *counter); /* takes the lock; true: answer 500 */
enum MHD_Result sb_fail_control(sb_req *req, long *counter);
void sb_mask(const char *s, size_t len, char *out, size_t n); /* "****" + last 4 */
json_t *sb_mask_json(json_t *v);                              /* the same for a JSON string */
void sb_random_uuid(char out[37]);
bool sb_is_uuid(const char *s); /* 8-4-4-4-12 hex digits, either case */
bool sb_json_chars(json_t *s, const char *set, size_t min, size_t max);
enum MHD_Result sb_reply_empty(sb_req *req, unsigned status);
void sb_list_append(json_t *list, json_t *item, size_t max); /* drops the oldest past max */

/* hubmessage.c, hydracore.c, chatt2me.c: the APIs (rest = path after the prefix), controls */
enum MHD_Result sb_hubmessage_route(sb_req *req, const char *rest);
enum MHD_Result sb_hubmessage_control(sb_req *req, char segs[][128], size_t n);
enum MHD_Result sb_hydracore_route(sb_req *req, const char *rest);
enum MHD_Result sb_hydracore_control(sb_req *req, char segs[][128], size_t n);
enum MHD_Result sb_chatt2me_route(sb_req *req, const char *rest);
enum MHD_Result sb_chatt2me_control(sb_req *req, char segs[][128], size_t n);

/* control.c */
void sb_control_record(sb_req *req);
void sb_hub_record(sb_req *req, const char *hub); /* hub requests: secrets masked */
enum MHD_Result sb_control_route(sb_req *req, const char *rest);

/* fixtures.c */
enum MHD_Result sb_fixture_route(sb_req *req, char segs[][128], size_t n);

/* pairing.c */
char *sb_pairing_string(void);
/* `qr` as --qr-junk puts it on the wire (malloc'd; a plain copy without junk). NULL on OOM. */
char *sb_qr_wire(sb_qr_junk junk, const char *qr);
void sb_random_id(const char *prefix, char *out, size_t n);
void sb_random_phone(char *out, size_t n);

#endif
