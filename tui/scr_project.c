/* scr_project.c: Whapi-style hubs: which project the channel is for. Also the block every
 * list step shares for its hub call: busy (what we wait for), failed (the hub's words), and
 * the wait a rate limit imposes, counted down. */
#include "duration.h"
#include "i18n.h"
#include "text.h"
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

/* Shared with scr_channels.c (no header of its own: app.h/ui.h are not this file's). */

/* A failed call with Retry-After: when that wait ends (monotonic ms), 0 when none. The flow
 * keeps only the seconds, so the deadline is fixed the first time the failure is seen. */
static uint64_t failed_wait_until;

void scr_call_forget(void)
{
    failed_wait_until = 0;
}

/* Seconds left until `until` (rounded up), 0 when past or unset. */
static long secs_until(uint64_t until)
{
    uint64_t now = loop_now_ms();
    return until > now ? (long)((until - now + 999) / 1000) : 0;
}

static void track_failed_wait(const flow *f)
{
    if (f->call != FLOW_CALL_FAILED)
        failed_wait_until = 0;
    else if (!failed_wait_until && f->call_retry_after_s > 0)
        failed_wait_until = loop_now_ms() +
                            (uint64_t)duration_ms_from_whole_s(f->call_retry_after_s, DURATION_MAX_MS);
}

/* 1 while the block changes by itself (spinner, countdown, the end of the wait): the
 * screen's tick redraws then. */
int scr_call_ticking(app *a)
{
    static long shown = -1;
    track_failed_wait(&a->f);
    long left = failed_wait_until ? secs_until(failed_wait_until) : -1;
    int changed = left != shown;
    shown = left;
    return a->f.call == FLOW_CALL_BUSY || changed;
}

/*
 * Draws the step's hub call at y in at most maxrows rows: nothing when idle or done. Busy: a
 * spinner with what we wait for, and the countdown of a wait before the next try. Failed:
 * the hub's words in red, the wait it asked for (counted down), then retry_hint.
 * Returns the rows used.
 */
int scr_call_status(app *a, int y, int x, int w, int maxrows, const char *retry_hint)
{
    static const char spin[] = "|/-\\";
    const flow *f = &a->f;
    char msg[sizeof f->call_message], line[sizeof msg + 64];
    int rows = 0;
    track_failed_wait(f);
    if (w <= 0 || maxrows <= 0 || (f->call != FLOW_CALL_BUSY && f->call != FLOW_CALL_FAILED))
        return 0;
    text_sanitize(f->call_message, msg, sizeof msg);
    if (f->call == FLOW_CALL_BUSY) {
        long wait = secs_until(f->wait_until_ms);
        snprintf(line, sizeof line, "%c %s", spin[(loop_now_ms() / 1000) % 4],
                 *msg ? msg : _("Waiting for the hub..."));
        rows += ui_wrap(y, x, w, maxrows - (wait > 0), wait > 0 ? ROLE_WARN : ROLE_TEXT, line);
        if (wait > 0 && rows < maxrows) {
            snprintf(line, sizeof line, _("Trying again in %ld s."), wait);
            rows += ui_wrap(y + rows, x + 2, w - 2, maxrows - rows, ROLE_WARN, line);
        }
        return rows;
    }
    long wait = secs_until(failed_wait_until);
    int tail = maxrows > 1 ? 1 : 0; /* keep a row for what to do next */
    rows += ui_wrap(y, x, w, maxrows - tail, ROLE_ERROR, *msg ? msg : _("The hub call failed."));
    if (rows >= maxrows)
        return rows;
    if (wait > 0)
        snprintf(line, sizeof line, _("The hub asks us to wait %ld s before trying again."), wait);
    else if (failed_wait_until)
        snprintf(line, sizeof line, _("The wait is over. %s"), retry_hint);
    else
        snprintf(line, sizeof line, "%s", retry_hint);
    rows += ui_wrap(y + rows, x, w, maxrows - rows, wait > 0 ? ROLE_WARN : ROLE_TEXT, line);
    return rows;
}

/* First row shown so that the cursor is visible in `rows` rows; the list does not jump. */
static int scroll_top(int *top, int cursor, int n, int rows)
{
    if (rows < 1)
        rows = 1;
    if (*top > cursor)
        *top = cursor;
    if (cursor >= *top + rows)
        *top = cursor - rows + 1;
    if (*top > n - rows)
        *top = n - rows;
    if (*top < 0)
        *top = 0;
    return *top;
}

