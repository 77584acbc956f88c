/* flow_setup.c: hubs that are connected by a form rather than paired (HubMessage's signup
 * code, HydraCore's credentials) and checked with a test message (HubMessage, Chatt2.me);
 * plus the lists such hubs cannot give us, which the agent enters and we remember. */
#include "flow.h"
#include "flow_priv.h"
#include "i18n.h"
#include "secret.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REMEMBER_MAX 200

static unsigned caps_of(const flow *f)
{
    const flow_profile *p = flow_current(f);
    return p ? p->ops->caps : 0;
}

int flow_profile_set_extra(flow *f, int index, const json_t *remembered, const char *api_key)
{
    if (index < 0 || (size_t)index >= f->nprofiles)
        return -1;
    flow_profile *p = &f->profiles[index];
    json_t *copy = remembered ? json_deep_copy(remembered) : NULL;
    char *key = api_key ? secret_dup(api_key) : NULL;
    if ((remembered && !copy) || (api_key && !key)) {
        json_decref(copy);
        secret_free(key);
        return -1;
    }
    if (remembered) {
        json_decref(p->remembered);
        p->remembered = copy;
    }
    if (api_key) {
        secret_free(p->api_key);
        p->api_key = key;
    }
    return 0;
}

json_t *flow_remembered_list(const flow *f, const char *list)
{
    const flow_profile *p = flow_current(f);
    json_t *arr = p ? json_object_get(p->remembered, list) : NULL;
    json_t *out = json_is_array(arr) ? json_deep_copy(arr) : json_array(), *it;
    size_t i;
    /* The channel list shows a "type" column: a remembered channel's kind. */
    json_array_foreach(out, i, it) {
        const char *kind = json_string_value(json_object_get(it, "kind"));
        if (kind && !json_object_get(it, "type"))
            json_object_set_new(it, "type", json_string(kind));
    }
    return out;
}

const char *flow_channel_kind(const flow *f)
{
    const char *k = json_string_value(json_object_get(f->channel, "kind"));
    return k ? k : "";
}

/* Hands the lists to whoever keeps them (the profile file); says so when it could not. */
static void remember_save(flow *f)
{
    char why[300] = "";
    const flow_profile *p = flow_current(f);
    if (!f->secrets.remember || !p)
        return;
    if (f->secrets.remember(f, f->profile, p->remembered, why, sizeof why, f->secrets.arg) < 0) {
        char line[sizeof f->notice];
        snprintf(line, sizeof line, _("Kept for this run only: the profile file could not be "
                                      "written (%s)."), why);
        text_sanitize(line, f->notice, sizeof f->notice);
    }
}

static json_t *remembered_array(flow *f, const char *list)
{
    flow_profile *p = &f->profiles[f->profile];
    if (!p->remembered && !(p->remembered = json_object()))
        return NULL;
    json_t *arr = json_object_get(p->remembered, list);
    if (!json_is_array(arr)) {
        arr = json_array();
        if (json_object_set_new(p->remembered, list, arr) < 0)
            return NULL;
    }
    return arr;
}

static long remembered_index(const json_t *arr, const char *id)
{
    size_t i;
    json_t *it;
    json_array_foreach(arr, i, it) {
        const char *iid = json_string_value(json_object_get(it, "id"));
        if (iid && !strcmp(iid, id))
            return (long)i;
    }
    return -1;
}

/* Adds or updates an item; name/kind NULL = keep. 0, or -1 (full, or out of memory). */
int flow_remember_item(flow *f, const char *list, const char *id, const char *name,
                         const char *kind)
{
    json_t *arr = remembered_array(f, list);
    if (!arr)
        return -1;
    long at = remembered_index(arr, id);
    json_t *it = at >= 0 ? json_array_get(arr, (size_t)at) : json_pack("{ss}", "id", id);
    if (!it || (at < 0 && json_array_size(arr) >= REMEMBER_MAX)) {
        if (at < 0)
            json_decref(it);
        return -1;
    }
    if (name)
        json_object_set_new(it, "name", json_string(name));
    if (kind)
        json_object_set_new(it, "kind", json_string(kind));
    if (at < 0 && json_array_append_new(arr, it) < 0)
        return -1;
    remember_save(f);
    return 0;
}

void flow_add_error(json_t **errs, const char *field, const char *msg, char *why, size_t whysz)
{
    if (!*errs)
        *errs = json_object();
    if (*errs && !json_object_get(*errs, field))
        json_object_set_new(*errs, field, json_string(msg));
    if (why && !*why)
        snprintf(why, whysz, "%s", msg);
}

/* Local checks failed: the form shows each message by its field. */
hd_status flow_refuse_fields(flow *f, json_t *errs)
{
    flow_json_set(&f->field_errors, errs);
    json_decref(errs);
    flow_changed(f, NULL);
    return HD_ERR_USAGE;
}

