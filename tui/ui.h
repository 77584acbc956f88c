/* ui.h: colour roles and the widgets every screen shares (bars, text, QR view). */
#ifndef HD_TUI_UI_H
#define HD_TUI_UI_H

#include "app.h"
#include "qr.h"

typedef enum ui_role {
    ROLE_TEXT = 1,
    ROLE_TITLE,
    ROLE_BAR,
    ROLE_DIM,
    ROLE_OK,
    ROLE_ERROR,
    ROLE_WARN,
    ROLE_SELECTED,
    ROLE_QR,     /* dark on a light background: a light blank cell (ASCII style) */
    ROLE_QR_INK, /* light ink on dark: every glyph-style cell (ink = light modules), a dark
                    ASCII cell */
    ROLE_QR_PAPER, /* light on light: a blank cell that is not a space */
    ROLE_QR_SOLID, /* dark on dark */
    ROLE_COUNT
} ui_role;

/*
 * What endwin writes to leave curses (attributes off, cursor shown, keypad off, alternate
 * screen left), from the current terminal's terminfo, into out (n bytes, NUL-terminated,
 * cut if short). Returns its length. After newterm; for termguard's signal handlers.
 */
size_t ui_term_reset(char *out, size_t n);

/* Sets up colour pairs (or monochrome attributes). Returns 1 if colours are in use. */
int ui_theme_init(int want_colour);
int ui_attr(ui_role role);

/*
 * Draws UTF-8 text at (y, x) in at most `maxw` columns. Text that does not fit is cut visibly:
 * at the last word boundary that fits (or mid-word when a single word, an id or a URL, fills
 * most of the room) and ended with an ellipsis ("~" on a terminal without UTF-8). Returns the
 * columns used, ellipsis included.
 */
int ui_put(int y, int x, int maxw, ui_role role, const char *utf8);
/* The same without the ellipsis: cut exactly at maxw, for what is clipped on purpose (the tail
   of a text field, a piece of a word that goes on in the next row). Returns the columns used. */
int ui_put_clip(int y, int x, int maxw, ui_role role, const char *utf8);
/* Word-wraps text into `w` columns from row y, at most `maxrows` rows. Returns rows used. */
int ui_wrap(int y, int x, int w, int maxrows, ui_role role, const char *utf8);
/* The rows ui_wrap would use for the same text, without drawing. */
int ui_wrap_rows(int w, int maxrows, const char *utf8);
/* Display width of a UTF-8 string. */
int ui_width(const char *utf8);
/* Writes s followed by spaces up to `cols` display columns (printf's %-18s counts bytes, so
   "Número:" came out one column short) into out (n bytes, NUL-terminated). Returns out. */
char *ui_pad(char *out, size_t n, const char *s, int cols);

/*
 * ui_phone.c: under a phone field, "Reads as +55 11 98765-4321; the hub gets 5511987654321."
 * (dim) and the country's warnings (warning colour), from what is typed so far with the
 * profile's country (may be ""); '+' in the hub's form when plus. Nothing for empty text or
 * text that is refused (Enter says why). At most maxrows rows from (y, x), w columns; returns
 * the rows used.
 */
int ui_phone_preview(int y, int x, int w, int maxrows, const char *typed, const char *country,
                     int plus);

/* Title bar on row 0: "hubdesk > <step>" and the profile on the right. */
void ui_title_bar(app *a, const char *step_title);
/* Key hints on the last row, e.g. "Enter choose  Esc back  ? help  q quit". */
void ui_hint_bar(const char *hints);
/* Without colours: 0 draws the QR glyphs (light modules) in the terminal ink (dark
 * backgrounds), 1 in reverse video (light backgrounds). */
void ui_qr_invert(int inverted);
/* Draws a light-ink render (qr_render_make) with explicit colours at (y, x). */
void ui_qr(int y, int x, const qr_render *r);
/* The key help over the current screen (the vault's keys only when one is in use), as wide
   as the terminal allows, descriptions wrapped, from key number *top (clamped here so the last
   page ends on the last key). 1 if it does not fit whole, so Up/Down scroll it. */
int ui_help_overlay(int with_vault, int *top);

/* scr_project.c: the hub call of a list screen (busy, failed, 429 countdown), shared by the
   project and channel lists. Rows used; ticking: redraw once a second; forget: a new action. */
int scr_call_status(app *a, int y, int x, int w, int maxrows, const char *retry_hint);
int scr_call_ticking(app *a);
void scr_call_forget(void);

/* scr_setup_result.c: the result step of hubs connected by form (HubMessage, HydraCore). */
int scr_setup_result_applies(const app *a);
void scr_setup_result_draw(app *a);
int scr_setup_result_key(app *a, tui_action act, int is_keycode, wint_t ch);

#endif
