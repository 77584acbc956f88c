/* scr_channels.c: the customer's channels on the hub: a table, every detail of the channel
 * under the cursor, and what can be done with it (pair, new, live mode, delete, status,
 * webhook, Keebai's type filter). Live mode and delete ask for 'y' first. */
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

/* scr_project.c: the step's hub call (busy, failed, waits). */

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL
#define ITEMS_MAX 48
#define ITEM_ROWS_MAX 3 /* a long value (a name, a URL) wraps over at most this many rows */
#define STATUS_ROWS 3   /* call state, notice or question, above the hint bar */
#define TABLE_Y 3       /* header row; the intro line is above it */
#define MIN_NAME_W 12   /* narrower than this: the table drops columns */

static const char *const type_filters[] = {"", "whatsapp", "whatsapp_qr"};

static struct channels_view {
    int top;              /* first table row shown */
    const json_t *list;   /* the list last drawn: a new one puts the cursor on f->channel */
    char confirm_id[128]; /* the channel a pending question (a->confirm) is about */
    char confirm_name[128];
    tui_action last; /* the last action that called the hub, for the failure's advice */
    char msg[256];   /* this screen's own one-line answer to a key ("already live") */
} view;

enum col { C_NAME, C_TYPE, C_PHONE, C_ACTIVE, C_MODE, C_LEFT, C_COUNT };

typedef struct table {
    int x[C_COUNT], w[C_COUNT]; /* w 0: column not shown */
} table;

typedef struct item {
    char label[64];
    char value[512];
    ui_role role;
    int row, col, full, rows; /* a full-width item wraps over `rows` rows */
} item;

static const provider_ops *hub(const app *a)
{
    return a->f.profile >= 0 ? a->f.profiles[a->f.profile].ops : NULL;
}

static unsigned caps(const app *a)
{
    return hub(a) ? hub(a)->caps : 0;
}

/* Keebai's GET /v1/channels takes ?type=; no other hub filters by type. */
static int has_type_filter(const app *a)
{
    return hub(a) && (hub(a)->caps & PROVIDER_CAP_TYPE_FILTER);
}

static int count(const app *a)
{
    return json_is_array(a->f.channels) ? (int)json_array_size(a->f.channels) : 0;
}

static const json_t *chan(const app *a, int i)
{
    return i >= 0 ? json_array_get(a->f.channels, (size_t)i) : NULL;
}

/* A string member, sanitized ("" when absent or not a string). */
static const char *str(const json_t *o, const char *key, char *out, size_t n)
{
    const char *s = json_string_value(json_object_get(o, key));
    return text_sanitize(s ? s : "", out, n);
}

static int index_of(const app *a, const char *id)
{
    char cid[256];
    for (int i = 0; id && *id && i < count(a); i++)
        if (strcmp(str(chan(a, i), "id", cid, sizeof cid), id) == 0)
            return i;
    return -1;
}

static void clamp_cursor(app *a)
{
    int n = count(a);
    if (a->channel_cursor >= n)
        a->channel_cursor = n - 1;
    if (a->channel_cursor < 0)
        a->channel_cursor = 0;
}

/* A new list (loaded, reloaded, filtered): the cursor goes to the flow's channel if it is
 * listed; if it is not, the flow's channel becomes the one under the cursor. */
static void follow_list(app *a)
{
    if (a->f.channels != view.list) {
        char id[256];
        view.list = a->f.channels;
        int i = index_of(a, str(a->f.channel, "id", id, sizeof id));
        if (i >= 0)
            a->channel_cursor = i;
        clamp_cursor(a);
        if (i < 0 && a->f.channel && count(a) && !a->confirm)
            flow_select_channel(&a->f, a->channel_cursor); /* filtered out: follow the cursor */
    }
    clamp_cursor(a);
}

static const char *sym(const app *a, const char *utf8, const char *ascii)
{
    return a->utf8 ? utf8 : ascii;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A time as the hub sends it (ms since the epoch; seconds tolerated) in ms; 0 if none. */
static int64_t time_ms(const json_t *v)
{
    int64_t t = json_is_integer(v) ? (int64_t)json_integer_value(v)
                : json_is_real(v)  ? (int64_t)json_real_value(v)
                                   : 0;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        long long p = strtoll(s, &end, 10);
        t = *s && !*end ? p : 0;
    }
    if (t > 0 && t < 100000000000LL) /* before 1973 in ms: it was seconds */
        t *= 1000;
    return t > 0 ? t : 0;
}

static const char *date_text(int64_t ms, char *out, size_t n)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm) || !strftime(out, n, "%Y-%m-%d %H:%M", &tm))
        snprintf(out, n, "?");
    return out;
}

