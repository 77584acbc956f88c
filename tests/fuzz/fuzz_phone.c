/* fuzz_phone.c: libFuzzer target: arbitrary bytes as a typed phone, with each kind of default
   country (none, one with a trunk prefix, one without, +1, one whose rules are unknown, junk).
   An accepted number is 8..15 ASCII digits not starting with 0 that reads back the same, with
   the same warnings, from its hub forms (with and without '+', no country): what the drivers
   and the "reads as" lines rely on. A refusal is a clean sentence and no digits. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phone.h"
#include "text.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_one(const char *typed, const char *country)
{
    phone_number p, back;
    char why[400], shown[64], warn[800], form[20];
    hd_status st = phone_parse(typed, country, &p, why, sizeof why);
    if (st != HD_OK) {
        CHECK(st == HD_ERR_USAGE && why[0] && text_is_clean(why) && p.e164[0] == '\0');
        return;
    }
    size_t n = strlen(p.e164);
    CHECK(n >= 8 && n <= PHONE_E164_MAX && strspn(p.e164, "0123456789") == n && p.e164[0] != '0');
    CHECK(p.cc_len >= 0 && p.cc_len <= 3);
    CHECK(text_is_clean(phone_display(&p, shown, sizeof shown)) && shown[0] == '+');
    CHECK(text_is_clean(phone_warnings_text(p.warnings, warn, sizeof warn)));
    for (int plus = 0; plus < 2; plus++) {
        CHECK(phone_hub_form(typed, country, plus, form, sizeof form, NULL, 0, why, sizeof why) ==
              HD_OK);
        CHECK(strcmp(form + plus, p.e164) == 0 && (!plus || form[0] == '+'));
        CHECK(phone_parse(form, NULL, &back, NULL, 0) == HD_OK);
        CHECK(strcmp(back.e164, p.e164) == 0 && back.warnings == p.warnings);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const countries[] = {NULL, "",   "BR", "ar", "MX",      "US",
                                            "ES", "PE", "ZZ", "B",  "\xc3\x9f"};
    char *typed = malloc(size + 1);
    if (!typed)
        return 0;
    memcpy(typed, data, size);
    typed[size] = '\0'; /* the fields and argv hand over C strings */
    for (size_t i = 0; i < sizeof countries / sizeof countries[0]; i++)
        check_one(typed, countries[i]);
    free(typed);
    return 0;
}
