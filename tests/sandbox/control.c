/* control.c: the /_sandbox test-control routes: drive QR, signup and Whapi sessions and the
 * HubMessage, HydraCore and Chatt2.me state, keep the request log. */
#include "keebai.h"

#include <stdio.h>
#include <string.h>

#define SB_LOG_MAX 1000

static json_t *header_or_null(sb_req *req, const char *name)
{
    const char *v = sb_header(req, name);
    return v ? sb_json_lossy(v, strlen(v)) : json_null();
}

/* Appends e (reference stolen) to the bounded request log. */
static void log_append(sb_server *srv, json_t *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&srv->lock);
    if (json_array_size(srv->log) >= SB_LOG_MAX)
        json_array_remove(srv->log, 0);
    json_array_append_new(srv->log, e);
    pthread_mutex_unlock(&srv->lock);
}

/*
 * Every /_sandbox request is logged with the Host header the client used, so a test can
 * prove which origin a token went to (e.g. none after a redirect from 127.0.0.1 to localhost).
 */
void sb_control_record(sb_req *req)
{
    json_t *e = json_pack("{s:s,s:o,s:o,s:o}", "method", req->method, "host",
                          header_or_null(req, MHD_HTTP_HEADER_HOST), "path",
                          sb_json_lossy(req->path, strlen(req->path)), "authorization",
                          header_or_null(req, MHD_HTTP_HEADER_AUTHORIZATION));
    log_append(req->srv, e);
}

/* A header for the log with its secret part masked: "Bearer ****dbox"; NULL when absent. */
static json_t *masked_header(sb_req *req, const char *name, bool bearer)
{
    const char *v = sb_header(req, name);
    if (!v)
        return json_null();
    const char *secret = bearer ? sb_bearer(req) : v;
    char m[16], out[64];
    if (!secret) /* another scheme: keep its name only */
        snprintf(out, sizeof out, "%.*s ****", (int)strcspn(v, " "), v);
    else {
        sb_mask(secret, strlen(secret), m, sizeof m);
        snprintf(out, sizeof out, "%s%s", bearer ? "Bearer " : "", m);
    }
    return sb_json_lossy(out, strlen(out));
}

/*
 * HubMessage, HydraCore and Chatt2.me requests go into the same log, tagged with the hub;
 * their keys are masked (the log answers any loopback client, and these keys stand for a
 * customer's real ones in the tests that copy them).
 */
void sb_hub_record(sb_req *req, const char *hub)
{
    json_t *e = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o}", "hub", hub, "method", req->method, "host",
                          header_or_null(req, MHD_HTTP_HEADER_HOST), "path",
                          sb_json_lossy(req->path, strlen(req->path)), "authorization",
                          masked_header(req, MHD_HTTP_HEADER_AUTHORIZATION, true), "api_key",
                          masked_header(req, "X-Api-Key", false));
    log_append(req->srv, e);
}

static enum MHD_Result log_route(sb_req *req, bool clear)
{
    sb_server *srv = req->srv;
    if (clear && !sb_is_post(req))
        return sb_reply_method(req, "POST");
    if (!clear && !sb_is_get(req))
        return sb_reply_method(req, "GET");
    pthread_mutex_lock(&srv->lock);
    json_t *body = clear ? NULL : json_deep_copy(srv->log);
    if (clear)
        json_array_clear(srv->log);
    pthread_mutex_unlock(&srv->lock);
    return sb_reply_json(req, 200, clear ? json_pack("{s:b}", "ok", 1) : body);
}

/* GET sessions/{id|latest}, POST .../scan, POST .../drop */
static enum MHD_Result session_route(sb_req *req, const char *id, const char *action)
{
    sb_server *srv = req->srv;
    bool get = !action, scan = action && !strcmp(action, "scan");
    if (action && !scan && strcmp(action, "drop"))
        return sb_reply_error(req, 404, "NOT_FOUND", "no such route", NULL);
    if (get ? !sb_is_get(req) : !sb_is_post(req))
        return sb_reply_method(req, get ? "GET" : "POST");
    pthread_mutex_lock(&srv->lock);
    sb_session *s = sb_session_find(srv, id, true);
    json_t *body = NULL;
    unsigned status = 200;
    if (!s) {
        status = 404;
    } else if (get) {
        sb_session_advance(srv, s, sb_now_ms());
        body = sb_session_json(s);
    } else if (scan) {
        status = sb_session_scan(srv, s, sb_now_ms()) ? 200 : 409;
        body = status == 200 ? sb_session_json(s) : NULL;
    } else {
        s->drop_gen++;
        body = json_pack("{s:b,s:i}", "ok", 1, "dropped", (json_int_t)s->streams);
    }
    pthread_cond_broadcast(&srv->cond);
    pthread_mutex_unlock(&srv->lock);
    if (status == 404)
        return sb_reply_error(req, 404, "SESSION_NOT_FOUND", "no such connect session", NULL);
    if (status == 409)
        return sb_reply_error(req, 409, "CONFLICT", "the session is not waiting for a scan", NULL);
    return sb_reply_json(req, status, body);
}

/* Everything under /_sandbox (loopback only, checked by the caller). */
enum MHD_Result sb_control_route(sb_req *req, const char *rest)
{
    char seg[8][128];
    size_t n = sb_split_path(rest, seg, 8);
    if (n >= 2 && n <= 3 && !strcmp(seg[0], "sessions"))
        return session_route(req, seg[1], n == 3 ? seg[2] : NULL);
    if (n >= 2 && n <= 3 && !strcmp(seg[0], "signup"))
        return sb_signup_control(req, seg[1], n == 3 ? seg[2] : NULL);
    if (n >= 3 && n <= 4 && !strcmp(seg[0], "whapi") && !strcmp(seg[1], "channels"))
        return sb_whapi_control(req, seg[2], n == 4 ? seg[3] : NULL);
    if (n >= 1 && n <= 8 && !strcmp(seg[0], "hubmessage"))
        return sb_hubmessage_control(req, seg + 1, n - 1);
    if (n >= 1 && n <= 8 && !strcmp(seg[0], "hydracore"))
        return sb_hydracore_control(req, seg + 1, n - 1);
    if (n >= 1 && n <= 8 && !strcmp(seg[0], "chatt2me"))
        return sb_chatt2me_control(req, seg + 1, n - 1);
    if (n == 2 && !strcmp(seg[0], "test") && !strcmp(seg[1], "log"))
        return log_route(req, false);
    if (n == 1 && !strcmp(seg[0], "log")) /* the name issue 5's spec uses for the same log */
        return log_route(req, false);
    if (n == 2 && !strcmp(seg[0], "log") && !strcmp(seg[1], "clear"))
        return log_route(req, true);
    if (n == 3 && !strcmp(seg[0], "test") && !strcmp(seg[1], "log") && !strcmp(seg[2], "clear"))
        return log_route(req, true);
    if (n >= 2 && n <= 8 && !strcmp(seg[0], "test"))
        return sb_fixture_route(req, seg, n);
    return sb_reply_error(req, 404, "NOT_FOUND", "no such route", NULL);
}