/* Time left until `till`: short for the table ("5 days"), long for the panel; its role. */
static ui_role left_text(int64_t till, int longer, char *out, size_t n)
{
    int64_t d = till - wall_ms();
    if (d <= 0) {
        snprintf(out, n, "%s", _("expired"));
        return ROLE_ERROR;
    }
    if (d < DAY_MS) {
        long long h = d / HOUR_MS;
        if (h == 0)
            snprintf(out, n, "%s", longer ? _("less than an hour left") : _("< 1 h"));
        else
            snprintf(out, n, longer ? ngettext("%lld hour left", "%lld hours left", h)
                                    : ngettext("%lld h", "%lld h", h), h);
        return ROLE_WARN;
    }
    long long days = d / DAY_MS;
    snprintf(out, n, longer ? ngettext("%lld day left", "%lld days left", days)
                            : ngettext("%lld day", "%lld days", days), days);
    return days < 2 ? ROLE_WARN : ROLE_TEXT;
}

/* Any JSON value as one sanitized line (yes/no for booleans, "" for null). */
static const char *value_text(const json_t *v, char *out, size_t n)
{
    out[0] = '\0';
    if (json_is_string(v)) {
        text_sanitize(json_string_value(v), out, n);
    } else if (json_is_integer(v)) {
        snprintf(out, n, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        snprintf(out, n, "%g", json_real_value(v));
    } else if (json_is_boolean(v)) {
        snprintf(out, n, "%s", json_is_true(v) ? _("yes") : _("no"));
    } else if (json_is_object(v) || json_is_array(v)) {
        char *dump = json_dumps(v, JSON_COMPACT);
        text_sanitize(dump ? dump : "", out, n);
        free(dump);
    }
    return out;
}

static const char *project_name(const app *a, const char *id, char *out, size_t n)
{
    size_t i;
    json_t *p;
    out[0] = '\0';
    json_array_foreach(a->f.projects, i, p)
    {
        const char *pid = json_string_value(json_object_get(p, "id"));
        if (pid && !strcmp(pid, id))
            return str(p, "name", out, n);
    }
    return out;
}

/* ---- the table ---- */

static const char *head(enum col c)
{
    switch (c) {
    case C_NAME: return _("NAME");
    case C_TYPE: return _("TYPE");
    case C_PHONE: return _("PHONE");
    case C_ACTIVE: return _("ACTIVE");
    case C_MODE: return _("MODE");
    default: return _("TIME LEFT");
    }
}

static int widest(const app *a, const char *key, int from, int cap)
{
    char buf[256];
    int w = from;
    for (int i = 0; i < count(a); i++) {
        int cw = ui_width(str(chan(a, i), key, buf, sizeof buf));
        w = cw > w ? cw : w;
    }
    return w < cap ? w : cap;
}

/* Columns from the data: Whapi's mode and time left when channels carry them. */
static void table_layout(const app *a, table *t)
{
    char buf[64];
    int whapi = 0, leftw = ui_width(head(C_LEFT));
    for (int i = 0; i < count(a); i++) {
        const json_t *c = chan(a, i);
        whapi |= json_object_get(c, "mode") || json_object_get(c, "active_till");
        int64_t till = time_ms(json_object_get(c, "active_till"));
        if (till) {
            left_text(till, 0, buf, sizeof buf);
            leftw = ui_width(buf) > leftw ? ui_width(buf) : leftw;
        }
    }
    memset(t, 0, sizeof *t);
    t->w[C_TYPE] = widest(a, "type", ui_width(head(C_TYPE)), 14);
    t->w[C_PHONE] = widest(a, "phone", ui_width(head(C_PHONE)), 16);
    t->w[C_ACTIVE] = ui_width(head(C_ACTIVE));
    if (whapi) {
        t->w[C_MODE] = widest(a, "mode", ui_width(head(C_MODE)), 8);
        t->w[C_LEFT] = leftw < 10 ? leftw : 10;
    }
    static const enum col drop[] = {C_LEFT, C_MODE, C_TYPE};
    int names = widest(a, "name", ui_width(head(C_NAME)), 200); /* no wider than needed */
    int min_name = names < MIN_NAME_W ? names : MIN_NAME_W;
    for (size_t d = 0;; d++) {
        int rest = COLS - 5; /* columns 3 .. COLS-3 */
        for (int c = C_TYPE; c < C_COUNT; c++)
            rest -= t->w[c] ? t->w[c] + 1 : 0;
        t->w[C_NAME] = rest;
        if (rest >= min_name || d == sizeof drop / sizeof *drop)
            break;
        t->w[drop[d]] = 0;
    }
    if (t->w[C_NAME] > names)
        t->w[C_NAME] = names;
    if (t->w[C_NAME] < 1)
        t->w[C_NAME] = 1;
    int x = 3;
    for (int c = C_NAME; c < C_COUNT; c++) {
        t->x[c] = x;
        x += t->w[c] ? t->w[c] + 1 : 0;
    }
}

static void put_cell(const table *t, int y, enum col c, ui_role role, const char *text)
{
    if (t->w[c] > 0 && t->x[c] < COLS - 2)
        ui_put(y, t->x[c], t->w[c], role, text);
}

static void draw_header(const table *t, int y)
{
    for (int c = C_NAME; c < C_COUNT; c++)
        put_cell(t, y, (enum col)c, ROLE_DIM, head((enum col)c));
}

static void draw_row(const app *a, const table *t, int y, const json_t *c, int selected)
{
    char buf[256];
    ui_role role = selected ? ROLE_SELECTED : ROLE_TEXT;
    if (selected) {
        attrset(ui_attr(role));
        mvhline(y, 2, ' ', COLS - 4);
    }
    str(c, "name", buf, sizeof buf);
    put_cell(t, y, C_NAME, *buf ? role : selected ? role : ROLE_DIM, *buf ? buf : _("(no name)"));
    put_cell(t, y, C_TYPE, role, str(c, "type", buf, sizeof buf));
    put_cell(t, y, C_PHONE, role, *str(c, "phone", buf, sizeof buf) ? buf : "-");
    const json_t *act = json_object_get(c, "active");
    if (json_is_boolean(act)) {
        int on = json_is_true(act);
        put_cell(t, y, C_ACTIVE, selected ? role : on ? ROLE_OK : ROLE_WARN,
                 on ? sym(a, "\xE2\x9C\x93", _("yes")) : sym(a, "\xE2\x9C\x97", _("no")));
    } else {
        put_cell(t, y, C_ACTIVE, role, "-");
    }
    put_cell(t, y, C_MODE, role, str(c, "mode", buf, sizeof buf));
    int64_t till = time_ms(json_object_get(c, "active_till"));
    if (till) {
        ui_role r = left_text(till, 0, buf, sizeof buf);
        put_cell(t, y, C_LEFT, selected ? role : r, buf);
    }
}

/* ---- the details panel ---- */

static item *add_item(item *it, int *n, const char *label, const char *value, ui_role role)
{
    if (*n >= ITEMS_MAX || !value || !*value)
        return NULL;
    item *i = &it[(*n)++];
    text_sanitize(label, i->label, sizeof i->label); /* cut at a character boundary */
    text_sanitize(value, i->value, sizeof i->value);
    i->role = role;
    return i;
}

/* A time field: local date, and for active_till the time left. */
static void add_time(item *it, int *n, const json_t *c, const char *key, const char *label,
                     int with_left)
{
    const json_t *v = json_object_get(c, key);
    int64_t ms = time_ms(v);
    char date[64], left[64], line[160];
    if (!ms) { /* not a time after all (a flag, a word): as it is */
        add_item(it, n, label, value_text(v, line, sizeof line), ROLE_TEXT);
        return;
    }
    date_text(ms, date, sizeof date);
    if (!with_left) {
        add_item(it, n, label, date, ROLE_TEXT);
        return;
    }
    ui_role r = left_text(ms, 1, left, sizeof left);
    snprintf(line, sizeof line, "%s (%s)", date, left);
    add_item(it, n, label, line, r);
}

/* Every field of the channel, known ones first with their names, then whatever else the hub
 * sent; name, type and phone only when the table could not show them in full. */
static int build_items(const app *a, const table *t, const json_t *c, item *it)
{
    static const struct {
        const char *key, *label;
    } known[] = {
        {"id", N_("ID")},
        {"phone_number_id", N_("Phone number ID")},
        {"business_account_id", N_("Business account ID")},
        {"mode", N_("Mode")},
        {"status", N_("Channel status")},
        {"stopped", N_("Stopped")},
        {"active_till", N_("Active till")},
        {"trial", N_("Trial ends")},
        {"created", N_("Created")},
        {"project_id", N_("Project")},
        {"owner_id", N_("Owner")},
        {"server", N_("Server")},
        {"api_url", N_("API URL")},
    };
    static const struct {
        const char *key, *label;
        enum col col;
    } tabled[] = {
        {"name", N_("Name"), C_NAME},
        {"type", N_("Type"), C_TYPE},
        {"phone", N_("Phone"), C_PHONE},
        {"active", N_("Active"), C_ACTIVE},
    };
    char buf[512], pname[256], line[600];
    int n = 0;
    for (size_t k = 0; k < sizeof known / sizeof *known; k++) {
        const json_t *v = json_object_get(c, known[k].key);
        if (!v || json_is_null(v))
            continue;
        const char *key = known[k].key, *label = _(known[k].label);
        if (!strcmp(key, "active_till") || !strcmp(key, "created") || !strcmp(key, "trial")) {
            add_time(it, &n, c, key, label, !strcmp(key, "active_till"));
        } else if (!strcmp(key, "project_id") &&
                   *project_name(a, json_string_value(v) ? json_string_value(v) : "", pname,
                                 sizeof pname)) {
            snprintf(line, sizeof line, "%s (%s)", pname, value_text(v, buf, sizeof buf));
            add_item(it, &n, label, line, ROLE_TEXT);
        } else {
            add_item(it, &n, label, value_text(v, buf, sizeof buf), ROLE_TEXT);
        }
    }
    for (size_t k = 0; k < sizeof tabled / sizeof *tabled; k++) {
        const json_t *v = json_object_get(c, tabled[k].key);
        value_text(v, buf, sizeof buf);
        int w = tabled[k].col == C_NAME ? COLS - 10 : t->w[tabled[k].col];
        if (*buf && ui_width(buf) > w)
            add_item(it, &n, _(tabled[k].label), buf, ROLE_TEXT);
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)c, key, v)
    {
        int seen = 0;
        for (size_t k = 0; k < sizeof known / sizeof *known && !seen; k++)
            seen = !strcmp(key, known[k].key);
        for (size_t k = 0; k < sizeof tabled / sizeof *tabled && !seen; k++)
            seen = !strcmp(key, tabled[k].key);
        if (!seen)
            add_item(it, &n, text_sanitize(key, line, sizeof line), value_text(v, buf, sizeof buf),
                     ROLE_TEXT);
    }
    return n;
}

