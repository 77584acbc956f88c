/* control.c: the /_sandbox test-control routes: drive QR, signup and Whapi sessions, keep the
 * request log. */
#include "keebai.h"

#include <string.h>

#define SB_LOG_MAX 1000

static json_t *header_or_null(sb_req *req, const char *name)
{
    const char *v = sb_header(req, name);
    return v ? sb_json_lossy(v, strlen(v)) : json_null();
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
    if (!e)
        return;
    sb_server *srv = req->srv;
    pthread_mutex_lock(&srv->lock);
    if (json_array_size(srv->log) >= SB_LOG_MAX)
        json_array_remove(srv->log, 0);
    json_array_append_new(srv->log, e);
    pthread_mutex_unlock(&srv->lock);
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
    if (n == 2 && !strcmp(seg[0], "test") && !strcmp(seg[1], "log"))
        return log_route(req, false);
    if (n == 3 && !strcmp(seg[0], "test") && !strcmp(seg[1], "log") && !strcmp(seg[2], "clear"))
        return log_route(req, true);
    if (n >= 2 && n <= 8 && !strcmp(seg[0], "test"))
        return sb_fixture_route(req, seg, n);
    return sb_reply_error(req, 404, "NOT_FOUND", "no such route", NULL);
}
