/* profile.c: the profile list: strict parsing of profiles.json text, edits, no secrets. */
#include "profile.h"
#include "http.h"
#include "i18n.h"
#include "phone.h"
#include "provider.h"
#include "text.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int name_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if ((unsigned char)s[n] < 0x21 || (unsigned char)s[n] > 0x7E)
            return 0;
    return n >= 1 && n <= PROFILE_NAME_MAX;
}

int profile_default_path(char *out, size_t n)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int w;
    if (xdg && xdg[0] == '/')
        w = snprintf(out, n, "%s/hubdesk/profiles.json", xdg);
    else if (home && home[0] == '/')
        w = snprintf(out, n, "%s/.config/hubdesk/profiles.json", home);
    else
        return -1;
    return w > 0 && (size_t)w < n ? 0 : -1;
}

int profile_validate(const profile *p, char *err, size_t errsz)
{
    if (!name_ok(p->name)) {
        snprintf(err, errsz, "%s", _("invalid profile name: use 1 to 64 visible ASCII characters, no spaces"));
        return -1;
    }
    if (!provider_find(p->provider)) {
        snprintf(err, errsz, _("profile %s: unknown provider"), p->name);
        return -1;
    }
    hd_status st = http_url_check(p->base_url);
    if (st != HD_OK) {
        snprintf(err, errsz, _("profile %s: %s"), p->name, hd_status_message(st));
        return -1;
    }
    if (p->gate_url[0] && (st = http_url_check(p->gate_url)) != HD_OK) {
        snprintf(err, errsz, _("profile %s: gate URL: %s"), p->name, hd_status_message(st));
        return -1;
    }
    if (!text_is_clean(p->label) || (p->secret[0] && !name_ok(p->secret))) {
        snprintf(err, errsz, _("profile %s: invalid label or secret name"), p->name);
        return -1;
    }
    if (p->customer_lang[0] && !profile_customer_lang_ok(p->customer_lang)) {
        snprintf(err, errsz, _("profile %s: customer_lang must be es, pt_BR or en"), p->name);
        return -1;
    }
    if (p->api_key_secret[0] && !name_ok(p->api_key_secret)) {
        snprintf(err, errsz, _("profile %s: invalid api_key_secret (a vault entry name: 1 to 64 "
                               "visible ASCII characters)"), p->name);
        return -1;
    }
    char cc[3];
    if (phone_country_norm(p->country, cc) < 0 || strcmp(cc, p->country) != 0) {
        snprintf(err, errsz, _("profile %s: the country is two letters (ISO 3166, e.g. BR, AR, "
                               "MX)"), p->name);
        return -1;
    }
    return 0;
}

int profile_customer_lang_ok(const char *lang)
{
    const char *code = i18n_language_code(lang);
    return code && strcmp(code, lang) == 0;
}

int profile_find(const profile_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Copies a JSON string field into a fixed buffer; -1 if present but not a fitting string. */
static int copy_field(json_t *o, const char *key, char *out, size_t n, int required)
{
    json_t *v = json_object_get(o, key);
    out[0] = '\0';
    if (!v)
        return required ? -1 : 0;
    if (!json_is_string(v) || json_string_length(v) >= n ||
        strlen(json_string_value(v)) != json_string_length(v))
        return -1;
    memcpy(out, json_string_value(v), json_string_length(v) + 1);
    return 0;
}

/* ---- remembered instances and channels ------------------------------------------------ */

/* 1..PROFILE_ITEM_ID_MAX visible ASCII: ids are typed as arguments and go into URLs. */
static int item_id_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if ((unsigned char)s[n] < 0x21 || (unsigned char)s[n] > 0x7E)
            return 0;
    return n >= 1 && n <= PROFILE_ITEM_ID_MAX;
}

/* Valid UTF-8 without C0/C1 controls or DEL, at most PROFILE_ITEM_NAME_MAX characters. */
static int item_name_ok(const char *s)
{
    size_t chars = 0;
    if (!text_is_clean(s))
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) /* U+0080..U+009F */
            return 0;
        chars += (*p & 0xC0) != 0x80;
    }
    return chars <= PROFILE_ITEM_NAME_MAX;
}

