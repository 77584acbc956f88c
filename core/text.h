/* text.h: make server and user strings safe to draw, and mask secrets. */
#ifndef HD_TEXT_H
#define HD_TEXT_H

#include <stddef.h>

/*
 * Copies `in` into `out` (always NUL-terminated, truncated at a character boundary) with
 * every C0/C1 control character, DEL, escape sequence introducer and invalid UTF-8 byte
 * replaced by '?', so that nothing from a server or a user can move the cursor or change
 * the terminal. Newlines and tabs become spaces. Returns `out`.
 */
char *text_sanitize(const char *in, char *out, size_t outsz);

/* Same, into a malloc'd string the caller frees. NULL in gives "" out; NULL on OOM. */
char *text_sanitize_dup(const char *in);

/* Writes "••••abcd" style masking of a secret: only its last 4 characters survive. */
char *text_mask_secret(const char *secret, char *out, size_t outsz);

/* 1 if the string is valid UTF-8 with no control characters, else 0. */
int text_is_clean(const char *s);

/*
 * A copy of the n bytes at `in` (a JSON text from a server) that a JSON parser accepts
 * whatever the server put in its strings, so that its words are not lost with one bad byte:
 * every byte of an invalid UTF-8 sequence, C1 controls and bidi overrides become '?', raw
 * control bytes '?' (NUL included; tab, CR and LF become spaces, which are JSON whitespace),
 * and the escapes JSON parsers refuse or cut at (\u0000, a lone surrogate) become \u003f
 * ('?'). Anything valid keeps its meaning. Same length as the input, NUL-terminated;
 * malloc'd, the caller frees. NULL on OOM (or when `in` is NULL).
 */
char *text_json_lossy(const char *in, size_t n);

/* Display columns of a UTF-8 string in the current locale (wcwidth; an invalid byte or a
   character without a width counts 1, as the screens draw it as '?'). */
int text_cols(const char *utf8);

/*
 * Fits a key bar into w columns without cutting an entry. `hints` is "KEY word" entries
 * separated by two (or more) spaces, e.g. "Enter choose  Up/Down move  Esc back  ? help  q quit".
 * When the whole does not fit, entries are dropped whole from the middle, right to left: the
 * first (the screen's main action) and the last two (help, quit) stay, because the help lists
 * every key anyway; an "Esc ..." entry (the way back) is dropped only after the other middle
 * ones. If those three still do not fit, the first goes, then all but the last.
 * Writes the result (entries joined by two spaces) into out (n bytes, always NUL-terminated)
 * and returns its width, which may still exceed w only when the last entry alone does.
 */
int text_hint_fit(const char *hints, int w, char *out, size_t n);

#endif
