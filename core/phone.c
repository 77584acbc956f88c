/* phone.c: typed phone numbers to E.164 digits, with the ambiguities that matter said aloud. */
#include "phone.h"
#include "i18n.h"

#include <stdio.h>
#include <string.h>

/* One country: calling code, national trunk prefix (NULL = none), national number length. */
typedef struct phone_rule {
    char iso[3];
    const char *cc;
    const char *trunk;
    unsigned char nmin, nmax;
} phone_rule;

/* The Americas, Spain and Portugal. NANP countries share +1; the first row stands for +1. */
static const phone_rule rules[] = {
    {"US", "1", "1", 10, 10},  {"CA", "1", "1", 10, 10},   {"PR", "1", "1", 10, 10},
    {"DO", "1", "1", 10, 10},  {"MX", "52", NULL, 10, 11}, {"BR", "55", "0", 10, 11},
    {"AR", "54", "0", 10, 13}, {"CO", "57", NULL, 8, 10},  {"CL", "56", NULL, 8, 9},
    {"PE", "51", "0", 8, 9},   {"VE", "58", "0", 10, 10},  {"EC", "593", "0", 8, 9},
    {"BO", "591", "0", 8, 8},  {"PY", "595", "0", 7, 9},   {"UY", "598", "0", 8, 8},
    {"CR", "506", NULL, 8, 8}, {"PA", "507", NULL, 7, 8},  {"GT", "502", NULL, 8, 8},
    {"SV", "503", NULL, 8, 8}, {"HN", "504", NULL, 8, 8},  {"NI", "505", NULL, 8, 8},
    {"CU", "53", "0", 6, 8},   {"HT", "509", NULL, 8, 8},  {"GY", "592", NULL, 7, 7},
    {"SR", "597", NULL, 6, 7}, {"BZ", "501", NULL, 7, 7},  {"ES", "34", NULL, 9, 9},
    {"PT", "351", NULL, 9, 9},
};
#define NRULES (sizeof rules / sizeof rules[0])

#define DIGITS_MAX 40 /* kept while scanning; more is "too many" anyway */

/* What the scan of the typed text found. */
typedef struct scanned {
    char d[DIGITS_MAX + 1];
    size_t n;
    int plus;  /* a leading '+' */
    int paren; /* an area code in parentheses: a national form */
} scanned;

static hd_status refuse(const char *msg, char *why, size_t whysz)
{
    if (why && whysz)
        snprintf(why, whysz, "%s", msg);
    return HD_ERR_USAGE;
}

static const phone_rule *rule_of_country(const char *iso)
{
    for (size_t i = 0; iso && i < NRULES; i++)
        if (!strcmp(rules[i].iso, iso))
            return &rules[i];
    return NULL;
}

/* The rule whose calling code starts the digits; for +1 the default country's when it is a
   NANP one (so a Canadian profile says CA). NULL if the code is not one we know. */
static const phone_rule *rule_of_digits(const char *d, const phone_rule *def)
{
    if (def && !strncmp(d, def->cc, strlen(def->cc)))
        return def;
    for (size_t i = 0; i < NRULES; i++)
        if (!strncmp(d, rules[i].cc, strlen(rules[i].cc)))
            return &rules[i];
    return NULL;
}

/* Separators people type between digit groups. */
static int is_separator(char c)
{
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/';
}

static hd_status scan(const char *t, scanned *s, char *why, size_t whysz)
{
    memset(s, 0, sizeof *s);
    while (*t == ' ')
        t++;
    if (*t == '+') {
        s->plus = 1;
        t++;
    }
    for (; *t; t++) {
        unsigned char c = (unsigned char)*t;
        if (c >= '0' && c <= '9') {
            if (s->n < DIGITS_MAX)
                s->d[s->n] = (char)c;
            s->n++;
        } else if (c == '+') {
            return refuse(_("'+' goes only at the start, before the country code"), why, whysz);
        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
            return refuse(_("the phone has letters: type digits only (spaces, dashes, dots and "
                            "parentheses are fine)"),
                          why, whysz);
        } else if (!is_separator((char)c)) {
            return refuse(_("the phone has a character that is not a digit 0-9: type digits "
                            "only (spaces, dashes, dots and parentheses are fine)"),
                          why, whysz);
        }
        s->paren |= c == '(';
    }
    s->d[s->n < DIGITS_MAX ? s->n : DIGITS_MAX] = '\0';
    return HD_OK;
}

/* The national number after +54 without the mobile 9: 10 digits, or 12 with the local 15
   after a 2-4 digit area code. Returns the offset of that 15, 0 for none, -1 if it fits not. */
static int ar_fifteen(const char *nsn, size_t n)
{
    if (n == 10)
        return 0;
    if (n != 12)
        return -1;
    for (int a = 2; a <= 4; a++)
        if (!strncmp(nsn + a, "15", 2))
            return a;
    return -1;
}