/* Bytes of the longest prefix of s that fits in w columns (at least one character). */
static size_t fit_bytes(const char *s, int w)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t at = 0;
    int used = 0;
    while (s[at]) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, s + at, MB_CUR_MAX, &st);
        if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
            memset(&st, 0, sizeof st);
            k = 1;
            wc = L'?';
        }
        int cw = wcwidth(wc) < 0 ? 1 : wcwidth(wc);
        if (used + cw > w && at > 0)
            break;
        used += cw;
        at += k;
    }
    return at;
}

/* Rows a value takes when cut into pieces of w columns, at most ITEM_ROWS_MAX. */
static int wrapped_rows(const char *s, int w)
{
    int rows = 0;
    for (size_t at = 0; s[at] && rows < ITEM_ROWS_MAX && w > 0; rows++)
        at += fit_bytes(s + at, w);
    return rows ? rows : 1;
}

/* Places items two to a row when both fit in half the width, else one on its own row(s). */
static int items_layout(item *it, int n, int w, int lw)
{
    int cw = (w - 2) / 2, two = w >= 60, row = 0, left_taken = 0;
    for (int i = 0; i < n; i++) {
        it[i].rows = 1;
        if (two && lw + 1 + ui_width(it[i].value) <= cw) {
            it[i].full = 0;
            it[i].row = row;
            it[i].col = left_taken;
            row += left_taken;
            left_taken = !left_taken;
        } else {
            row += left_taken;
            left_taken = 0;
            it[i].full = 1;
            it[i].col = 0;
            it[i].row = row;
            it[i].rows = wrapped_rows(it[i].value, w - lw - 1);
            row += it[i].rows;
        }
    }
    return row + left_taken;
}

