/* whapi_decode.c: Whapi.Cloud JSON to plain structs and normalised JSON; liberal in the shapes
 * it accepts (several are undocumented), never trusting what is inside them. */
#include "whapi_decode.h"
#include "duration.h"
#include "i18n.h"
#include "qr.h"
#include "secret.h"
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ID_MAX 128               /* longer ids are not ids: refused rather than cut */
#define MS_MAX 100000000000000.0 /* 1e14 ms: the year 5138; anything later is garbage */

static const char *str(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An id we can show and put in a path later: clean text, 1..ID_MAX bytes. */
static int id_ok(const char *id)
{
    return id && *id && strlen(id) <= ID_MAX && text_is_clean(id);
}

static void set_clean(json_t *o, const char *key, const char *val)
{
    char buf[256];
    json_object_set_new(o, key, json_string(text_sanitize(val, buf, sizeof buf)));
}

/* ---- health ----------------------------------------------------------------------------- */

static const struct {
    const char *text;
    wh_phase phase;
    const char *meaning;
} health_table[] = {
    {"INIT", WH_PHASE_STARTING, N_("starting: the hub is setting the channel up")},
    {"LAUNCH", WH_PHASE_STARTING, N_("launching: the channel is starting; a QR code comes next")},
    {"QR", WH_PHASE_QR, N_("waiting for the phone to scan the QR code")},
    {"AUTH", WH_PHASE_AUTH, N_("linked: the channel is connected to the phone and ready")},
    {"ERROR", WH_PHASE_FAILED,
     N_("error: the channel failed; restart it in the Whapi dashboard, then pair again")},
    {"STOP", WH_PHASE_FAILED, N_("stopped: start the channel again in the dashboard")},
    {"SYNC_ERROR", WH_PHASE_FAILED,
     N_("sync error: the phone's data could not be synchronised; unlink the device on the "
        "phone and pair again")},
};

static int health_index(const char *text)
{
    for (size_t i = 0; text && i < sizeof health_table / sizeof *health_table; i++)
        if (strcasecmp(text, health_table[i].text) == 0)
            return (int)i;
    return -1;
}

wh_phase whapi_health_phase(const char *text)
{
    int i = health_index(text);
    return i < 0 ? WH_PHASE_STARTING : health_table[i].phase;
}

const char *whapi_health_meaning(const char *text)
{
    int i = health_index(text);
    return i < 0 ? _("a state this console does not know; check the channel in the Whapi dashboard")
                 : _(health_table[i].meaning);
}

/* Digits of a WhatsApp id: "5511987654321", "5511987654321@s.whatsapp.net", "...:12@...". */
static void phone_digits(const char *id, char *out, size_t n)
{
    size_t d = id ? strspn(id, "0123456789") : 0;
    out[0] = '\0';
    if (d >= 6 && d < n && (id[d] == '\0' || id[d] == '@' || id[d] == ':')) {
        memcpy(out, id, d);
        out[d] = '\0';
    }
}

/* Whapi's /health may carry the linked account; the sandbox does not send one. */
static void health_user(const json_t *j, wh_health *out)
{
    json_t *user = json_object_get(j, "user");
    const char *phone = str(user, "phone") ? str(user, "phone") : str(user, "id");
    if (!phone)
        phone = str(j, "phone");
    phone_digits(phone, out->phone, sizeof out->phone);
    const char *name = str(user, "name") ? str(user, "name") : str(user, "pushname");
    text_sanitize(name, out->name, sizeof out->name);
}

int whapi_decode_health(const json_t *j, wh_health *out)
{
    memset(out, 0, sizeof *out);
    out->code = -1;
    json_t *st = json_object_get(j, "status");
    const char *text = json_is_string(st) ? json_string_value(st) : str(st, "text");
    json_t *code = json_object_get(st, "code");
    if (json_is_integer(code) && json_integer_value(code) >= 0 && json_integer_value(code) < 1000)
        out->code = (long)json_integer_value(code);
    if (!text || !*text)
        return -1;
    text_sanitize(text, out->text, sizeof out->text);
    health_user(j, out);
    return 0;
}

/* ---- login: rowdata and pairing code ---------------------------------------------------- */

int whapi_decode_rowdata(const json_t *j, wh_rowdata *out)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(j))
        return -1;
    text_sanitize(str(j, "status"), out->status, sizeof out->status);
    const char *qr = str(j, "rowdata");
    /* One with control bytes is not a WhatsApp QR, and line mode prints the text (--json). */
    out->qr_unprintable = qr && !qr_text_ok(qr);
    if (qr && strlen(qr) <= WH_QR_MAX && !out->qr_unprintable)
        memcpy(out->qr, qr, strlen(qr) + 1);
    json_t *exp = json_object_get(j, "expire");
    if (json_is_number(exp) && json_number_value(exp) > 0)
        out->expires_in_ms = duration_ms_from_s(json_number_value(exp), DURATION_QR_MAX_MS);
    return 0;
}