/* 1 if nsn is a national number of the rule's length (and shape, where one is known). */
static int fits(const phone_rule *r, const char *nsn)
{
    size_t n = strlen(nsn);
    if (n < r->nmin || n > r->nmax || nsn[0] == '0')
        return 0;
    if (!strcmp(r->cc, "1"))
        return nsn[0] >= '2'; /* NANP area codes start 2..9 */
    if (!strcmp(r->iso, "MX"))
        return n == 10 || nsn[0] == '1';
    if (!strcmp(r->iso, "AR"))
        return nsn[0] == '9' ? ar_fifteen(nsn + 1, n - 1) >= 0 : ar_fifteen(nsn, n) >= 0;
    return 1;
}

static unsigned warnings_of(const phone_rule *r, const char *nsn)
{
    size_t n = strlen(nsn);
    if (!strcmp(r->iso, "BR"))
        return n == 10 && nsn[2] >= '6' ? PHONE_WARN_BR_NINTH : 0;
    if (!strcmp(r->iso, "MX"))
        return n == 11 ? PHONE_WARN_MX_ONE : 0;
    if (strcmp(r->iso, "AR") != 0)
        return 0;
    int nine = nsn[0] == '9';
    const char *s = nsn + nine;
    size_t sn = n - (size_t)nine;
    if (sn == 12 || (sn == 10 && !strncmp(s, "15", 2)))
        return PHONE_WARN_AR_15;
    return nine ? 0 : PHONE_WARN_AR_NINE;
}

static hd_status length_refusal(const phone_rule *r, int maybe_national, char *why, size_t whysz)
{
    char msg[400];
    int w = r->nmin == r->nmax ? snprintf(msg, sizeof msg,
                                          _("a number with +%s has %d digits after the country "
                                            "code"),
                                          r->cc, r->nmax)
                               : snprintf(msg, sizeof msg,
                                          _("a number with +%s has %d to %d digits after the "
                                            "country code"),
                                          r->cc, r->nmin, r->nmax);
    if (maybe_national && w > 0 && (size_t)w < sizeof msg)
        snprintf(msg + w, sizeof msg - (size_t)w, " (%s)",
                 _("if it is a national number, type it with + and the country code, or set the "
                   "profile's country"));
    return refuse(msg, why, whysz);
}

/* d: every digit, calling code first. */
static hd_status take_international(const char *d, const phone_rule *def, int maybe_national,
                                    phone_number *out, char *why, size_t whysz)
{
    size_t n = strlen(d);
    if (d[0] == '0')
        return refuse(_("after + (or 00) comes the country code, which never starts with 0"), why,
                      whysz);
    if (n > PHONE_E164_MAX)
        return refuse(_("the phone has too many digits: at most 15 with the country code"), why,
                      whysz);
    if (n < 8)
        return refuse(_("the phone has too few digits: at least 8 with the country code"), why,
                      whysz);
    const phone_rule *r = rule_of_digits(d, def);
    if (r && !fits(r, d + strlen(r->cc)))
        return length_refusal(r, maybe_national, why, whysz);
    snprintf(out->e164, sizeof out->e164, "%s", d);
    if (r) {
        snprintf(out->country, sizeof out->country, "%s", r->iso);
        out->cc_len = (int)strlen(r->cc);
        out->warnings = warnings_of(r, d + out->cc_len);
    }
    return HD_OK;
}

static hd_status national_refusal(const char *country, char *why, size_t whysz)
{
    char msg[400];
    if (country && *country)
        snprintf(msg, sizeof msg,
                 _("hubdesk does not know the national numbers of %s: type the "
                   "number with + and the country code"),
                 country);
    else
        snprintf(msg, sizeof msg, "%s",
                 _("this is a national number: type it with + and the "
                   "country code (e.g. +55 11 98765-4321), or set the "
                   "profile's country (profile edit NAME --country BR)"));
    return refuse(msg, why, whysz);
}

/* Digits typed without '+' or '00', read with the default country r (which may be NULL). */
static hd_status take_national(const scanned *s, const char *country, const phone_rule *r,
                               phone_number *out, char *why, size_t whysz)
{
    int forced = s->paren || s->d[0] == '0'; /* a trunk 0 or (area): surely national */
    char full[DIGITS_MAX + 8];
    if (!r)
        return forced ? national_refusal(country, why, whysz)
                      : take_international(s->d, NULL, 1, out, why, whysz);
    size_t ccn = strlen(r->cc);
    if (!forced && !strncmp(s->d, r->cc, ccn) && s->n <= PHONE_E164_MAX && fits(r, s->d + ccn))
        return take_international(s->d, r, 0, out, why, whysz);
    const char *nsn = s->d;
    if (r->trunk && !strncmp(nsn, r->trunk, strlen(r->trunk)))
        nsn += strlen(r->trunk);
    if (fits(r, nsn)) {
        snprintf(full, sizeof full, "%s%s", r->cc, nsn);
        return take_international(full, r, 0, out, why, whysz);
    }
    if (!forced)
        return take_international(s->d, r, 1, out, why, whysz);
    if (nsn[0] == '0' && !r->trunk) {
        char msg[300];
        snprintf(msg, sizeof msg,
                 _("numbers in %s do not start with 0: type the number without "
                   "the 0, or with + and the country code"),
                 r->iso);
        return refuse(msg, why, whysz);
    }
    return length_refusal(r, 0, why, whysz);
}

