/* cli_opt.c: getopt_long without abbreviations, and error names that never carry a value. */
#include "cli_opt.h"
#include "i18n.h"

#include <stdio.h>
#include <string.h>

/* "--name" of an argv word, without its "=value". */
static void word_name(const char *word, char name[CLI_OPT_NAME_MAX])
{
    snprintf(name, CLI_OPT_NAME_MAX, "%.*s", (int)strcspn(word, "="), word);
}

/* 1 if `word` is "--NAME" or "--NAME=..." for the option's full NAME. */
static int is_full_name(const char *word, const char *opt_name)
{
    size_t n = strlen(opt_name);
    return strncmp(word, "--", 2) == 0 && strncmp(word + 2, opt_name, n) == 0 &&
           (word[2 + n] == '\0' || word[2 + n] == '=');
}

/* 1 if `word` is "--" and a prefix of the option's name (maybe with "=..."): a word that can
   be named in an error, since its name part is the option table's text, not the user's. */
static int names_option(const char *word, const struct option *o)
{
    size_t n = strcspn(word, "=");
    return o && n > 2 && strncmp(word, "--", 2) == 0 && n - 2 <= strlen(o->name) &&
           strncmp(word + 2, o->name, n - 2) == 0;
}

static const struct option *option_with_val(const struct option *opts, int val)
{
    for (; opts->name; opts++)
        if (!opts->flag && opts->val == val)
            return opts;
    return NULL;
}

/*
 * getopt_long said '?' or ':'. Unknown and ambiguous long options leave optopt 0 and the
 * word at argv[optind - 1]; a long option missing its value, or given one it does not take,
 * sets optopt to the option's val; an unknown short option sets optopt to its letter, and
 * argv[optind - 1] may then be an earlier word (a value): only the letter is named.
 */
static int refused(int ch, char **argv, const struct option *opts, char name[CLI_OPT_NAME_MAX])
{
    const char *word = optind > 0 ? argv[optind - 1] : "";
    const struct option *o = optopt ? option_with_val(opts, optopt) : NULL;
    if (optopt && !names_option(word, o)) {
        snprintf(name, CLI_OPT_NAME_MAX, "-%c", optopt);
        return ch;
    }
    word_name(word, name);
    if (ch == ':' && o && !is_full_name(word, o->name))
        return '?'; /* an abbreviation is unknown before it lacks a value */
    return ch;
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *opts,
               char name[CLI_OPT_NAME_MAX])
{
    int idx = -1;
    optopt = 0;
    int ch = getopt_long(argc, argv, shortopts, opts, &idx);
    if (ch == -1)
        return -1;
    if (ch == '?' || ch == ':')
        return refused(ch, argv, opts, name);
    if (idx < 0) { /* a short option */
        snprintf(name, CLI_OPT_NAME_MAX, "-%c", ch);
        return ch;
    }
    /* The value is the word after the option, or after its '='. */
    int separate = opts[idx].has_arg != no_argument && optarg && optarg == argv[optind - 1];
    const char *word = argv[optind - 1 - separate];
    word_name(word, name);
    return is_full_name(word, opts[idx].name) ? ch : '?';
}

const char *cli_opt_fd_format(void)
{
    return _("%s takes a file descriptor number, such as 3 with 3<FILE (a passphrase never goes "
             "on the command line)");
}
