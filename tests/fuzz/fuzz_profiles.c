/* fuzz_profiles.c: libFuzzer target: arbitrary bytes as a profiles.json, into the decoder that
   decides where each vault token is sent. Beyond not crashing: a list it accepts holds only
   profiles that pass profile_validate with clean labels, and it writes out and reads back to
   the very same text (one encoding per list, nothing lost or invented on the way). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "text.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* Every accepted profile is one we would have written ourselves. */
static void check_profiles(const profile_list *l)
{
    char err[512];
    for (size_t i = 0; i < l->n; i++) {
        const profile *p = &l->items[i];
        CHECK(profile_validate(p, err, sizeof err) == 0);
        CHECK(text_is_clean(p->label));
        CHECK(profile_find(l, p->name) == (int)i); /* names are unique */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    profile_list l, back;
    char err[1024];
    if (profile_parse((const char *)data, size, "fuzz", &l, err, sizeof err) != 0) {
        CHECK(l.n == 0 && l.items == NULL);
        CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
        return 0;
    }
    check_profiles(&l);
    char *text = profile_serialize(&l);
    CHECK(text != NULL);
    CHECK(profile_parse(text, strlen(text), "again", &back, err, sizeof err) == 0);
    CHECK(back.n == l.n);
    char *again = profile_serialize(&back);
    CHECK(again != NULL && strcmp(text, again) == 0);
    free(again);
    free(text);
    profile_list_free(&back);
    profile_list_free(&l);
    return 0;
}
