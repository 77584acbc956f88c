/* hubform.c: per-field checks before sending, and secrets kept out of the hub's words. */
#include "hubform.h"
#include "i18n.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

hd_status hubform_refuse(hubform *f, const char *field, const char *why)
{
    char clean[HUBFORM_MSG_MAX];
    size_t used = strlen(f->message);
    text_sanitize(why ? why : "", clean, sizeof clean);
    f->failed = 1;
    if (!f->fields)
        f->fields = json_object();
    /* One sentence per field: the first problem is the one to fix first. */
    if (f->fields && !json_object_get(f->fields, field ? field : "")) {
        json_object_set_new(f->fields, field ? field : "", json_string(clean));
        /* A message too long for the line is cut, on a character boundary (half a UTF-8
           character would garble the line): every field still has its own sentence. */
        if (used < sizeof f->message - 1) {
            char part[HUBFORM_MSG_MAX + 2];
            snprintf(part, sizeof part, "%s%s", used ? "; " : "", clean);
            text_sanitize(part, f->message + used, sizeof f->message - used);
        }
    } else if (!f->fields && !used) {
        snprintf(f->message, sizeof f->message, "%s", clean); /* out of memory: still say why */
    }
    return HD_ERR_USAGE;
}

hd_status hubform_check(hubform *f, const char *field, hd_status st, const char *why)
{
    if (st != HD_OK)
        hubform_refuse(f, field, why);
    return st;
}

void hubform_clear(hubform *f)
{
    json_decref(f->fields);
    memset(f, 0, sizeof *f);
}

long hubform_text_len(const char *s, int lines_ok)
{
    long chars = 0;
    char one[8];
    if (!s)
        return -1;
    for (const char *p = s; *p;) {
        /* One character at a time through text_is_clean, which knows valid UTF-8. */
        size_t n = 1;
        while (n < 4 && ((unsigned char)p[n] & 0xC0) == 0x80)
            n++;
        memcpy(one, p, n);
        one[n] = '\0';
        if (!(lines_ok && (*p == '\n' || *p == '\t')) && !text_is_clean(one))
            return -1;
        p += n;
        chars++;
    }
    return chars;
}

int hubform_quotes_secret(const char *text, const char *const *secrets, size_t n)
{
    for (size_t i = 0; text && i < n; i++)
        if (secrets[i] && strlen(secrets[i]) >= HUBFORM_SECRET_MIN && strstr(text, secrets[i]))
            return 1;
    return 0;
}

void hubform_scrub_fields(json_t *fields, const char *const *secrets, size_t n)
{
    const char *key;
    json_t *v;
    json_object_foreach(fields, key, v)
        if (hubform_quotes_secret(json_string_value(v), secrets, n))
            json_string_set(v, _("refused (the hub's words quoted a secret: not shown)"));
}
