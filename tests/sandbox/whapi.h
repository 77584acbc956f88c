/* whapi.h: the Whapi.Cloud channel store, shared by the manager API, the gate API and the
 * test controls. */
#ifndef HD_SB_WHAPI_H
#define HD_SB_WHAPI_H

#include "sb.h"

#define SB_WHAPI_CHANNELS_MAX 256
#define SB_WHAPI_TOKEN_LEN 32

/* One channel; every field is read and written under srv->lock. */
typedef struct sb_wchannel {
    char id[16]; /* "SHAZAM-XXXXX" */
    char token[SB_WHAPI_TOKEN_LEN + 1];
    char *name, *project_id;
    int64_t created_wall_ms; /* creationTS: wall clock, milliseconds, as the seed shows */
    int64_t created_ms;      /* monotonic: drives the INIT -> LAUNCH -> QR timeline */
    char mode[8];            /* "trial" | "live" */
    bool authed;
    int attempt;      /* rowdata number, 1-based; 0 before the first */
    char *rowdata;    /* the current pairing string */
    json_t *settings; /* the last PATCH /settings body */
    bool mobile;      /* a mobile channel: no QR, rowdata answers 406 (test control) */
    int fail_next;    /* gate requests with its token still to answer 503 (test control) */
    char login_phone[16]; /* the last phone a pairing code was asked for, as it arrived */
} sb_wchannel;

struct sb_whapi {
    sb_wchannel *items[SB_WHAPI_CHANNELS_MAX];
    size_t n;
};

/* The one project every partner account has here. */
#define SB_WHAPI_PROJECT_ID "hdSandboxMainProject"

typedef enum { SB_W_INIT, SB_W_LAUNCH, SB_W_QR, SB_W_AUTH } sb_whealth;

/* All of these expect srv->lock held. */
sb_wchannel *sb_wchannel_new(sb_server *srv, const char *name, const char *project);
sb_wchannel *sb_wchannel_find(sb_server *srv, const char *id);
sb_wchannel *sb_wchannel_by_token(sb_server *srv, const char *token);
bool sb_wchannel_delete(sb_server *srv, const char *id);
sb_whealth sb_wchannel_health(sb_server *srv, const sb_wchannel *c, int64_t now);
int64_t sb_wchannel_rowdata(sb_server *srv, sb_wchannel *c, int64_t now); /* ms left */
json_t *sb_wchannel_json(const sb_server *srv, const sb_wchannel *c, const char *origin,
                         bool with_token);

json_t *sb_whapi_health_json(sb_whealth h);

/* {"error":{"code":N,"message":"...","details":"..."}} */
enum MHD_Result sb_whapi_error(sb_req *req, unsigned status, const char *msg, const char *details);

enum MHD_Result sb_whapi_method(sb_req *req, const char *allow);
enum MHD_Result sb_whapi_manager(sb_req *req, char segs[][128], size_t n);
enum MHD_Result sb_whapi_gate(sb_req *req, char segs[][128], size_t n);

#endif
