/* app.h: the console: curses lifecycle, screens over the flow, one draw per loop turn. */
#ifndef HD_TUI_APP_H
#define HD_TUI_APP_H

#include <wchar.h>

#include "flow.h"
#include "keys.h"
#include "qr.h"

typedef struct app app;

/* What a screen's key handler asks the app to do next. */
enum screen_result {
    SCREEN_IGNORED = 0,
    SCREEN_HANDLED = 1 << 0,
    SCREEN_REDRAW = 1 << 1,
    SCREEN_QUIT = 1 << 2,
};

/* A screen: one file ending in a const struct of callbacks. */
typedef struct screen_ops {
    const char *name;
    void (*enter)(app *a);
    void (*leave)(app *a);
    void (*draw)(app *a);
    /* `action` from the key table; `ch`/`is_keycode` for screens with text fields. */
    int (*key)(app *a, tui_action action, int is_keycode, wint_t ch);
    /* Once a second while shown, for countdowns. Returns nonzero to redraw. */
    int (*tick)(app *a);
} screen_ops;

extern const screen_ops screen_profile, screen_name, screen_pair, screen_result;

typedef struct app_options {
    qr_style style;       /* QR style to start with */
    const char *subtitle; /* "sandbox" for the demo */
    const char *demo_hint; /* demo: how to simulate the phone's scan */
} app_options;

struct app {
    loop *l;
    http_client *http;
    flow f;
    const screen_ops *screen;
    int dirty;
    int show_help;
    int colour;          /* colours in use (not NO_COLOR, terminal has them) */
    int utf8;
    int allow_sextant;   /* terminal not known to draw sextants with gaps */
    int quitting;
    int qr_inverted;     /* monochrome only: QR flipped for light backgrounds */
    qr_style style;      /* user's choice; AUTO lets the fit decide */
    int profile_cursor;
    wchar_t name_buf[64];
    int name_len;
    char name_error[160];
    const char *subtitle;
    const char *demo_hint;
    uint64_t tick_timer;
};

/* Runs the console until the user quits. Profiles must be added to a->f before. */
int app_run(app *a);

/* Sets up loop, http and flow (profiles added by the caller afterwards). 0 or -1. */
int app_init(app *a, const app_options *o);
void app_release(app *a);

#endif