static int label_width(const item *it, int n, int w)
{
    int lw = 0;
    for (int i = 0; i < n; i++)
        lw = ui_width(it[i].label) > lw ? ui_width(it[i].label) : lw;
    return lw < w / 3 ? lw : w / 3;
}

/* The health line, when f->health is about this channel (after h). */
static int health_line(const app *a, const json_t *c, char *out, size_t n, ui_role *role)
{
    char id[256], hid[256], text[64], meaning[300];
    if (!a->f.health || !*str(c, "id", id, sizeof id) ||
        strcmp(str(a->f.channel, "id", hid, sizeof hid), id) != 0)
        return 0;
    const json_t *h = a->f.health;
    if (!*str(h, "text", text, sizeof text))
        value_text(json_object_get(h, "code"), text, sizeof text);
    str(h, "meaning", meaning, sizeof meaning);
    snprintf(out, n, *meaning ? "%s: %s %s %s" : "%s: %s", _("Status"), *text ? text : "?",
             sym(a, "\xE2\x80\x94", "-"), meaning);
    *role = !strcmp(text, "AUTH") ? ROLE_OK : ROLE_WARN;
    return 1;
}

/* Rows the panel wants: heading, items, health. */
static int panel_rows(const app *a, const table *t, const json_t *c, item *it, int *nitems,
                      int *lw)
{
    int w = COLS - 6;
    char line[512];
    ui_role r;
    *nitems = build_items(a, t, c, it);
    *lw = label_width(it, *nitems, w);
    int rows = 1 + items_layout(it, *nitems, w, *lw);
    if (health_line(a, c, line, sizeof line, &r))
        rows += ui_width(line) <= w ? 1 : 2;
    return rows;
}

