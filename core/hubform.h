/* hubform.h: what the HubMessage and HydraCore drivers share: checks made before sending,
 * gathered per field so a form can show each next to its field, and keeping the secrets a
 * call carries out of whatever the hub says back. */
#ifndef HD_HUBFORM_H
#define HD_HUBFORM_H

#include <jansson.h>
#include <stddef.h>

#include "status.h"

#define HUBFORM_MSG_MAX 400
/* Shorter secrets are not looked for in the hub's words: "abc" would match ordinary text. */
#define HUBFORM_SECRET_MIN 6

typedef struct hubform {
    json_t *fields;                 /* {"field": sentence}; NULL while nothing is wrong */
    char message[HUBFORM_MSG_MAX];  /* every sentence, joined by "; " */
    int failed;                     /* set even when out of memory for `fields` */
} hubform;

/* Records why `field` is refused ("" = no particular field). The sentence is sanitized; the
 * first one per field wins. Returns HD_ERR_USAGE. */
hd_status hubform_refuse(hubform *f, const char *field, const char *why);

/* hubform_refuse(f, field, why) when st is not HD_OK; returns st. */
hd_status hubform_check(hubform *f, const char *field, hd_status st, const char *why);

/* Frees the fields and starts over. */
void hubform_clear(hubform *f);

/* Characters counted in valid UTF-8 (not bytes: names may be in any script); -1 if `s` is
 * not valid UTF-8 or holds control characters. `lines_ok` lets newlines and tabs through
 * (a message body). */
long hubform_text_len(const char *s, int lines_ok);

/*
 * 1 if `text` holds one of `secrets` (an array of n, NULL entries skipped; shorter than
 * HUBFORM_SECRET_MIN skipped). A hub that echoes a token back must not get it on screen.
 */
int hubform_quotes_secret(const char *text, const char *const *secrets, size_t n);

/* Replaces every message in a field-error object that quotes a secret with a sentence that
 * says so. */
void hubform_scrub_fields(json_t *fields, const char *const *secrets, size_t n);

#endif