int whapi_code_normalise(const char *in, char out[WH_CODE_SIZE])
{
    /* Liberal on purpose: api-notes says Crockford base32, but Baileys' pairing alphabet has
     * an L; any letter or digit is shown, anything else (punctuation, controls) is refused. */
    static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    size_t len = in ? strlen(in) : 0;
    if (len != 8 && !(len == 9 && in[4] == '-'))
        return -1;
    for (size_t i = 0, k = 0; i < len; i++) {
        if (len == 9 && i == 4)
            continue;
        char c = (char)toupper((unsigned char)in[i]);
        if (!c || !strchr(alnum, c))
            return -1;
        out[k < 4 ? k : k + 1] = c;
        k++;
    }
    out[4] = '-';
    out[9] = '\0';
    return 0;
}

int whapi_decode_code(const json_t *j, char out[WH_CODE_SIZE])
{
    const char *code = json_is_string(j) ? json_string_value(j) : str(j, "code");
    if (!code)
        code = str(j, "pairing_code");
    return whapi_code_normalise(code, out);
}

/* ---- manager: channels and projects ----------------------------------------------------- */

/* A millisecond timestamp; left out when it is not a sane number. */
static void set_ms(json_t *o, const char *key, json_t *v)
{
    double d = json_is_number(v) ? json_number_value(v) : -1;
    if (d >= 0 && d <= MS_MAX)
        json_object_set_new(o, key, json_integer((json_int_t)d));
}

static void set_opt(json_t *o, const char *key, const char *val)
{
    if (val)
        set_clean(o, key, val);
}

/* `server` is a number in the seed; a string is kept (sanitized) in case it changes. */
static void set_server(json_t *o, json_t *v)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) < 1000000)
        json_object_set_new(o, "server", json_integer(json_integer_value(v)));
    else if (json_is_string(v))
        set_clean(o, "server", json_string_value(v));
}

static void set_phone(json_t *o, json_t *v)
{
    char digits[32];
    if (json_is_string(v))
        set_clean(o, "phone", json_string_value(v));
    else if (json_is_integer(v) && json_integer_value(v) > 0) {
        snprintf(digits, sizeof digits, "%lld", (long long)json_integer_value(v));
        json_object_set_new(o, "phone", json_string(digits));
    }
}

json_t *whapi_decode_channel(const json_t *j)
{
    const char *id = str(j, "id"), *status = str(j, "status");
    if (!id_ok(id))
        return NULL;
    json_t *c = json_object();
    int stopped = json_is_true(json_object_get(j, "stopped"));
    set_clean(c, "id", id);
    set_clean(c, "name", str(j, "name") ? str(j, "name") : "");
    json_object_set_new(c, "type", json_string("whatsapp"));
    set_phone(c, json_object_get(j, "phone"));
    json_object_set_new(c, "active", json_boolean(status && !strcmp(status, "active") && !stopped));
    set_opt(c, "mode", str(j, "mode"));
    set_opt(c, "status", status);
    json_object_set_new(c, "stopped", json_boolean(stopped));
    set_ms(c, "active_till", json_object_get(j, "activeTill"));
    set_ms(c, "trial", json_object_get(j, "trial"));
    set_ms(c, "created", json_object_get(j, "creationTS"));
    set_opt(c, "project_id", str(j, "projectId"));
    set_opt(c, "owner_id", str(j, "ownerId"));
    set_server(c, json_object_get(j, "server"));
    set_opt(c, "api_url", str(j, "apiUrl"));
    return c;
}