static void draw_panel(const app *a, const json_t *c, item *it, int nitems, int lw, int y,
                       int maxrows)
{
    char name[256], line[512];
    int x = 4, w = COLS - 6, cw = (w - 2) / 2, bottom = y + maxrows;
    ui_role r;
    if (maxrows <= 0)
        return;
    attrset(ui_attr(ROLE_DIM));
    /* Without UTF-8 some terminals show the line-drawing set as letters ("qqq"). */
    mvhline(y, 2, a->utf8 ? ACS_HLINE : (chtype)'-', COLS - 4);
    attrset(A_NORMAL);
    str(c, "name", name, sizeof name);
    snprintf(line, sizeof line, " %s ", *name ? name : _("(no name)"));
    ui_put(y++, 4, COLS - 8, ROLE_TITLE, line);
    int last = y;
    for (int i = 0; i < nitems; i++) {
        int iy = y + it[i].row, ix = x + (it[i].col ? cw + 2 : 0);
        if (iy >= bottom)
            break;
        int vw = (it[i].full ? w : cw) - lw - 1;
        ui_put(iy, ix, lw, ROLE_DIM, it[i].label);
        const char *v = it[i].value;
        for (int row = 0; row < it[i].rows && *v && vw > 0 && iy + row < bottom; row++) {
            char piece[sizeof it[i].value];
            size_t k = fit_bytes(v, vw);
            snprintf(piece, sizeof piece, "%.*s", (int)k, v);
            ui_put(iy + row, ix + lw + 1, vw, it[i].role, piece);
            v += k;
            last = iy + row + 1;
        }
        last = last > iy + 1 ? last : iy + 1;
    }
    if (last < bottom && health_line(a, c, line, sizeof line, &r))
        ui_wrap(last, x, w, bottom - last, r, line);
}

/* ---- the screen ---- */

/* Adds " · part" to line (no separator at the start). */
static void append(char *line, size_t n, const char *part)
{
    size_t len = strlen(line);
    snprintf(line + len, n - len, "%s%s", len ? " \xC2\xB7 " : "", part);
}

/* "3 channels · project: Main · account: ana@acme.example · type: all (t)" */
static void intro_line(const app *a, int y)
{
    char line[800], part[300], name[256];
    const flow *f = &a->f;
    int n = count(a);
    line[0] = '\0';
    if (json_is_array(f->channels)) /* not before the list is there */
        snprintf(line, sizeof line, ngettext("%d channel", "%d channels", n), n);
    if (f->project_id[0]) {
        if (!*project_name(a, f->project_id, name, sizeof name))
            text_sanitize(f->project_id, name, sizeof name);
        snprintf(part, sizeof part, "%s: %s",
                 hub(a)->project_word ? _(hub(a)->project_word) : _("project"), name);
        append(line, sizeof line, part);
    }
    if (f->account && *str(f->account, "account", name, sizeof name)) {
        snprintf(part, sizeof part, _("account: %s"), name);
        append(line, sizeof line, part);
    }
    if (has_type_filter(a)) {
        snprintf(part, sizeof part, _("type: %s (t)"),
                 f->type_filter[0] ? text_sanitize(f->type_filter, name, sizeof name) : _("all"));
        append(line, sizeof line, part);
    }
    ui_put(y, 2, COLS - 4, ROLE_DIM, line);
}

static void draw_empty(const app *a, int y, int maxrows)
{
    char line[400], t[64];
    const flow *f = &a->f;
    if (caps(a) & PROVIDER_CAP_CHANNEL_KIND) {
        snprintf(line, sizeof line, "%s",
                 _("No channel remembered for this application yet. Channels are connected in "
                   "the hub's dashboard: press n and enter the channel's UUID and kind."));
    } else if (caps(a) & PROVIDER_CAP_SIGNUP_CODE) {
        snprintf(line, sizeof line, "%s",
                 _("No channel yet. Press n to create one and connect a number with the signup "
                   "code, or a to enter the id of a channel made in the dashboard."));
    } else if (caps(a) & PROVIDER_CAP_CREDENTIALS) {
        snprintf(line, sizeof line, "%s",
                 _("WhatsApp is not set up on this instance. Press n to enter the Meta app's "
                   "credentials."));
    } else if (has_type_filter(a) && f->type_filter[0]) {
        snprintf(line, sizeof line,
                 _("No channel of type %s. Press t to see other types, or n to link a new one."),
                 text_sanitize(f->type_filter, t, sizeof t));
    } else if (f->project_id[0]) {
        snprintf(line, sizeof line,
                 _("No channel in this %s yet. Press n to make one and link a WhatsApp number "
                   "to it."),
                 hub(a)->project_word ? _(hub(a)->project_word) : _("project"));
    } else {
        snprintf(line, sizeof line, "%s",
                 _("No channel on this account yet. Press n to link a WhatsApp number."));
    }
    ui_wrap(y, 2, COLS - 4, maxrows, ROLE_WARN, line);
}