/* The canonical kind ("whatsapp") for a known one, any case; NULL if unknown. */
static const char *kind_canonical(const char *kind, int exact)
{
    const char *const *k = provider_channel_kinds();
    for (size_t i = 0; kind && k[i]; i++)
        if (exact ? !strcmp(k[i], kind) : !strcasecmp(k[i], kind))
            return k[i];
    return NULL;
}

static int list_name_ok(const char *list)
{
    return list && (!strcmp(list, "instances") || !strcmp(list, "channels"));
}

static void kinds_text(char *out, size_t n)
{
    const char *const *k = provider_channel_kinds();
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; k[i] && used < n; i++)
        used += (size_t)snprintf(out + used, n - used, "%s%s", i ? ", " : "", k[i]);
}

/* One remembered item, checked, as a fresh object {"id","name"[,"kind"]}; NULL with err. */
static json_t *parse_item(const json_t *o, const char *list, char *err, size_t errsz)
{
    const char *key;
    json_t *v;
    int channels = !strcmp(list, "channels");
    if (!json_is_object(o)) {
        snprintf(err, errsz, _("remembered %s: each item is an object {\"id\", \"name\"}"), list);
        return NULL;
    }
    json_object_foreach((json_t *)o, key, v) {
        if (strcmp(key, "id") && strcmp(key, "name") && !(channels && !strcmp(key, "kind"))) {
            char clean[40];
            text_sanitize(key, clean, sizeof clean);
            snprintf(err, errsz, _("remembered %s: unknown field '%s'"), list, clean);
            return NULL;
        }
    }
    json_t *id = json_object_get(o, "id"), *name = json_object_get(o, "name"),
           *kind = json_object_get(o, "kind");
    if (!json_is_string(id) || strlen(json_string_value(id)) != json_string_length(id) ||
        !item_id_ok(json_string_value(id))) {
        snprintf(err, errsz, _("remembered %s: an id is missing or is not 1 to 128 visible ASCII "
                               "characters"), list);
        return NULL;
    }
    if (name && !json_is_null(name) &&
        (!json_is_string(name) || strlen(json_string_value(name)) != json_string_length(name) ||
         !item_name_ok(json_string_value(name)))) {
        snprintf(err, errsz, _("remembered %s %s: the name is not a string of at most 128 "
                               "characters without control characters"), list,
                 json_string_value(id));
        return NULL;
    }
    if (kind && !json_is_null(kind) &&
        (!json_is_string(kind) || !kind_canonical(json_string_value(kind), 1))) {
        char known[200];
        kinds_text(known, sizeof known);
        snprintf(err, errsz, _("remembered channel %s: unknown kind (known: %s)"),
                 json_string_value(id), known);
        return NULL;
    }
    json_t *out = json_pack("{s:s,s:s}", "id", json_string_value(id), "name",
                            json_is_string(name) ? json_string_value(name) : "");
    if (out && json_is_string(kind))
        json_object_set_new(out, "kind", json_string(json_string_value(kind)));
    if (!out)
        snprintf(err, errsz, "%s", _("out of memory"));
    return out;
}

static json_t *find_item(const json_t *arr, const char *id, size_t *index)
{
    size_t i;
    json_t *it;
    json_array_foreach(arr, i, it) {
        if (!strcmp(json_string_value(json_object_get(it, "id")), id)) {
            if (index)
                *index = i;
            return it;
        }
    }
    return NULL;
}

