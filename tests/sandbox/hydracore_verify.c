/* hydracore_verify.c: HydraCore's webhook URL answering Meta's verification challenge, and
 * the /_sandbox/hydracore controls (state with secrets masked, verify, fail). */
#include "hydracore.h"

#include <sodium.h>
#include <string.h>

/* Lock held: Meta's verification succeeded; the channel is live. */
static void mark_connected(json_t *inst, const char *how)
{
    json_object_set_new(json_object_get(inst, "channel"), "status", json_string("connected"));
    json_object_set_new(inst, "verified_by", json_string(how));
}

/* GET /hydracore/webhooks/whatsapp/{instance}?hub.mode=subscribe&hub.verify_token=T&
 * hub.challenge=C: what Meta calls; C back as text when T is the instance's token, else 403. */
enum MHD_Result sb_hc_challenge(sb_req *req, const char *seg)
{
    char id[37];
    json_t *errs = json_array();
    bool id_ok = sb_hc_instance_id(seg, id, errs);
    json_decref(errs);
    const char *mode = sb_arg(req, "hub.mode"), *token = sb_arg(req, "hub.verify_token");
    const char *challenge = sb_arg(req, "hub.challenge");
    bool ok = false;
    sb_server *srv = req->srv;
    pthread_mutex_lock(&srv->lock);
    json_t *inst = id_ok ? json_object_get(srv->hydracore, id) : NULL;
    json_t *vt = json_object_get(inst, "verify_token");
    if (json_is_string(vt) && mode && !strcmp(mode, "subscribe") && token && challenge &&
        strlen(challenge) <= 256 && strlen(token) == json_string_length(vt) &&
        !sodium_memcmp(token, json_string_value(vt), json_string_length(vt))) {
        mark_connected(inst, "challenge");
        ok = true;
    }
    pthread_mutex_unlock(&srv->lock);
    if (!ok)
        return sb_hc_detail(req, 403, "Verification failed");
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        strlen(challenge), (void *)challenge, MHD_RESPMEM_MUST_COPY);
    if (resp)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
    return sb_queue(req, 200, resp);
}

/* Lock held: an instance as the controls show it: the verify token masked like the rest. */
static json_t *instance_view(const char *id, json_t *inst)
{
    json_t *v = json_deep_copy(inst);
    json_object_set_new(v, "instance", json_string(id));
    json_object_set_new(v, "configured",
                        json_boolean(json_is_object(json_object_get(inst, "channel"))));
    json_object_set_new(v, "verify_token",
                        json_is_string(json_object_get(inst, "verify_token"))
                            ? sb_mask_json(json_object_get(inst, "verify_token"))
                            : json_null());
    return v;
}

/* Lock held. GET {instance}, or POST {instance}/verify: play Meta's challenge. Returns the
 * status; *out gets the view. */
static unsigned instance_control(sb_server *srv, const char *id, bool verify, json_t **out)
{
    json_t *inst = json_object_get(srv->hydracore, id);
    if (!inst || (verify && !json_is_object(json_object_get(inst, "channel"))))
        return 404;
    if (verify)
        mark_connected(inst, "control");
    *out = instance_view(id, inst);
    return 200;
}

/*
 * /_sandbox/hydracore: GET every instance (last setup body, secrets masked to the last 4);
 * GET {instance}; POST {instance}/verify (Meta's challenge passed: status "connected");
 * POST fail?times=N (the next N API requests answer 500).
 */
enum MHD_Result sb_hydracore_control(sb_req *req, char segs[][128], size_t n)
{
    sb_server *srv = req->srv;
    if (n == 1 && !strcmp(segs[0], "fail"))
        return sb_fail_control(req, &srv->hc_fail);
    char id[37];
    json_t *errs = json_array(), *out = NULL;
    bool id_ok = n >= 1 && n <= 2 && sb_hc_instance_id(segs[0], id, errs);
    json_decref(errs);
    bool verify = n == 2 && !strcmp(segs[1], "verify");
    if (n != 0 && (!id_ok || (n == 2 && !verify)))
        return sb_reply_error(req, 404, "NOT_FOUND", "no such route", NULL);
    if (verify ? !sb_is_post(req) : !sb_is_get(req))
        return sb_reply_method(req, verify ? "POST" : "GET");
    unsigned status = 200;
    pthread_mutex_lock(&srv->lock);
    if (n == 0) {
        json_t *list = json_array();
        const char *key;
        json_t *inst;
        json_object_foreach(srv->hydracore, key, inst)
            json_array_append_new(list, instance_view(key, inst));
        out = json_pack("{s:o,s:I,s:b}", "instances", list, "fail_next", (json_int_t)srv->hc_fail,
                        "api_key_required", srv->cfg.hydracore_api_key != NULL);
    } else
        status = instance_control(srv, id, verify, &out);
    pthread_mutex_unlock(&srv->lock);
    if (status == 404)
        return sb_reply_error(req, 404, "NOT_FOUND",
                              verify ? "no WhatsApp channel configured on this instance"
                                     : "no such HydraCore instance",
                              NULL);
    return sb_reply_json(req, 200, out);
}