/* What to do after a failure: depends on what failed. */
static const char *retry_hint(const app *a)
{
    switch (view.last) {
    case ACT_LIVE: return _("Press l to try again, or r to reload the list.");
    case ACT_DELETE: return _("Press d to try again, or r to reload the list.");
    case ACT_HEALTH: return _("Press h to try again, or r to reload the list.");
    default: return _("Press r to try again.");
    }
}

static void draw_status(app *a, int y)
{
    char line[600], clean_id[sizeof a->f.project_id];
    const flow *f = &a->f;
    int w = COLS - 4;
    if (a->confirm) {
        if (a->confirm == ACT_LIVE)
            snprintf(line, sizeof line, _("Switch %s to live mode? Paid plans only. y/N"),
                     view.confirm_name);
        else if (caps(a) & PROVIDER_CAP_LOCAL_CHANNELS)
            snprintf(line, sizeof line,
                     _("Forget channel %s here? The hub keeps it; you can add it again. y/N"),
                     view.confirm_name);
        else if (caps(a) & PROVIDER_CAP_CREDENTIALS)
            snprintf(line, sizeof line,
                     _("Tear down WhatsApp on instance %s? The hub removes the channel and "
                       "Meta's webhook stops reaching it. y/N"),
                     text_sanitize(f->project_id, clean_id, sizeof clean_id));
        else
            snprintf(line, sizeof line,
                     _("Delete channel %s (%s)? The number is unlinked and the channel is gone. "
                       "y/N"),
                     view.confirm_name, view.confirm_id);
        ui_wrap(y, 2, w, STATUS_ROWS, a->confirm == ACT_DELETE ? ROLE_ERROR : ROLE_WARN, line);
        return;
    }
    int used = scr_call_status(a, y, 2, w, STATUS_ROWS, retry_hint(a));
    if (used < STATUS_ROWS && view.msg[0])
        used += ui_wrap(y + used, 2, w, STATUS_ROWS - used, ROLE_WARN, view.msg);
    if (used < STATUS_ROWS && f->notice[0] && f->call != FLOW_CALL_BUSY)
        ui_wrap(y + used, 2, w, STATUS_ROWS - used, ROLE_OK,
                text_sanitize(f->notice, line, sizeof line));
}

/* Key hints for this hub; ui_hint_bar drops middle ones when short of room ("? help  q quit"
   always stay). */
static void draw_hints(app *a)
{
    if (a->confirm) {
        ui_hint_bar(_("y yes  any other key: no"));
        return;
    }
    unsigned c = caps(a);
    int n = count(a);
    const char *h[12];
    int k = 0;
    if (n)
        h[k++] = (c & PROVIDER_CAP_CHANNEL_TOKEN)  ? _("Enter pair")
                 : (c & PROVIDER_CAP_SIGNUP_CODE)  ? _("Enter connect")
                 : (c & PROVIDER_CAP_CREDENTIALS)  ? _("Enter details")
                 : (c & PROVIDER_CAP_CHANNEL_KIND) ? _("Enter test")
                                                   : _("Enter select");
    if (!(c & PROVIDER_CAP_CREDENTIALS) || !n)
        h[k++] = (c & PROVIDER_CAP_CHANNEL_KIND)  ? _("n add")
                 : (c & PROVIDER_CAP_CREDENTIALS) ? _("n set up")
                                                  : _("n new");
    if ((c & PROVIDER_CAP_SIGNUP_CODE))
        h[k++] = _("a add id");
    if (n && (c & PROVIDER_CAP_TEST_MESSAGE))
        h[k++] = _("m test");
    if (n && (c & PROVIDER_CAP_CHANNEL_MODE))
        h[k++] = _("l live");
    if (n && (c & PROVIDER_CAP_LOCAL_CHANNELS))
        h[k++] = _("d forget");
    else if (n && (c & PROVIDER_CAP_CHANNEL_DELETE))
        h[k++] = (c & PROVIDER_CAP_CREDENTIALS) ? _("d teardown") : _("d delete");
    if (n && (c & PROVIDER_CAP_STATUS))
        h[k++] = _("h status");
    if ((c & PROVIDER_CAP_WEBHOOK) && (n || !(c & PROVIDER_CAP_CHANNEL_TOKEN)))
        h[k++] = _("w webhook");
    if (has_type_filter(a))
        h[k++] = _("t type");
    h[k++] = _("r reload");
    h[k++] = _("Esc back");
    h[k++] = _("? help");
    h[k++] = _("q quit");
    char line[512] = "";
    for (int i = 0; i < k; i++) {
        size_t len = strlen(line);
        snprintf(line + len, sizeof line - len, "%s%s", len ? "  " : "", h[i]);
    }
    ui_hint_bar(line);
}

