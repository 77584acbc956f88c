/* hydracore_decode.c: HydraCore JSON to normalised JSON. The seed documents the channel's
 * fields but not their values (status words, nulls), so the decoder takes what it finds and
 * sanitizes it. */
#include "hydracore_decode.h"
#include "i18n.h"
#include "provider.h"
#include "secret.h"
#include "text.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *str(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* key: the string as sanitized, "" when absent or not a string. */
static void set_clean(json_t *o, const char *key, const char *val)
{
    char buf[512];
    json_object_set_new(o, key, json_string(text_sanitize(val ? val : "", buf, sizeof buf)));
}

int hydracore_path(char *out, size_t n, const char *instance)
{
    int len = snprintf(out, n, "/v1/instances/%s/channels/whatsapp", instance);
    return len < 0 || (size_t)len >= n ? -1 : 0;
}

json_t *hydracore_decode_channel(const json_t *j)
{
    const char *status = str(j, "status"), *pnid = str(j, "phone_number_id");
    if (!json_is_object(j) || (!status && !pnid))
        return NULL;
    /* HydraCore has one WhatsApp channel per instance: its id is the kind. */
    json_t *ch = json_pack("{s:s,s:s,s:s}", "id", "whatsapp", "name", "WhatsApp", "type",
                           "whatsapp");
    if (!ch)
        return NULL;
    int enabled = json_is_true(json_object_get(j, "enabled"));
    set_clean(ch, "phone", str(j, "display_phone"));
    json_object_set_new(ch, "active", json_boolean(enabled));
    set_clean(ch, "phone_number_id", pnid);
    set_clean(ch, "display_phone", str(j, "display_phone"));
    json_object_set_new(ch, "enabled", json_boolean(enabled));
    set_clean(ch, "status", status);
    set_clean(ch, "webhook_url", str(j, "webhook_url"));
    return ch;
}

static const struct {
    const char *status, *meaning;
} status_table[] = {
    {"pending_verification",
     N_("set up, waiting for Meta: in the Meta app, set the callback URL to the webhook URL "
        "and the verify token, then verify")},
    {"connected", N_("connected: Meta verified the webhook; messages flow through HydraCore")},
    {"disabled", N_("disabled: enable the channel in HydraCore")},
    {"error", N_("HydraCore reports an error on the channel; check the instance there")},
};

const char *hydracore_status_meaning(const char *status)
{
    for (size_t i = 0; status && i < sizeof status_table / sizeof *status_table; i++)
        if (!strcasecmp(status, status_table[i].status))
            return _(status_table[i].meaning);
    return _("a state this console does not know; check the instance in HydraCore");
}

json_t *hydracore_decode_status(const json_t *j)
{
    json_t *d = hydracore_decode_channel(j);
    if (!d)
        return NULL;
    const char *text = json_string_value(json_object_get(d, "status"));
    json_object_set_new(d, "code", json_integer(0));
    json_object_set_new(d, "text", json_string(text));
    json_object_set_new(d, "meaning", json_string(hydracore_status_meaning(text)));
    return d;
}

int hydracore_verify_token_ok(const char *t)
{
    return t && secret_is_token_safe(t) && strlen(t) <= HC_VERIFY_MAX;
}

json_t *hydracore_decode_setup(const json_t *j, const char *sent)
{
    json_t *d = hydracore_decode_channel(j);
    const char *back = str(j, "verify_token");
    const char *token = "", *source = "unknown";
    if (!d)
        return NULL;
    if (!hydracore_verify_token_ok(back))
        back = NULL; /* not something Meta could be given: as if absent */
    if (back && (!sent || !*sent || strcmp(back, sent))) {
        token = back;
        source = "hub";
    } else if (sent && *sent) {
        token = sent;
        source = "sent";
    }
    json_object_set_new(d, "verify_token", json_string(token));
    json_object_set_new(d, "verify_token_source", json_string(source));
    return d;
}

json_t *hydracore_field_errors(const json_t *j)
{
    json_t *fields = provider_field_errors(j);
    json_t *inst = json_object_get(fields, "instance_id");
    if (inst) {
        json_object_set(fields, "instance", inst);
        json_object_del(fields, "instance_id");
    }
    return fields;
}

int hydracore_instance_missing(const json_t *j)
{
    const char *detail = str(j, "detail");
    return detail && strcasestr(detail, "instance not found") != NULL;
}