/* "remembered" from the file into a fresh object; *out NULL when absent or empty. -1 with err. */
static int parse_remembered(const json_t *r, json_t **out, char *err, size_t errsz)
{
    static const char *const lists[] = {"instances", "channels"};
    const char *key;
    json_t *v;
    *out = NULL;
    if (!r || json_is_null(r))
        return 0;
    if (!json_is_object(r)) {
        snprintf(err, errsz, "%s", _("\"remembered\" must be an object {\"instances\": [...], "
                                     "\"channels\": [...]}"));
        return -1;
    }
    json_object_foreach((json_t *)r, key, v) {
        if (!list_name_ok(key)) {
            char clean[40];
            text_sanitize(key, clean, sizeof clean);
            snprintf(err, errsz, _("\"remembered\": unknown list '%s' (instances, channels)"), clean);
            return -1;
        }
    }
    json_t *res = json_object();
    if (!res)
        return -1;
    for (size_t l = 0; l < 2; l++) {
        json_t *arr = json_object_get(r, lists[l]), *item;
        size_t i;
        if (!arr || json_is_null(arr))
            continue;
        if (!json_is_array(arr)) {
            snprintf(err, errsz, _("remembered %s must be a list"), lists[l]);
            goto bad;
        }
        if (json_array_size(arr) > PROFILE_REMEMBER_MAX) {
            snprintf(err, errsz, _("remembered %s: more than %d items"), lists[l],
                     PROFILE_REMEMBER_MAX);
            goto bad;
        }
        json_t *clean = json_array();
        if (!clean || json_object_set_new(res, lists[l], clean) < 0)
            goto bad;
        json_array_foreach(arr, i, item) {
            json_t *one = parse_item(item, lists[l], err, errsz);
            if (!one)
                goto bad;
            if (find_item(clean, json_string_value(json_object_get(one, "id")), NULL)) {
                snprintf(err, errsz, _("remembered %s: %s appears twice"), lists[l],
                         json_string_value(json_object_get(one, "id")));
                json_decref(one);
                goto bad;
            }
            json_array_append_new(clean, one);
        }
    }
    *out = res;
    return 0;
bad:
    json_decref(res);
    return -1;
}

static int parse_one(json_t *o, profile *p, char *err, size_t errsz)
{
    memset(p, 0, sizeof *p);
    if (!json_is_object(o) || copy_field(o, "name", p->name, sizeof p->name, 1) < 0 ||
        copy_field(o, "provider", p->provider, sizeof p->provider, 1) < 0 ||
        copy_field(o, "base_url", p->base_url, sizeof p->base_url, 1) < 0 ||
        copy_field(o, "label", p->label, sizeof p->label, 0) < 0 ||
        copy_field(o, "gate_url", p->gate_url, sizeof p->gate_url, 0) < 0 ||
        copy_field(o, "secret", p->secret, sizeof p->secret, 0) < 0 ||
        copy_field(o, "api_key_secret", p->api_key_secret, sizeof p->api_key_secret, 0) < 0 ||
        copy_field(o, "customer_lang", p->customer_lang, sizeof p->customer_lang, 0) < 0 ||
        copy_field(o, "country", p->country, sizeof p->country, 0) < 0) {
        snprintf(err, errsz, "%s", _("a profile is missing name, provider or base_url, or has a field that is too long"));
        return -1;
    }
    if (!p->label[0])
        snprintf(p->label, sizeof p->label, "%s", p->name);
    char cc[3];
    if (phone_country_norm(p->country, cc) == 0) /* "br" typed by hand reads as "BR" */
        memcpy(p->country, cc, sizeof cc);
    if (profile_validate(p, err, errsz) < 0)
        return -1;
    char why[300];
    if (parse_remembered(json_object_get(o, "remembered"), &p->remembered, why, sizeof why) < 0) {
        snprintf(err, errsz, _("profile %s: %s"), p->name, why);
        return -1;
    }
    return 0;
}

