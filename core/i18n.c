/* i18n.c: locale, catalogs and the language the user chose. */
#include "i18n.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wctype.h>

static int terminal_utf8;
static char user_ctype[64] = "C";

const char *i18n_take_lang_arg(int *argc, char **argv, int *missing)
{
    const char *value = NULL;
    int out = 1;
    *missing = 0;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0) { /* the rest are operands, kept as they are */
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        if (strncmp(argv[i], "--lang=", 7) == 0) {
            value = argv[i] + 7;
            continue;
        }
        if (strcmp(argv[i], "--lang") == 0) {
            if (i + 1 >= *argc) {
                *missing = 1;
                continue;
            }
            value = argv[++i];
            continue;
        }
        argv[out++] = argv[i];
    }
    *argc = out;
    argv[out] = NULL;
    return value;
}

/* "pt-BR" and "pt_BR.UTF-8" name the same language as "pt_BR": compare up to '.' or '@'. */
static int names_lang(const char *name, const char *lang, int any_region)
{
    size_t n = strlen(lang);
    for (size_t i = 0; i < n; i++) {
        char c = name[i] == '-' ? '_' : name[i];
        if (!c || strncasecmp(&c, lang + i, 1))
            return 0;
    }
    char next = name[n];
    if (!any_region)
        return next == '\0' || next == '.' || next == '@';
    return next == '\0' || next == '.' || next == '@' || next == '_' || next == '-';
}

const char *i18n_language_code(const char *name)
{
    if (!name || !*name)
        return NULL;
    if (names_lang(name, "pt", 1)) /* pt_PT readers read Brazilian Portuguese too */
        return "pt_BR";
    if (names_lang(name, "es", 1))
        return "es";
    if (names_lang(name, "en", 1) || !strcmp(name, "C") || !strcmp(name, "POSIX"))
        return "en";
    return NULL;
}

static int codeset_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

static int is_c_locale(const char *name)
{
    return !name || !strcmp(name, "C") || !strcmp(name, "POSIX");
}

/* C.UTF-8 is built into glibc 2.35 and later; older systems spell it C.utf8 or lack it. */
static int set_c_utf8(int category)
{
    return setlocale(category, "C.UTF-8") != NULL || setlocale(category, "C.utf8") != NULL;
}

/* A catalog is in use when gettext("") returns its header. */
static int catalog_loaded(void)
{
    static const char header_msgid[] = ""; /* a variable: xgettext must not extract it */
    const char *h = gettext(header_msgid);
    return h && *h;
}

/* The locales that may exist for a language, for a glibc that ignores LANGUAGE. */
static int set_messages_locale(const char *lang)
{
    static const char *const es[] = {"es_ES.UTF-8", "es_MX.UTF-8", "es_AR.UTF-8", "es_US.UTF-8",
                                     NULL};
    static const char *const pt[] = {"pt_BR.UTF-8", "pt_PT.UTF-8", NULL};
    for (const char *const *l = strcmp(lang, "es") == 0 ? es : pt; *l; l++)
        if (setlocale(LC_MESSAGES, *l)) {
            textdomain(HD_TEXTDOMAIN); /* drops gettext's cached lookups */
            if (catalog_loaded())
                return 0;
        }
    return -1;
}

static int apply_language(const char *lang, const char *dir, char *err, size_t n)
{
    /* LANGUAGE outranks LC_MESSAGES in gettext, but glibc ignores it in the C locale. */
    if (setenv("LANGUAGE", lang, 1) < 0)
        return snprintf(err, n, "%s", _("cannot set LANGUAGE")), -1;
    if (strcmp(lang, "en") == 0)
        return 0;
    if (is_c_locale(setlocale(LC_MESSAGES, NULL)))
        set_c_utf8(LC_MESSAGES);
    textdomain(HD_TEXTDOMAIN);
    if (catalog_loaded() || set_messages_locale(lang) == 0)
        return 0;
    snprintf(err, n, _("no %s translation in %s: messages stay in English"), lang, dir);
    return -1;
}

/* The value POSIX gives a category: LC_ALL, else LC_xxx, else LANG; "" when none is set. */
static const char *locale_env(const char *category_var)
{
    const char *names[] = {"LC_ALL", category_var, "LANG"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = getenv(names[i]);
        if (v && *v)
            return v;
    }
    return "";
}

/* "es_AR.UTF-8" says UTF-8; "pt_BR" alone does not. */
static int name_says_utf8(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot && (strncasecmp(dot + 1, "UTF-8", 5) == 0 || strncasecmp(dot + 1, "utf8", 4) == 0);
}

/*
 * The language of a locale that is named but not installed (LANG=es_AR.UTF-8 on a server
 * without locales): setlocale refuses it and glibc would speak C. LANGUAGE first, as gettext.
 */
static const char *language_of_missing_locale(void)
{
    const char *language = getenv("LANGUAGE");
    char first[32];
    if (language && *language) {
        snprintf(first, sizeof first, "%.*s", (int)strcspn(language, ":"), language);
        if (i18n_language_code(first))
            return i18n_language_code(first);
    }
    return i18n_language_code(locale_env("LC_MESSAGES"));
}

