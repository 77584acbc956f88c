/* phone.h: phone numbers as people type them, made into the E.164 digits a hub wants.
 *
 * Pure: no I/O, no allocation. Only the rules hubdesk's users meet are known (the Americas,
 * Spain and Portugal: calling code, national trunk prefix, national number length); any other
 * calling code is taken with the plain E.164 bounds (8 to 15 digits).
 *
 * Why not libphonenumber (Debian libphonenumber-dev): it is C++ (plus protobuf, boost and
 * abseil) for a C program whose core links no C++; its metadata knows every range of every
 * country, but WhatsApp onboarding needs only "which country, which national form", and the
 * three ambiguities that matter here (Brazil's ninth digit, Mexico's '1', Argentina's '9' and
 * '15') are exactly where libphonenumber validity does not tell an agent what WhatsApp expects.
 * A table of a few dozen rows that the unit tests cover is easier to keep.
 *
 * Nothing is ever rewritten silently: the digits typed are kept (only separators, the '+' or
 * '00', and a national trunk prefix are dropped, and a default country's code is added to a
 * national number); where a country's rules are ambiguous a warning says so and the number
 * stays as typed.
 */
#ifndef HD_PHONE_H
#define HD_PHONE_H

#include <stddef.h>

#include "status.h"

#define PHONE_E164_MAX 15  /* digits, calling code included (ITU-T E.164) */
#define PHONE_TYPED_MAX 64 /* bytes of typed text looked at; longer is refused */

/* Ambiguities, as bits of phone_number.warnings. The number is never changed for them. */
enum {
    PHONE_WARN_BR_NINTH = 1 << 0, /* +55: 8-digit mobile subscriber, may need the 9 */
    PHONE_WARN_MX_ONE = 1 << 1,   /* +52 1 ...: the old mobile '1' */
    PHONE_WARN_AR_NINE = 1 << 2,  /* +54 without the mobile '9' */
    PHONE_WARN_AR_15 = 1 << 3,    /* Argentina's local mobile prefix 15 kept in the number */
};

typedef struct phone_number {
    char e164[PHONE_E164_MAX + 1]; /* digits only, calling code first, no '+'; "" if refused */
    char country[3];               /* ISO 3166 alpha-2 of a known calling code, else "" */
    int cc_len;                    /* digits of the calling code at the start of e164 */
    unsigned warnings;             /* PHONE_WARN_* bits */
} phone_number;

/*
 * Reads a phone as typed: digits with spaces, dashes, dots, slashes and parentheses; an
 * international form with a leading '+' or '00'; or a national form (a trunk '0' or '1', or
 * an area code in parentheses) when `country` (ISO alpha-2, any case; NULL or "" = none)
 * names a country whose rules are known. Digits without '+' are the international form
 * the hubs take (5511987654321) when there is no default country, or when they start with
 * the default country's own code and fit; else they are read as national when they fit the
 * default country, and as international last. A foreign number is best typed with '+'.
 * HD_OK with *out filled, or HD_ERR_USAGE with a translated sentence in why (letters, other
 * characters, too few or too many digits, a national number without a known country) and
 * out->e164 "". why may be NULL.
 */
hd_status phone_parse(const char *typed, const char *country, phone_number *out, char *why,
                      size_t whysz);

/* The translated sentences of the warning bits, joined by spaces, into out ("" for none).
   Returns out. */
char *phone_warnings_text(unsigned warnings, char *out, size_t outsz);

/* The number for people: "+55 11 98765-4321" (Brazil), "+54 9 11 2345-6789" (Argentina),
   "+CC national" elsewhere. Returns out ("" for a refused number). */
char *phone_display(const phone_number *p, char *out, size_t outsz);

/*
 * What a hub's field gets from what was typed: phone_parse, then the digits, with a '+' in
 * front when `plus` (HydraCore's display phone, SMS) and without (WhatsApp ids, pairing
 * codes). HD_OK with the form in out and the warnings' text in warn (may be NULL; "" for
 * none), or HD_ERR_USAGE with why, as phone_parse.
 */
hd_status phone_hub_form(const char *typed, const char *country, int plus, char *out, size_t outsz,
                         char *warn, size_t warnsz, char *why, size_t whysz);

/*
 * A country as a profile keeps it: two ASCII letters, upper-cased into out[3]. 0, or -1 (out
 * ""). "" in gives "" out and 0 (no country).
 */
int phone_country_norm(const char *in, char out[3]);

/* 1 if the country's national numbers are known here (BR, AR, MX, US, ES...), else 0. */
int phone_country_known(const char *country);

#endif