static int parse_list(json_t *root, profile_list *out, char *err, size_t errsz)
{
    json_t *arr = json_object_get(root, "profiles");
    if (!json_is_object(root) || !json_is_array(arr)) {
        snprintf(err, errsz, "%s", _("expected {\"profiles\": [...]}"));
        return -1;
    }
    size_t n = json_array_size(arr);
    out->items = calloc(n ? n : 1, sizeof *out->items);
    if (!out->items)
        return -1;
    for (size_t i = 0; i < n; i++) {
        profile p;
        if (parse_one(json_array_get(arr, i), &p, err, errsz) < 0)
            return -1;
        if (profile_find(out, p.name) >= 0) {
            snprintf(err, errsz, _("profile %s appears twice"), p.name);
            profile_clear(&p);
            return -1;
        }
        out->items[out->n++] = p;
    }
    return 0;
}

int profile_parse(const char *buf, size_t len, const char *name, profile_list *out, char *err,
                  size_t errsz)
{
    char detail[256];
    json_error_t jerr;
    out->items = NULL;
    out->n = 0;
    if (len > PROFILE_FILE_MAX) {
        snprintf(err, errsz, _("%s is larger than 1 MiB; it was not changed"), name);
        return -1;
    }
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    int rc = -1;
    if (!root) {
        text_sanitize(jerr.text, detail, sizeof detail);
        snprintf(err, errsz, _("%s is not valid JSON (line %d: %s); fix or move it, it was not changed"),
                 name, jerr.line, detail);
    } else if (parse_list(root, out, detail, sizeof detail) < 0) {
        snprintf(err, errsz, _("%s: %s; fix or move it, it was not changed"), name, detail);
    } else {
        rc = 0;
    }
    json_decref(root);
    if (rc < 0)
        profile_list_free(out);
    return rc;
}

static json_t *list_to_json(const profile_list *l)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < l->n; i++) {
        const profile *p = &l->items[i];
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", p->name, "provider", p->provider,
                              "base_url", p->base_url, "label", p->label, "secret", p->secret);
        if (o && p->gate_url[0]) /* only when set: files stay as they were for other hubs */
            json_object_set_new(o, "gate_url", json_string(p->gate_url));
        if (o && p->api_key_secret[0])
            json_object_set_new(o, "api_key_secret", json_string(p->api_key_secret));
        if (o && p->customer_lang[0])
            json_object_set_new(o, "customer_lang", json_string(p->customer_lang));
        if (o && p->country[0])
            json_object_set_new(o, "country", json_string(p->country));
        json_t *inst = profile_remembered(p, "instances"), *chans = profile_remembered(p, "channels");
        if (o && (inst || chans)) {
            json_t *r = json_object();
            if (r && inst)
                json_object_set_new(r, "instances", json_deep_copy(inst));
            if (r && chans)
                json_object_set_new(r, "channels", json_deep_copy(chans));
            json_object_set_new(o, "remembered", r);
        }
        if (!o || json_array_append_new(arr, o) < 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return json_pack("{s:i,s:o}", "version", 1, "profiles", arr);
}

char *profile_serialize(const profile_list *l)
{
    json_t *root = list_to_json(l);
    char *text = root ? json_dumps(root, JSON_INDENT(2)) : NULL;
    json_decref(root);
    size_t n = text ? strlen(text) : 0;
    char *out = text ? realloc(text, n + 2) : NULL;
    if (!out) {
        free(text);
        return NULL;
    }
    memcpy(out + n, "\n", 2); /* a text file ends with a line break */
    return out;
}

int profile_add(profile_list *l, const profile *p, char *err, size_t errsz)
{
    if (profile_validate(p, err, errsz) < 0)
        return -1;
    if (profile_find(l, p->name) >= 0) {
        snprintf(err, errsz, _("a profile called %s already exists"), p->name);
        return -1;
    }
    profile copy;
    if (profile_copy(&copy, p) < 0) {
        snprintf(err, errsz, "%s", _("out of memory"));
        return -1;
    }
    profile *n = realloc(l->items, (l->n + 1) * sizeof *n);
    if (!n) {
        profile_clear(&copy);
        snprintf(err, errsz, "%s", _("out of memory"));
        return -1;
    }
    l->items = n;
    l->items[l->n++] = copy;
    return 0;
}

