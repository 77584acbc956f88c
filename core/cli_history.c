/* cli_history.c: `hubdesk history`: reads the journal, filters it, prints it. */
#include "cli_history.h"
#include "cli_opt.h"
#include "i18n.h"
#include "journal.h"
#include "text.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXIT_USAGE 2

typedef struct history {
    const char *profile; /* NULL: every profile */
    int64_t since;       /* unix time; 0: from the start */
    int json;
    size_t shown;
} history;

static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "hubdesk: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " %s\n", _("(see 'hubdesk --help')"));
    return EXIT_USAGE;
}

int cli_history_parse_date(const char *s, int64_t *out)
{
    struct tm tm;
    int y, m, d, n = -1;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
        s[4] != '-' || s[7] != '-' || y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    /* mktime moves 2024-02-30 to March: a date that moved was not a real one */
    if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != m - 1)
        return -1;
    *out = (int64_t)t;
    return 0;
}

static void print_json(const journal_entry *e)
{
    char *line = journal_entry_line(e); /* the journal's own line: already checked, ASCII */
    if (line)
        fputs(line, stdout);
    free(line);
}

static void print_row(const journal_entry *e)
{
    char when[32] = "?", id[sizeof e->id], detail[sizeof e->detail];
    time_t t = (time_t)e->time;
    struct tm tm;
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    text_sanitize(e->id, id, sizeof id);
    text_sanitize(e->detail, detail, sizeof detail);
    printf("%-19s  %-18s  %-10s  %-14s  %-24s  %-6s  %s\n", when, *e->profile ? e->profile : "-",
           e->hub, journal_op_name(e->op), *id ? id : "-", e->ok ? "ok" : "failed", detail);
}

static int on_entry(const journal_entry *e, void *arg)
{
    history *h = arg;
    if ((h->profile && strcmp(h->profile, e->profile)) || e->time < h->since)
        return 0;
    h->shown++;
    if (h->json)
        print_json(e);
    else
        print_row(e);
    return 0;
}

static int parse(int argc, char **argv, history *h)
{
    static const struct option opts[] = {
        {"profile", required_argument, NULL, 'P'},
        {"since", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    char name[CLI_OPT_NAME_MAX];
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = cli_getopt(argc, argv, ":", opts, name)) != -1) {
        switch (ch) {
        case 'P': h->profile = optarg; break;
        case 'j': h->json = 1; break;
        case 's':
            if (cli_history_parse_date(optarg, &h->since) < 0)
                return usage(_("--since takes a date as YYYY-MM-DD, not '%s'"),
                             text_sanitize(optarg, name, sizeof name));
            break;
        case ':': return usage(_("option '%s' needs a value"), name);
        default: return usage(_("unknown option '%s'"), name);
        }
    }
    if (optind < argc)
        return usage(_("history takes no argument '%s'"),
                     text_sanitize(argv[optind], name, sizeof name));
    return -1;
}

int cli_history_main(int argc, char **argv)
{
    history h = {0};
    char path[1024], err[700];
    size_t damaged = 0;
    int rc = parse(argc, argv, &h);
    if (rc >= 0)
        return rc;
    if (journal_default_path(path, sizeof path) < 0) {
        fprintf(stderr, "hubdesk: %s\n", _("no place for the journal: set HOME or XDG_STATE_HOME"));
        return 1;
    }
    if (journal_read(path, on_entry, &h, &damaged, err, sizeof err) < 0) {
        fprintf(stderr, "hubdesk: %s\n", err);
        return 1;
    }
    if (damaged) {
        fprintf(stderr, "hubdesk: ");
        fprintf(stderr, ngettext("%zu damaged line in %s was skipped",
                                 "%zu damaged lines in %s were skipped", damaged),
                damaged, path);
        fputc('\n', stderr);
    }
    if (!h.shown && !h.json)
        printf("%s\n", _("No changes in the journal."));
    return 0;
}
