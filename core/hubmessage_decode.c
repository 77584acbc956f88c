/* hubmessage_decode.c: HubMessage JSON to normalised JSON; liberal in the shapes it accepts
 * (only the seed's success answers are documented; the error envelope is our guess), never
 * trusting what is inside them. */
#include "hubmessage_decode.h"
#include "i18n.h"
#include "text.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *str(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void set_clean(json_t *o, const char *key, const char *val)
{
    char buf[256];
    json_object_set_new(o, key, json_string(text_sanitize(val, buf, sizeof buf)));
}

int hubmessage_id_ok(const char *id)
{
    static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
    size_t len = id ? strlen(id) : 0;
    return len && len <= HM_ID_MAX && strspn(id, ok) == len && strcmp(id, ".") &&
           strcmp(id, "..");
}

int hubmessage_is_public_key(const char *token)
{
    return token && (!strncmp(token, "hm_pk_", 6) || !strncmp(token, "pk_", 3));
}

json_t *hubmessage_decode_created(const json_t *j, const char *name)
{
    const char *id = str(j, "id");
    if (!hubmessage_id_ok(id)) /* we put it in paths later: it must be one as is */
        return NULL;
    json_t *ch = json_pack("{s:s,s:s,s:b}", "id", id, "type", "META_WHATSAPP", "active", 0);
    if (ch)
        set_clean(ch, "name", name ? name : "");
    return ch;
}

int hubmessage_decode_connected(const json_t *j)
{
    return !json_is_false(json_object_get(j, "success"));
}

json_t *hubmessage_decode_sent(const json_t *j)
{
    if (!json_is_object(j))
        return NULL;
    json_t *d = json_pack("{s:s}", "status", "accepted");
    const char *id = str(j, "messageId") ? str(j, "messageId") : str(j, "id");
    if (d && id && *id && strlen(id) <= HM_ID_MAX && text_is_clean(id))
        set_clean(d, "message_id", id);
    return d;
}

static const struct {
    const char *text, *meaning;
} status_table[] = {
    {"CREATED", N_("created, not connected to a number yet: run the signup in the web SDK, "
                   "then connect it with the code")},
    {"CONNECTED", N_("connected to a WhatsApp number: send a test message to see it work")},
};

const char *hubmessage_status_meaning(const char *text)
{
    for (size_t i = 0; text && i < sizeof status_table / sizeof *status_table; i++)
        if (!strcasecmp(text, status_table[i].text))
            return _(status_table[i].meaning);
    return _("a state this console does not know; check the channel in the HubMessage dashboard");
}

json_t *hubmessage_decode_status(const json_t *j)
{
    char text[32];
    const char *st = str(j, "status");
    if (!st || !*st)
        return NULL;
    text_sanitize(st, text, sizeof text);
    json_t *d = json_pack("{s:i,s:s,s:s}", "code", 0, "text", text, "meaning",
                          hubmessage_status_meaning(text));
    if (!d)
        return NULL;
    if (str(j, "wabaId"))
        set_clean(d, "waba_id", str(j, "wabaId"));
    if (str(j, "phoneId"))
        set_clean(d, "phone_id", str(j, "phoneId"));
    if (json_is_boolean(json_object_get(j, "coexistence")))
        json_object_set(d, "coexistence", json_object_get(j, "coexistence"));
    return d;
}

json_t *hubmessage_unknown_status(void)
{
    return json_pack("{s:i,s:s,s:s}", "code", 0, "text", "UNKNOWN", "meaning",
                     _("HubMessage has no status endpoint we know of; send a test message"));
}

/* The hub's field names (camelCase, as in the seed's bodies) to ours (hub_connect, hub_req). */
static const char *our_field(const char *theirs)
{
    static const struct {
        const char *theirs, *ours;
    } map[] = {
        {"wabaId", "waba_id"},   {"phoneId", "phone_id"},     {"code", "code"},
        {"name", "name"},        {"coexistence", "coexistence"}, {"recipient", "to"},
        {"identifier", "to"},    {"recipient.identifier", "to"}, {"content", "text"},
        {"message", "text"},     {"content.body.message", "text"},
    };
    for (size_t i = 0; theirs && i < sizeof map / sizeof *map; i++)
        if (!strcmp(theirs, map[i].theirs))
            return map[i].ours;
    return NULL;
}

json_t *hubmessage_field_errors(const json_t *j)
{
    json_t *err = json_object_get(j, "error");
    const char *code = str(err, "code"), *msg = str(err, "message");
    const char *theirs = str(err, "field");
    const char *field = our_field(theirs);
    char clean[300], key[80];
    if (!field && theirs && *theirs) /* a field we do not know: under the hub's name */
        field = text_sanitize(theirs, key, sizeof key);
    if (!field && code && !strcmp(code, "INVALID_CODE"))
        field = "code";
    if (!field)
        return NULL;
    /* The code goes with the words, as Chatt2.me's do: it is what the hub's docs and
     * support speak of, and what provider_error_advice recognises. */
    char text[400];
    if (code && *code && msg && *msg)
        snprintf(text, sizeof text, "%s: %s", code, msg);
    else
        snprintf(text, sizeof text, "%s", msg ? msg : code ? code : _("refused by the hub"));
    text_sanitize(text, clean, sizeof clean);
    return json_pack("{s:s}", field, clean);
}