hd_status phone_parse(const char *typed, const char *country, phone_number *out, char *why,
                      size_t whysz)
{
    scanned s;
    char cc[3];
    memset(out, 0, sizeof *out);
    if (why && whysz)
        *why = '\0';
    if (!typed || !*typed)
        return refuse(_("enter the phone: country code and number (e.g. +55 11 98765-4321)"), why,
                      whysz);
    if (strlen(typed) > PHONE_TYPED_MAX)
        return refuse(_("the phone is longer than 64 characters"), why, whysz);
    if (scan(typed, &s, why, whysz) != HD_OK)
        return HD_ERR_USAGE;
    if (!s.n)
        return refuse(_("the phone has no digits: type the country code and number"), why, whysz);
    if (s.n > DIGITS_MAX)
        return refuse(_("the phone has too many digits: at most 15 with the country code"), why,
                      whysz);
    if (phone_country_norm(country ? country : "", cc) < 0)
        cc[0] = '\0';
    const phone_rule *def = rule_of_country(cc);
    hd_status st;
    if (s.plus)
        st = take_international(s.d, def, 0, out, why, whysz);
    else if (!strncmp(s.d, "00", 2))
        st = take_international(s.d + 2, def, 0, out, why, whysz);
    else
        st = take_national(&s, cc, def, out, why, whysz);
    if (st != HD_OK)
        memset(out, 0, sizeof *out);
    return st;
}

char *phone_warnings_text(unsigned warnings, char *out, size_t outsz)
{
    static const struct {
        unsigned bit;
        const char *text;
    } words[] = {
        {PHONE_WARN_BR_NINTH,
         N_("Brazilian mobile numbers have 9 digits after the area code and this one has 8: if "
            "it is a mobile, it may need a 9 in front (+55 AA 9XXXX-XXXX). Kept as typed.")},
        {PHONE_WARN_MX_ONE,
         N_("The 1 after +52 is Mexico's old mobile prefix, dropped in 2019: WhatsApp may know "
            "the number without it. Kept as typed.")},
        {PHONE_WARN_AR_NINE,
         N_("Argentine mobile numbers take a 9 after +54 on WhatsApp (+54 9 11 ...): if this is "
            "a mobile, type the 9. Kept as typed.")},
        {PHONE_WARN_AR_15,
         N_("15 is Argentina's local mobile prefix: WhatsApp wants +54 9, the area code and the "
            "number without the 15. Kept as typed.")},
    };
    size_t used = 0;
    if (outsz)
        *out = '\0';
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (!(warnings & words[i].bit) || used >= outsz)
            continue;
        int w = snprintf(out + used, outsz - used, "%s%s", used ? " " : "", _(words[i].text));
        used = w < 0 ? outsz : used + (size_t)w;
    }
    return out;
}

char *phone_display(const phone_number *p, char *out, size_t outsz)
{
    const char *nsn = p->e164 + p->cc_len;
    size_t n = strlen(nsn);
    if (!outsz)
        return out;
    if (!p->e164[0])
        *out = '\0';
    else if (!p->cc_len)
        snprintf(out, outsz, "+%s", p->e164);
    else if (!strcmp(p->country, "BR") && n >= 10) /* +55 AA NNNNN-NNNN */
        snprintf(out, outsz, "+55 %.2s %.*s-%s", nsn, (int)(n - 6), nsn + 2, nsn + n - 4);
    else if (!strcmp(p->country, "AR") && nsn[0] == '9')
        snprintf(out, outsz, "+54 9 %s", nsn + 1);
    else if (!strcmp(p->country, "MX") && n == 11)
        snprintf(out, outsz, "+52 1 %s", nsn + 1);
    else
        snprintf(out, outsz, "+%.*s %s", p->cc_len, p->e164, nsn);
    return out;
}

hd_status phone_hub_form(const char *typed, const char *country, int plus, char *out, size_t outsz,
                         char *warn, size_t warnsz, char *why, size_t whysz)
{
    phone_number p;
    if (warn && warnsz)
        *warn = '\0';
    if (outsz)
        *out = '\0';
    if (phone_parse(typed, country, &p, why, whysz) != HD_OK)
        return HD_ERR_USAGE;
    if ((size_t)snprintf(out, outsz, "%s%s", plus ? "+" : "", p.e164) >= outsz)
        return refuse(_("the phone has too many digits: at most 15 with the country code"), why,
                      whysz);
    if (warn && warnsz)
        phone_warnings_text(p.warnings, warn, warnsz);
    return HD_OK;
}

int phone_country_norm(const char *in, char out[3])
{
    out[0] = '\0';
    if (!in || !*in)
        return 0;
    for (int i = 0; i < 2; i++) {
        char c = in[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return -1;
    }
    if (in[2] != '\0')
        return -1;
    out[0] = (char)(in[0] & ~0x20);
    out[1] = (char)(in[1] & ~0x20);
    out[2] = '\0';
    return 0;
}

int phone_country_known(const char *country)
{
    char cc[3];
    return phone_country_norm(country, cc) == 0 && rule_of_country(cc) != NULL;
}