/* The list itself, or the array under `key`; NULL for any other shape. */
static const json_t *list_of(const json_t *j, const char *key)
{
    const json_t *a = json_is_array(j) ? j : json_object_get(j, key);
    return json_is_array(a) ? a : NULL;
}

json_t *whapi_decode_channels(const json_t *j, const char *project_id)
{
    const json_t *list = list_of(j, "channels");
    if (!list)
        return NULL;
    json_t *out = json_array(), *item;
    size_t i;
    json_array_foreach(list, i, item)
    {
        const char *proj = str(item, "projectId");
        if (project_id && (!proj || strcmp(proj, project_id)))
            continue;
        json_t *c = whapi_decode_channel(item);
        if (c)
            json_array_append_new(out, c);
    }
    return out;
}

json_t *whapi_decode_projects(const json_t *j)
{
    const json_t *list = list_of(j, "projects");
    if (!list)
        return NULL;
    json_t *out = json_array(), *item;
    size_t i;
    json_array_foreach(list, i, item)
    {
        const char *id = str(item, "id"), *name = str(item, "name");
        if (!id_ok(id))
            continue;
        json_t *p = json_object();
        set_clean(p, "id", id);
        set_clean(p, "name", name ? name : "");
        json_array_append_new(out, p);
    }
    return out;
}

const char *whapi_channel_token(const json_t *j)
{
    const char *t = str(j, "token");
    return t && secret_is_token_safe(t) ? t : NULL;
}

/* ---- errors and paths ------------------------------------------------------------------- */

int whapi_decode_error(const json_t *j, char *out, size_t n)
{
    json_t *err = json_object_get(j, "error");
    const char *msg = json_is_string(err) ? json_string_value(err) : str(err, "message");
    const char *details = str(err, "details");
    json_t *code = json_object_get(err, "code");
    char raw[600], num[32] = "";
    if (!msg)
        return -1;
    if (json_is_integer(code))
        snprintf(num, sizeof num, "%lld: ", (long long)json_integer_value(code));
    else if (json_is_string(code))
        snprintf(num, sizeof num, "%.24s: ", json_string_value(code));
    if (details && *details && strcmp(details, msg))
        snprintf(raw, sizeof raw, "%s%s (%s)", num, msg, details);
    else
        snprintf(raw, sizeof raw, "%s%s", num, msg);
    text_sanitize(raw, out, n);
    return 0;
}

int whapi_channel_path(char *out, size_t n, const char *id, const char *suffix)
{
    static const char hex[] = "0123456789ABCDEF";
    char buf[3 * ID_MAX + 1];
    size_t k = 0;
    if (!id || !*id || !strcmp(id, ".") || !strcmp(id, "..") || strlen(id) > ID_MAX)
        return -1;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        if (*p <= 0x20 || *p == 0x7f || strchr("/?#", *p))
            return -1;
        if ((*p < 0x80 && isalnum(*p)) || strchr("-._~", *p)) {
            buf[k++] = (char)*p;
        } else {
            buf[k++] = '%';
            buf[k++] = hex[*p >> 4];
            buf[k++] = hex[*p & 15];
        }
    }
    buf[k] = '\0';
    int w = snprintf(out, n, "/channels/%s%s", buf, suffix ? suffix : "");
    return w < 0 || (size_t)w >= n ? -1 : 0;
}