int i18n_setup(const char *lang, const char *catalog_dir, char *err, size_t n)
{
    setlocale(LC_ALL, "C"); /* where a refused setlocale leaves it, whatever ran before */
    int installed = setlocale(LC_ALL, "") != NULL;
    const char *ctype = setlocale(LC_CTYPE, NULL);
    snprintf(user_ctype, sizeof user_ctype, "%s", ctype ? ctype : "C");
    terminal_utf8 = codeset_is_utf8();
    if (!installed && name_says_utf8(locale_env("LC_CTYPE"))) {
        snprintf(user_ctype, sizeof user_ctype, "%s", locale_env("LC_CTYPE"));
        terminal_utf8 = 1; /* the user said UTF-8; only the locale's data is missing */
    }
    if (!codeset_is_utf8() && is_c_locale(ctype))
        set_c_utf8(LC_CTYPE);
    /* glibc ignores LANGUAGE in C: C.UTF-8 keeps English but lets i18n_gettext_in switch. */
    if (is_c_locale(setlocale(LC_MESSAGES, NULL)))
        set_c_utf8(LC_MESSAGES);
    if (!lang && !installed)
        lang = language_of_missing_locale();
    bindtextdomain(HD_TEXTDOMAIN, catalog_dir);
    textdomain(HD_TEXTDOMAIN);
    if (err && n)
        err[0] = '\0';
    return lang ? apply_language(lang, catalog_dir, err, n) : 0;
}

void i18n_catalog_dir(const char *installed, char *out, size_t n)
{
    char exe[PATH_MAX];
    struct stat st;
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            if (snprintf(out, n, "%s/locale", exe) < (int)n && stat(out, &st) == 0 &&
                S_ISDIR(st.st_mode))
                return;
        }
    }
    snprintf(out, n, "%s", installed);
}

int i18n_terminal_utf8(void)
{
    return terminal_utf8;
}

int i18n_text_utf8(void)
{
    return codeset_is_utf8();
}

const char *i18n_locale_name(void)
{
    return user_ctype;
}

const char *i18n_pgettext(const char *ctx_msgid, const char *msgid)
{
    const char *t = gettext(ctx_msgid);
    return t == ctx_msgid ? msgid : t;
}

/*
 * gettext reads LANGUAGE at each lookup once the catalog cache is dropped (textdomain does),
 * so a lookup in another language is: swap LANGUAGE, look up, put it back. Translations are
 * in the mapped catalogs, which stay loaded: the pointer outlives the swap.
 */
const char *i18n_gettext_in(const char *lang, const char *msgid)
{
    const char *code = lang && *lang ? i18n_language_code(lang) : NULL;
    if (!code)
        return gettext(msgid);
    const char *was = getenv("LANGUAGE");
    char saved[64] = "";
    int had = was != NULL;
    if (had)
        snprintf(saved, sizeof saved, "%s", was);
    if (strcmp(code, "en") == 0) /* no English catalog: the msgid is the English */
        return msgid;
    if (had && strcmp(saved, code) == 0)
        return gettext(msgid);
    if (setenv("LANGUAGE", code, 1) < 0)
        return gettext(msgid);
    textdomain(HD_TEXTDOMAIN);
    const char *t = gettext(msgid);
    if (had)
        setenv("LANGUAGE", saved, 1);
    else
        unsetenv("LANGUAGE");
    textdomain(HD_TEXTDOMAIN);
    return t;
}

const char *i18n_agent_language(void)
{
    static const char header_msgid[] = ""; /* a variable: xgettext must not extract it */
    const char *h = gettext(header_msgid), *l = h ? strstr(h, "Language: ") : NULL;
    char code[16];
    if (!l)
        return "en";
    l += strlen("Language: ");
    snprintf(code, sizeof code, "%.*s", (int)strcspn(l, "\n"), l);
    const char *known = i18n_language_code(code);
    return known ? known : "en";
}

const char *i18n_language_endonym(const char *lang)
{
    const char *code = lang ? i18n_language_code(lang) : NULL;
    if (!code)
        return NULL;
    if (strcmp(code, "es") == 0)
        return "Espa\xC3\xB1ol";
    if (strcmp(code, "pt_BR") == 0)
        return "Portugu\xC3\xAAs (Brasil)";
    return "English";
}

int i18n_is_yes_key(wint_t ch)
{
    /* TRANSLATORS: the key that answers yes to a "y/N" question, one letter ("s" for "s/N"). */
    const char *key = C_("yes key", "y");
    wchar_t wk = 0;
    if (ch == L'y' || ch == L'Y')
        return 1;
    return mbtowc(&wk, key, strlen(key)) > 0 && wk != 0 && towlower(ch) == towlower((wint_t)wk);
}

int i18n_is_yes_line(const char *line)
{
    char word[32];
    size_t n = strcspn(line, "\r\n");
    if (n == 0 || n >= sizeof word)
        return 0;
    memcpy(word, line, n);
    word[n] = '\0';
    if (!strcasecmp(word, "y") || !strcasecmp(word, "yes"))
        return 1;
    /* TRANSLATORS: the words that answer yes in line mode, separated by "|" ("s|si|sí"). */
    const char *words = C_("yes words", "y|yes");
    for (const char *p = words; *p;) {
        size_t len = strcspn(p, "|");
        if (len == n && strncasecmp(p, word, n) == 0)
            return 1;
        p += len + (p[len] == '|');
    }
    return 0;
}