static void channels_draw(app *a)
{
    const flow *f = &a->f;
    static item it[ITEMS_MAX];
    ui_title_bar(a, flow_step_title(FLOW_STEP_CHANNELS));
    draw_hints(a);
    if (!hub(a))
        return;
    follow_list(a);
    int status_y = LINES - 1 - STATUS_ROWS, n = count(a);
    intro_line(a, TABLE_Y - 1);
    if (!json_is_array(f->channels)) {
        /* Nothing listed yet: the call's state is the whole story. */
        if (!scr_call_status(a, TABLE_Y, 2, COLS - 4, status_y - TABLE_Y, retry_hint(a)))
            ui_wrap(TABLE_Y, 2, COLS - 4, 2, ROLE_DIM, _("Press r to ask the hub for the list."));
        return;
    }
    if (n == 0) {
        draw_empty(a, TABLE_Y, status_y - TABLE_Y - 1);
        draw_status(a, status_y);
        return;
    }
    table t;
    table_layout(a, &t);
    const json_t *cur = chan(a, a->channel_cursor);
    int nitems = 0, lw = 0;
    int avail = status_y - TABLE_Y - 1; /* rows for table and panel, header excluded */
    int want = panel_rows(a, &t, cur, it, &nitems, &lw);
    int min_table = n < 3 ? n : 3;
    int panel = want < avail - min_table ? want : avail - min_table;
    if (panel < 2)
        panel = 0; /* a heading alone says nothing: the table gets the room */
    int rows = avail - panel - (panel && n < avail - panel); /* a blank row when room */
    rows = n < rows ? n : rows;
    draw_header(&t, TABLE_Y);
    if (n > rows && rows > 0) { /* the list scrolls: where the cursor is, on the intro line */
        char pos[48];
        snprintf(pos, sizeof pos, " %d/%d", a->channel_cursor + 1, n);
        ui_put(TABLE_Y - 1, COLS - 2 - ui_width(pos), ui_width(pos), ROLE_DIM, pos);
    }
    if (rows > 0) {
        if (view.top > a->channel_cursor)
            view.top = a->channel_cursor;
        if (a->channel_cursor >= view.top + rows)
            view.top = a->channel_cursor - rows + 1;
        if (view.top > n - rows)
            view.top = n - rows;
        if (view.top < 0)
            view.top = 0;
        for (int i = 0; i < rows && view.top + i < n; i++)
            draw_row(a, &t, TABLE_Y + 1 + i, chan(a, view.top + i),
                     view.top + i == a->channel_cursor);
    }
    int py = TABLE_Y + 1 + (rows > 0 ? rows : 0) + (rows < avail - panel);
    if (panel > 0)
        draw_panel(a, cur, it, nitems, lw, py, status_y - py < panel ? status_y - py : panel);
    draw_status(a, status_y);
}

static void move_to(app *a, int i)
{
    int n = count(a);
    if (i >= n)
        i = n - 1;
    if (i < 0)
        i = 0;
    if (n && i != a->channel_cursor) {
        a->channel_cursor = i;
        flow_select_channel(&a->f, i); /* f->channel follows the cursor */
    }
}

/* Asks before live mode or delete; remembers which channel the question is about. */
static void ask(app *a, tui_action what)
{
    char id[128];
    const json_t *c = chan(a, a->channel_cursor);
    if (!*str(c, "id", id, sizeof id))
        return;
    snprintf(view.confirm_id, sizeof view.confirm_id, "%s", id);
    str(c, "name", view.confirm_name, sizeof view.confirm_name);
    if (!view.confirm_name[0])
        snprintf(view.confirm_name, sizeof view.confirm_name, "%s", id);
    a->confirm = what;
}

/* y runs the action on the channel asked about (wherever the list put it); any other key
 * keeps it as it is. */
static int confirm_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    if (act == ACT_HELP || act == ACT_REDRAW)
        return SCREEN_IGNORED; /* the question stays */
    tui_action what = (tui_action)a->confirm;
    a->confirm = 0;
    if (is_keycode || !i18n_is_yes_key(ch))
        return SCREEN_HANDLED;
    int i = index_of(a, view.confirm_id);
    if (i < 0) {
        snprintf(view.msg, sizeof view.msg, "%s",
                 _("That channel is no longer in the list: nothing was done."));
        return SCREEN_HANDLED;
    }
    a->channel_cursor = i;
    scr_call_forget();
    view.last = what;
    if (what == ACT_LIVE)
        flow_channel_live(&a->f, i);
    else if (what == ACT_DELETE && (caps(a) & PROVIDER_CAP_LOCAL_CHANNELS))
        flow_forget(&a->f, 0, i);
    else if (what == ACT_DELETE)
        flow_channel_delete(&a->f, i);
    return SCREEN_HANDLED;
}

