/* provider.c: the driver registry and helpers every driver shares. */
#include "provider.h"
#include "i18n.h"
#include "text.h"

#include <jansson.h>
#include <stdio.h>
#include <strings.h>

static const provider_ops *const drivers[] = {&provider_keebai, NULL};

const provider_ops *const *provider_all(void)
{
    return drivers;
}

const provider_ops *provider_find(const char *id)
{
    for (size_t i = 0; id && drivers[i]; i++)
        if (strcasecmp(drivers[i]->id, id) == 0)
            return drivers[i];
    return NULL;
}

static const char *json_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

char *provider_error_text(const http_response *r, char *out, size_t outsz)
{
    char raw[400] = "";
    json_t *root = r->body_len ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
    json_t *err = json_object_get(root, "error");
    const char *code = json_str(err, "code"), *msg = json_str(err, "message");
    if (json_is_integer(json_object_get(err, "code")) && msg)
        snprintf(raw, sizeof raw, "%lld: %s", (long long)json_integer_value(json_object_get(err, "code")), msg);
    else if (code && msg)
        snprintf(raw, sizeof raw, "%s: %s", code, msg);
    else if (msg)
        snprintf(raw, sizeof raw, "%s", msg);
    else if (json_is_string(err))
        snprintf(raw, sizeof raw, "%s", json_string_value(err));
    else if (r->status != HD_OK)
        snprintf(raw, sizeof raw, "%s", r->error);
    else
        snprintf(raw, sizeof raw, _("HTTP %ld: %s"), r->code, hd_status_message(http_status_for_code(r->code)));
    json_decref(root);
    return text_sanitize(raw, out, outsz);
}