static int list_top;

static size_t project_count(const app *a)
{
    return json_is_array(a->f.projects) ? json_array_size(a->f.projects) : 0;
}

static void clamp_cursor(app *a)
{
    int n = (int)project_count(a);
    if (a->project_cursor >= n)
        a->project_cursor = n - 1;
    if (a->project_cursor < 0)
        a->project_cursor = 0;
}

/* A string member, sanitized into out ("" when absent or not a string). */
static const char *field(const json_t *o, const char *key, char *out, size_t n)
{
    const char *s = json_string_value(json_object_get(o, key));
    return text_sanitize(s ? s : "", out, n);
}

static const char *project_word(const app *a)
{
    const provider_ops *ops = a->f.profiles[a->f.profile].ops;
    return ops->project_word ? _(ops->project_word) : _("project");
}

/* Back has somewhere to go: not when the hub account was fixed on the command line. */
static int can_go_back(const app *a)
{
    return !a->f.profile_fixed;
}

static void draw_list(app *a, int y, int bottom)
{
    size_t n = project_count(a);
    int w = COLS - 4, idw = 0, rows = bottom - y - 1;
    char name[256], id[256], pos[48];
    for (size_t i = 0; i < n; i++) {
        int iw = ui_width(field(json_array_get(a->f.projects, i), "id", id, sizeof id));
        idw = iw > idw ? iw : idw;
    }
    if (idw < 2)
        idw = 2;
    if (idw > w / 2)
        idw = w / 2;
    int namew = w - idw - 3, idx = 3 + namew + 1;
    ui_put(y, 3, namew, ROLE_DIM, _("NAME"));
    ui_put(y, idx, idw, ROLE_DIM, _("ID"));
    if ((int)n > rows && rows > 0) {
        snprintf(pos, sizeof pos, "%d/%zu", a->project_cursor + 1, n);
        ui_put(y, COLS - 2 - ui_width(pos), ui_width(pos), ROLE_DIM, pos);
    }
    y++;
    int top = scroll_top(&list_top, a->project_cursor, (int)n, rows);
    for (int i = top; i < (int)n && y < bottom; i++, y++) {
        const json_t *p = json_array_get(a->f.projects, (size_t)i);
        ui_role role = i == a->project_cursor ? ROLE_SELECTED : ROLE_TEXT;
        if (role == ROLE_SELECTED) {
            attrset(ui_attr(role));
            mvhline(y, 2, ' ', w);
        }
        field(p, "name", name, sizeof name);
        ui_put(y, 3, namew, role, *name ? name : _("(no name)"));
        ui_put(y, idx, idw, role == ROLE_SELECTED ? role : ROLE_DIM, field(p, "id", id, sizeof id));
    }
}

static int local(const app *a)
{
    return a->f.profile >= 0 &&
           (a->f.profiles[a->f.profile].ops->caps & PROVIDER_CAP_LOCAL_PROJECTS);
}


static void draw_empty(app *a, int y)
{
    char line[512];
    const char *word = project_word(a);
    if (local(a)) {
        snprintf(line, sizeof line, _("No %s remembered for this profile yet. Press n and enter "
                                      "the customer's instance id (a UUID)."), word);
        ui_wrap(y, 2, COLS - 4, 3, ROLE_WARN, line);
        return;
    }
    snprintf(line, sizeof line, _("There is no %s on this account yet."), word);
    y += 1 + ui_wrap(y, 2, COLS - 4, 2, ROLE_WARN, line);
    snprintf(line, sizeof line,
             _("A %s is made in %s's dashboard. Make one there, then press r to look again."),
             word, a->f.profiles[a->f.profile].ops->label);
    ui_wrap(y, 2, COLS - 4, 4, ROLE_TEXT, line);
}