static void cycle_type_filter(app *a)
{
    size_t k = 0, nf = sizeof type_filters / sizeof *type_filters;
    while (k < nf && strcmp(type_filters[k], a->f.type_filter) != 0)
        k++;
    view.last = ACT_FILTER;
    scr_call_forget();
    flow_set_type_filter(&a->f, type_filters[k < nf ? (k + 1) % nf : 0]);
}

static void open_webhook(app *a)
{
    unsigned c = caps(a);
    if (!(c & PROVIDER_CAP_WEBHOOK))
        return;
    if (c & PROVIDER_CAP_CHANNEL_TOKEN) { /* Whapi: a channel's setting */
        if (!count(a))
            return;
        flow_select_channel(&a->f, a->channel_cursor);
    }
    if (flow_open_webhook(&a->f) != HD_OK)
        snprintf(view.msg, sizeof view.msg, "%s", _("The webhook cannot be set from here."));
}

static int channels_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    if (a->confirm)
        return confirm_key(a, act, is_keycode, ch);
    follow_list(a);
    flow *f = &a->f;
    unsigned c = caps(a);
    int n = count(a), cur = a->channel_cursor, page = LINES / 3 > 1 ? LINES / 3 : 1;
    char buf[64];
    if (is_keycode && (ch == KEY_NPAGE || ch == KEY_PPAGE || ch == KEY_HOME || ch == KEY_END)) {
        move_to(a, ch == KEY_HOME    ? 0
                   : ch == KEY_END   ? n - 1
                   : ch == KEY_NPAGE ? cur + page
                                     : cur - page);
        view.msg[0] = '\0';
        return SCREEN_HANDLED;
    }
    if (act != ACT_HELP && act != ACT_REDRAW && act != ACT_NONE)
        view.msg[0] = '\0';
    switch (act) {
    case ACT_UP: move_to(a, cur - 1); break;
    case ACT_DOWN: move_to(a, cur + 1); break;
    case ACT_SELECT:
        if (!n)
            return SCREEN_HANDLED;
        scr_call_forget();
        flow_choose_channel(f, cur);
        break;
    case ACT_NEW:
        flow_new_channel(f);
        break;
    case ACT_RETRY:
        view.last = ACT_RETRY;
        scr_call_forget();
        flow_reload(f);
        break;
    case ACT_FILTER:
        if (!has_type_filter(a))
            return SCREEN_IGNORED;
        cycle_type_filter(a);
        break;
    case ACT_LIVE:
        if (!(c & PROVIDER_CAP_CHANNEL_MODE) || !n)
            return SCREEN_IGNORED;
        if (!strcmp(str(chan(a, cur), "mode", buf, sizeof buf), "live"))
            snprintf(view.msg, sizeof view.msg, "%s", _("This channel is in live mode already."));
        else
            ask(a, ACT_LIVE);
        break;
    case ACT_DELETE:
        if (!(c & (PROVIDER_CAP_CHANNEL_DELETE | PROVIDER_CAP_LOCAL_CHANNELS)) || !n)
            return SCREEN_IGNORED;
        ask(a, ACT_DELETE);
        break;
    case ACT_TEST:
        if (!(c & PROVIDER_CAP_TEST_MESSAGE) || !n)
            return SCREEN_IGNORED;
        flow_open_test(f, cur);
        break;
    case ACT_ADD:
        if (!(c & PROVIDER_CAP_LOCAL_CHANNELS))
            return SCREEN_IGNORED;
        flow_open_add(f, 0);
        break;
    case ACT_HEALTH:
        if (!(c & PROVIDER_CAP_STATUS) || !n)
            return SCREEN_IGNORED;
        view.last = ACT_HEALTH;
        scr_call_forget();
        flow_status(f, cur);
        break;
    case ACT_WEBHOOK:
        open_webhook(a);
        break;
    case ACT_BACK:
        flow_back(f);
        break;
    default:
        return SCREEN_IGNORED;
    }
    return SCREEN_HANDLED;
}

static void channels_enter(app *a)
{
    a->confirm = 0;
    memset(&view, 0, sizeof view);
    scr_call_forget();
}

static void channels_leave(app *a)
{
    a->confirm = 0;
}

static int channels_tick(app *a)
{
    int before = a->channel_cursor;
    follow_list(a);
    return scr_call_ticking(a) || before != a->channel_cursor;
}

const screen_ops screen_channels = {
    .name = "channels",
    .enter = channels_enter,
    .leave = channels_leave,
    .draw = channels_draw,
    .key = channels_key,
    .tick = channels_tick,
};