int profile_remove(profile_list *l, const char *name)
{
    int i = profile_find(l, name);
    if (i < 0)
        return -1;
    profile_clear(&l->items[i]);
    memmove(&l->items[i], &l->items[i + 1], (l->n - (size_t)i - 1) * sizeof *l->items);
    l->n--;
    return 0;
}

int profile_rename(profile_list *l, const char *from, const char *to, char *err, size_t errsz)
{
    int i = profile_find(l, from);
    if (i < 0) {
        snprintf(err, errsz, _("no profile called %s"), from);
        return -1;
    }
    if (!name_ok(to) || profile_find(l, to) >= 0) {
        snprintf(err, errsz, _("%s is not a valid, free profile name"), to);
        return -1;
    }
    snprintf(l->items[i].name, sizeof l->items[i].name, "%s", to);
    return 0;
}

void profile_list_free(profile_list *l)
{
    for (size_t i = 0; l->items && i < l->n; i++)
        profile_clear(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

int profile_copy(profile *dst, const profile *src)
{
    json_t *r = src->remembered ? json_deep_copy(src->remembered) : NULL;
    if (src->remembered && !r)
        return -1;
    *dst = *src;
    dst->remembered = r;
    return 0;
}

void profile_clear(profile *p)
{
    json_decref(p->remembered);
    p->remembered = NULL;
}

json_t *profile_remembered(const profile *p, const char *list)
{
    json_t *arr = list_name_ok(list) ? json_object_get(p->remembered, list) : NULL;
    return json_is_array(arr) && json_array_size(arr) ? arr : NULL;
}

int profile_remember(profile *p, const char *list, const char *id, const char *name,
                     const char *kind, char *err, size_t errsz)
{
    const char *canon = kind ? kind_canonical(kind, 0) : NULL;
    if (!list_name_ok(list)) {
        snprintf(err, errsz, "%s", _("internal error: the list is instances or channels"));
        return -1;
    }
    if (!id || !item_id_ok(id)) {
        snprintf(err, errsz, "%s", _("the id must be 1 to 128 visible ASCII characters (no "
                                     "spaces)"));
        return -1;
    }
    if (name && !item_name_ok(name)) {
        snprintf(err, errsz, "%s", _("the name must be at most 128 characters, without control "
                                     "characters"));
        return -1;
    }
    if (kind && (!canon || strcmp(list, "channels"))) {
        char known[200];
        kinds_text(known, sizeof known);
        if (canon)
            snprintf(err, errsz, "%s", _("only channels have a kind"));
        else
            snprintf(err, errsz, _("unknown channel kind '%s' (known: %s)"), kind, known);
        return -1;
    }
    if (!p->remembered && !(p->remembered = json_object()))
        goto oom;
    json_t *arr = json_object_get(p->remembered, list);
    if (!json_is_array(arr)) {
        if (!(arr = json_array()) || json_object_set_new(p->remembered, list, arr) < 0)
            goto oom;
    }
    json_t *it = find_item(arr, id, NULL);
    if (!it) {
        if (json_array_size(arr) >= PROFILE_REMEMBER_MAX) {
            snprintf(err, errsz, _("this profile already remembers %d %s: forget some first"),
                     PROFILE_REMEMBER_MAX, list);
            return -1;
        }
        if (!(it = json_pack("{s:s,s:s}", "id", id, "name", name ? name : "")) ||
            json_array_append_new(arr, it) < 0)
            goto oom;
    } else if (name && json_object_set_new(it, "name", json_string(name)) < 0) {
        goto oom;
    }
    if (canon && json_object_set_new(it, "kind", json_string(canon)) < 0)
        goto oom;
    return 0;
oom:
    snprintf(err, errsz, "%s", _("out of memory"));
    return -1;
}

int profile_forget(profile *p, const char *list, const char *id)
{
    size_t i;
    json_t *arr = profile_remembered(p, list);
    if (!arr || !id || !find_item(arr, id, &i))
        return -1;
    json_array_remove(arr, i);
    return 0;
}