hd_status flow_open_add(flow *f, int projects)
{
    unsigned c = caps_of(f);
    if (!(c & (projects ? PROVIDER_CAP_LOCAL_PROJECTS : PROVIDER_CAP_LOCAL_CHANNELS)))
        return HD_ERR_USAGE;
    flow_call_cancel(f);
    f->add_projects = !!projects;
    if (f->step != FLOW_STEP_ADD)
        f->side_return = f->step;
    f->step = FLOW_STEP_ADD;
    f->call = FLOW_CALL_IDLE;
    flow_json_set(&f->field_errors, NULL);
    flow_changed(f, NULL);
    return HD_OK;
}

static int kind_known(const char *kind)
{
    for (const char *const *k = provider_channel_kinds(); kind && *k; k++)
        if (!strcmp(*k, kind))
            return 1;
    return 0;
}

/* What an id must look like: a UUID (instances, Chatt2.me), else one clean word. */
static void check_add(flow *f, const char *id, const char *name, const char *kind,
                      json_t **errs, char *why, size_t whysz)
{
    char msg[300];
    unsigned c = caps_of(f);
    int uuid = f->add_projects || (c & PROVIDER_CAP_CHANNEL_KIND);
    const char *what = f->add_projects ? _("instance id") : _("channel id");
    if (uuid && provider_uuid_check(id, what, msg, sizeof msg) != HD_OK)
        flow_add_error(errs, "id", msg, why, whysz);
    else if (!uuid && (!id || !*id || strlen(id) > 128 || !text_is_clean(id) || strchr(id, ' ')))
        flow_add_error(errs, "id", _("the channel id is one word (as the dashboard shows it)"), why,
                  whysz);
    if (name && *name && flow_name_check(name, msg, sizeof msg) != HD_OK)
        flow_add_error(errs, "name", msg, why, whysz);
    if (!f->add_projects && (c & PROVIDER_CAP_CHANNEL_KIND) && !kind_known(kind))
        flow_add_error(errs, "kind", _("choose the channel's kind (Space)"), why, whysz);
}

hd_status flow_submit_add(flow *f, const char *id, const char *name, const char *kind,
                          char *why, size_t whysz)
{
    json_t *errs = NULL;
    char scratch[300] = "";
    if (!why) {
        why = scratch;
        whysz = sizeof scratch;
    }
    *why = '\0';
    if (f->step != FLOW_STEP_ADD || !flow_current(f))
        return HD_ERR_USAGE;
    check_add(f, id, name, kind, &errs, why, whysz);
    if (errs)
        return flow_refuse_fields(f, errs);
    const char *list = f->add_projects ? "instances" : "channels";
    if (flow_remember_item(f, list, id, name && *name ? name : NULL,
                      f->add_projects ? NULL : kind && *kind ? kind : NULL) < 0) {
        snprintf(why, whysz, _("at most %d can be remembered; forget one first (d)"),
                 REMEMBER_MAX);
        return flow_refuse_fields(f, json_pack("{ss}", "id", why));
    }
    flow_json_set(&f->field_errors, NULL);
    json_t *items = flow_remembered_list(f, list);
    long at = remembered_index(items, id);
    if (f->add_projects) {
        flow_json_set(&f->projects, items);
        json_decref(items);
        return flow_choose_project(f, (int)at); /* straight into the new instance */
    }
    flow_json_set(&f->channels, items);
    json_decref(items);
    f->step = FLOW_STEP_CHANNELS;
    flow_select_channel(f, (int)at);
    snprintf(f->notice, sizeof f->notice, "%s", _("Channel remembered for this profile."));
    flow_changed(f, NULL);
    return HD_OK;
}

hd_status flow_forget(flow *f, int projects, int index)
{
    const char *list = projects ? "instances" : "channels";
    json_t *shown = projects ? f->projects : f->channels;
    const char *id = json_string_value(json_object_get(json_array_get(shown, (size_t)index), "id"));
    if (!flow_current(f) || !id || index < 0)
        return HD_ERR_USAGE;
    json_t *arr = remembered_array(f, list);
    long at = arr ? remembered_index(arr, id) : -1;
    if (at < 0)
        return HD_ERR_USAGE;
    json_array_remove(arr, (size_t)at);
    f->notice[0] = '\0';
    remember_save(f);
    json_t *items = flow_remembered_list(f, list);
    flow_json_set(projects ? &f->projects : &f->channels, items);
    json_decref(items);
    if (!projects)
        flow_json_set(&f->channel, NULL);
    if (!f->notice[0])
        snprintf(f->notice, sizeof f->notice, "%s",
                 _("Forgotten here; nothing was changed on the hub."));
    flow_changed(f, NULL);
    return HD_OK;
}