static void project_draw(app *a)
{
    const flow *f = &a->f;
    char line[256];
    ui_title_bar(a, flow_step_title(FLOW_STEP_PROJECT));
    if (a->confirm)
        ui_hint_bar(_("y yes  any other key: no"));
    else if (local(a))
        ui_hint_bar(project_count(a) ? _("Enter choose  n add  d forget  Esc back  ? help  q quit")
                                     : _("n add  Esc back  ? help  q quit"));
    else if (project_count(a))
        ui_hint_bar(can_go_back(a)
                        ? _("Enter choose  Up/Down move  r reload  Esc back  ? help  q quit")
                        : _("Enter choose  Up/Down move  r reload  ? help  q quit"));
    else
        ui_hint_bar(can_go_back(a) ? _("r reload  Esc back  ? help  q quit")
                                   : _("r reload  ? help  q quit"));
    if (f->profile < 0)
        return;
    clamp_cursor(a);
    int y = 2, status_rows = 4, status_y = LINES - 1 - status_rows;
    snprintf(line, sizeof line, _("Which %s is the channel for?"), project_word(a));
    y += 1 + ui_wrap(y, 2, COLS - 4, 2, ROLE_TEXT, line);
    if (!json_is_array(f->projects)) {
        /* Nothing listed yet: the call's state is the whole story. */
        if (!scr_call_status(a, y, 2, COLS - 4, status_y - y, _("Press r to try again.")))
            ui_wrap(y, 2, COLS - 4, 2, ROLE_DIM, _("Press r to ask the hub for the list."));
        return;
    }
    if (project_count(a) == 0)
        draw_empty(a, y);
    else
        draw_list(a, y, status_y - 1);
    if (a->confirm)
        ui_wrap(status_y, 2, COLS - 4, status_rows, ROLE_WARN,
                _("Forget this instance here? Nothing changes on the hub; you can add it again. "
                  "y/N"));
    else if (f->notice[0] && local(a))
        ui_wrap(status_y, 2, COLS - 4, status_rows, ROLE_OK, f->notice);
    else
        scr_call_status(a, status_y, 2, COLS - 4, status_rows, _("Press r to try again."));
}

/* HydraCore: n adds an instance id, d forgets one (after y). */
static int local_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    if (a->confirm) {
        a->confirm = 0;
        if (!is_keycode && i18n_is_yes_key(ch))
            flow_forget(&a->f, 1, a->project_cursor);
        return SCREEN_HANDLED;
    }
    if (act == ACT_NEW) {
        flow_open_add(&a->f, 1);
        return SCREEN_HANDLED;
    }
    if (act == ACT_DELETE && project_count(a)) {
        a->confirm = ACT_DELETE; /* d on a remembered instance waits for y */
        return SCREEN_HANDLED;
    }
    return SCREEN_IGNORED;
}

static int project_key(app *a, tui_action act, int is_keycode, wint_t ch)
{
    int n = (int)project_count(a), page = LINES - 12 > 1 ? LINES - 12 : 1;
    clamp_cursor(a);
    if (local(a) && (a->confirm || act == ACT_NEW || act == ACT_DELETE))
        return local_key(a, act, is_keycode, ch);
    if (is_keycode && (ch == KEY_NPAGE || ch == KEY_PPAGE || ch == KEY_HOME || ch == KEY_END)) {
        a->project_cursor = ch == KEY_HOME    ? 0
                            : ch == KEY_END   ? n - 1
                            : ch == KEY_NPAGE ? a->project_cursor + page
                                              : a->project_cursor - page;
        clamp_cursor(a);
        return SCREEN_HANDLED;
    }
    switch (act) {
    case ACT_UP:
        a->project_cursor -= a->project_cursor > 0;
        return SCREEN_HANDLED;
    case ACT_DOWN:
        a->project_cursor += a->project_cursor < n - 1;
        return SCREEN_HANDLED;
    case ACT_SELECT:
        if (n > 0) {
            scr_call_forget();
            flow_choose_project(&a->f, a->project_cursor);
        }
        return SCREEN_HANDLED;
    case ACT_RETRY:
        scr_call_forget();
        flow_reload(&a->f);
        return SCREEN_HANDLED;
    case ACT_BACK:
        if (can_go_back(a))
            flow_back(&a->f);
        return SCREEN_HANDLED;
    default:
        return SCREEN_IGNORED;
    }
}

static void project_enter(app *a)
{
    list_top = 0;
    a->confirm = 0;
    scr_call_forget();
}

static int project_tick(app *a)
{
    return scr_call_ticking(a);
}

const screen_ops screen_project = {
    .name = "project",
    .enter = project_enter,
    .draw = project_draw,
    .key = project_key,
    .tick = project_tick,
};
