/* i18n.h: gettext macros, the language the user chose, and text that stays UTF-8 in any locale. */
#ifndef HD_I18N_H
#define HD_I18N_H

#include <libintl.h>
#include <stddef.h>
#include <wchar.h>

#define HD_TEXTDOMAIN "hubdesk"
#define _(s) gettext(s)
/* Marks a string for extraction where it must stay a constant (tables). */
#define N_(s) (s)
/* A string with a context, for words that are ambiguous alone ("y" the key, "y" the answer). */
#define C_(ctx, s) i18n_pgettext(ctx "\004" s, s)

/*
 * Removes the global option `--lang VALUE` or `--lang=VALUE` from argv (words after "--" are left
 * alone) and returns VALUE, or NULL when it is not there. A `--lang` without a value sets
 * *missing to 1. argv stays NULL-terminated.
 */
const char *i18n_take_lang_arg(int *argc, char **argv, int *missing);

/*
 * The catalog code for a language the user names ("es", "es_AR", "pt-BR", "pt", "en", "C"):
 * "es", "pt_BR" or "en"; NULL when hubdesk has no such language.
 */
const char *i18n_language_code(const char *name);

/*
 * Sets the locale from the environment and binds the catalogs in `catalog_dir`. A plain C or
 * POSIX character type becomes C.UTF-8, so text typed or received stays UTF-8 (a server with
 * LANG=C must not cut "São" to "S"); i18n_terminal_utf8() still reports what the user's locale
 * says about the terminal. `lang` ("es", "pt_BR", "en" from i18n_language_code, or NULL to follow
 * the locale) is applied even where glibc ignores LANGUAGE (a C locale). A locale that is named
 * but not installed (LANG=es_AR.UTF-8 on a server without locales) still gives its language and,
 * when it says so, UTF-8. Returns 0, or -1 with a message in err when the chosen language's
 * catalog cannot be found (English is used then).
 */
int i18n_setup(const char *lang, const char *catalog_dir, char *err, size_t n);

/*
 * The catalog directory to use: `<directory of the running program>/locale` when it exists (the
 * build tree, so `make demo` and the tests need no install), else `installed`.
 */
void i18n_catalog_dir(const char *installed, char *out, size_t n);

/* 1 when the locale the user set says the terminal speaks UTF-8 (before C became C.UTF-8). */
int i18n_terminal_utf8(void);

/* 1 when the character type is UTF-8, so typed text can hold any character. */
int i18n_text_utf8(void);

/* The name of the user's character-type locale, as set ("C", "es_ES.ISO-8859-1"), for messages. */
const char *i18n_locale_name(void);

/* The translation of `ctx_msgid` ("context\004msgid"), or `msgid` when there is none. */
const char *i18n_pgettext(const char *ctx_msgid, const char *msgid);

/*
 * `msgid` translated into `lang` ("es", "pt_BR", "en"), for words the customer reads (the phone
 * steps, the test message) when the customer's language is not the agent's. NULL or "" lang: the
 * agent's language (gettext). The result stays valid for the life of the process.
 */
const char *i18n_gettext_in(const char *lang, const char *msgid);

/* The language the agent reads: "es", "pt_BR" or "en" (the catalog in use, else English). */
const char *i18n_agent_language(void);

/* The name of a language in that language ("Español", "Português (Brasil)", "English"), or
   NULL for a code hubdesk does not have. Not translated: each reader finds their own. */
const char *i18n_language_endonym(const char *lang);

/* 1 when the key `ch` answers yes to a y/N question: y, Y, or the translated yes key. */
int i18n_is_yes_key(wint_t ch);

/* 1 when a typed line ("y\n", "yes", "sí", "sim") answers yes in English or the translation. */
int i18n_is_yes_line(const char *line);

#endif
