/*
 * shared/html.h - escaping text for HTML, XML and JSON output.
 *
 * The fast path copies runs of bytes that need nothing in one append (a
 * table lookup per byte, no function call per character).
 */
#ifndef BF_SHARED_HTML_H
#define BF_SHARED_HTML_H

#include <stddef.h>

#include "shared/buf.h"

/* Appends s[0..n) with & < > " ' escaped (HTML text and attributes, XML). */
int bf_html_escape(bf_buf_t *out, const char *s, size_t n);
/* Appends s[0..n) with & < > " escaped, as cmark-gfm escapes text (the
 * apostrophe is kept): code blocks, byte for byte as cmark writes them. */
int bf_html_escape_text(bf_buf_t *out, const char *s, size_t n);
/* Appends s[0..n) as the inside of a JSON string (RFC 8259). */
int bf_json_escape(bf_buf_t *out, const char *s, size_t n);

#endif
