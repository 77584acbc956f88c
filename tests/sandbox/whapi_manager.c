/* whapi_manager.c: the Whapi.Cloud manager API (partner token): projects and channels. */
#include "whapi.h"

#include <stdio.h>
#include <string.h>

#define SB_30MIN_MS (30L * 60 * 1000)

/* GET /projects: the shape is unclear (api-notes.md), so both are offered; the wrapped one
 * by default, a bare array with --whapi-projects-bare. */
static enum MHD_Result projects_get(sb_req *req)
{
    json_t *list = json_pack("[{s:s,s:s}]", "id", SB_WHAPI_PROJECT_ID, "name", "Main");
    if (req->srv->cfg.whapi_projects_bare)
        return sb_reply_json(req, 200, list);
    return sb_reply_json(req, 200, json_pack("{s:o}", "projects", list));
}

/* PUT /channels {name, projectId}: the seed's channel object, token included (only here). */
static enum MHD_Result channel_put(sb_req *req)
{
    json_t *in = sb_body_object(req);
    if (!in)
        return sb_whapi_error(req, 400, "Bad request", "body must be a JSON object");
    json_t *name = json_object_get(in, "name"), *project = json_object_get(in, "projectId");
    const char *bad = NULL;
    if (!json_is_string(project) || !json_string_length(project))
        bad = "projectId is required and must be a string";
    else if (name && (!json_is_string(name) || json_string_length(name) > 100))
        bad = "name must be a string of at most 100 bytes";
    if (bad) {
        json_decref(in);
        return sb_whapi_error(req, 400, "Bad request", bad);
    }
    if (strcmp(json_string_value(project), SB_WHAPI_PROJECT_ID)) {
        json_decref(in);
        return sb_whapi_error(req, 404, "Project not found", "no project with this id");
    }
    sb_server *srv = req->srv;
    long retry_s;
    if (!sb_rate_take(srv, "whapi-channel-create", srv->cfg.whapi_channels_per_30min, SB_30MIN_MS,
                      &retry_s)) {
        json_decref(in);
        char after[24];
        snprintf(after, sizeof after, "%ld", retry_s);
        return sb_reply_json_hdr(req, 429,
                                 json_pack("{s:{s:i,s:s,s:s}}", "error", "code", 429, "message",
                                           "Too many requests", "details",
                                           "more than the allowed channel creations in 30 minutes"),
                                 "Retry-After", after);
    }
    char origin[128];
    sb_request_origin(req, origin, sizeof origin);
    pthread_mutex_lock(&srv->lock);
    sb_wchannel *c = sb_wchannel_new(srv, name ? json_string_value(name) : "Channel",
                                     json_string_value(project));
    json_t *out = c ? sb_wchannel_json(srv, c, origin, true) : NULL;
    pthread_mutex_unlock(&srv->lock);
    json_decref(in);
    if (!out)
        return sb_whapi_error(req, 500, "Internal error", "cannot create the channel");
    return sb_reply_json(req, 200, out);
}

/* GET /channels: the wrapper key is OUR GUESS; tokens are not repeated in the list. */
static enum MHD_Result channels_get(sb_req *req)
{
    char origin[128];
    sb_request_origin(req, origin, sizeof origin);
    sb_server *srv = req->srv;
    json_t *list = json_array();
    pthread_mutex_lock(&srv->lock);
    for (size_t i = 0; srv->whapi && i < srv->whapi->n; i++)
        json_array_append_new(list, sb_wchannel_json(srv, srv->whapi->items[i], origin, false));
    pthread_mutex_unlock(&srv->lock);
    return sb_reply_json(
        req, 200,
        json_pack("{s:o,s:I}", "channels", list, "total", (json_int_t)json_array_size(list)));
}

static enum MHD_Result channel_delete(sb_req *req, const char *id)
{
    pthread_mutex_lock(&req->srv->lock);
    bool found = sb_wchannel_delete(req->srv, id);
    pthread_mutex_unlock(&req->srv->lock);
    if (!found)
        return sb_whapi_error(req, 404, "Channel not found", id);
    return sb_reply_json(req, 200, json_pack("{s:b}", "success", 1)); /* body: OUR GUESS */
}

/* PATCH /channels/{id}/mode {"mode":"live"}: answers the updated channel (OUR GUESS). */
static enum MHD_Result mode_patch(sb_req *req, const char *id)
{
    json_t *in = sb_body_object(req);
    const char *mode = json_string_value(json_object_get(in, "mode"));
    if (!mode || (strcmp(mode, "live") && strcmp(mode, "trial"))) {
        json_decref(in);
        return sb_whapi_error(req, 400, "Bad request", "mode must be \"live\" or \"trial\"");
    }
    char origin[128];
    sb_request_origin(req, origin, sizeof origin);
    pthread_mutex_lock(&req->srv->lock);
    sb_wchannel *c = sb_wchannel_find(req->srv, id);
    json_t *out = NULL;
    if (c && strcmp(id, "latest")) {
        snprintf(c->mode, sizeof c->mode, "%s", mode);
        out = sb_wchannel_json(req->srv, c, origin, false);
    }
    pthread_mutex_unlock(&req->srv->lock);
    json_decref(in);
    if (!out)
        return sb_whapi_error(req, 404, "Channel not found", id);
    return sb_reply_json(req, 200, out);
}

/* Everything under /whapi/manager. */
enum MHD_Result sb_whapi_manager(sb_req *req, char segs[][128], size_t n)
{
    if (!sb_bearer_is(req, req->srv->partner_token, req->srv->partner_len))
        return sb_whapi_error(req, 401, "Unauthorized", "missing or invalid partner token");
    const char *m = req->method;
    if (n == 1 && !strcmp(segs[0], "projects"))
        return sb_is_get(req) ? projects_get(req) : sb_whapi_method(req, "GET");
    if (n == 1 && !strcmp(segs[0], "channels")) {
        if (!strcmp(m, "PUT"))
            return channel_put(req);
        return sb_is_get(req) ? channels_get(req) : sb_whapi_method(req, "GET, PUT");
    }
    if (n == 2 && !strcmp(segs[0], "channels"))
        return !strcmp(m, "DELETE") ? channel_delete(req, segs[1]) : sb_whapi_method(req, "DELETE");
    if (n == 3 && !strcmp(segs[0], "channels") && !strcmp(segs[2], "mode"))
        return !strcmp(m, "PATCH") ? mode_patch(req, segs[1]) : sb_whapi_method(req, "PATCH");
    return sb_whapi_error(req, 404, "Not found", "no such route");
}
