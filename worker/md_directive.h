/*
 * worker/md_directive.h - HTML of the directive blocks (MyST fences,
 * MkDocs admonitions) and of GitHub alerts, in the walk (private to the
 * markdown adapter; includes cmark-gfm through md_render.h).
 *
 * The markup, which the embedded theme styles (worker/theme/assets):
 *
 *   admonition   <div class="admonition KIND">
 *                <p class="admonition-title">Title</p> ... </div>
 *                (MyST :::{note}, MkDocs !!! note, GitHub > [!NOTE]; an
 *                MkDocs !!! note "" has no title paragraph)
 *   collapsible  <details class="admonition KIND"[ open]>
 *                <summary class="admonition-title">Title</summary> ...
 *                </details>  (MkDocs ??? and ???+)
 *   dropdown     <details class="dropdown"[ open]>
 *                <summary class="dropdown-title">Title</summary> ...
 *                </details>
 *   tab-set      <div class="tab-set"> then per tab-item:
 *                <input type="radio" class="tab-input" name="tabs-N"
 *                id="tabs-N-I"[ checked] />
 *                <label class="tab-label" for="tabs-N-I" data-sync="KEY">
 *                Label</label><div class="tab-panel"> ... </div>
 *                ... </div>  (radio buttons: tabs work without a script;
 *                the theme's script keeps tab-sets with the same label,
 *                or :sync: key, on the same tab)
 *   figure       <figure class="figure"><img src="PATH" alt="ALT" />
 *                <figcaption> body </figcaption></figure>
 *
 * Directive options: :class: (every directive: more classes), :open:
 * (dropdown), :sync: and :selected: (tab-item), :alt: (figure); any other
 * is a diagnostic.  Problems are diagnostics with the source line, and
 * the content is still shown: an unknown directive or a tab-item outside
 * a tab-set renders only its content, an unclosed MyST directive its
 * opening line as text then its content.
 */
#ifndef BF_WORKER_MD_DIRECTIVE_H
#define BF_WORKER_MD_DIRECTIVE_H

#include <stdbool.h>

#include "worker/md_render.h"

/* A directive node (either syntax), at ENTER and at EXIT. */
void bf_md_directive_enter(bf_md_walk_t *w, cmark_node *node);
void bf_md_directive_exit(bf_md_walk_t *w, cmark_node *node);

/* A block quote whose first line is exactly "[!NOTE]", "[!TIP]",
 * "[!IMPORTANT]", "[!WARNING]" or "[!CAUTION]" (any case; nothing else on
 * the line: GitHub has no custom title) is a GitHub alert: the marker
 * (and its paragraph if nothing else is in it) is unlinked from the tree,
 * the admonition is opened, and true returned.  Otherwise nothing is
 * written and false returned (the caller writes the quote).  Not in plain
 * mode. */
bool bf_md_alert_enter(bf_md_walk_t *w, cmark_node *node);

/* Is node a block quote rendered as an alert?  (Its exit writes
 * "</div>".) */
bool bf_md_is_alert(cmark_node *node);

/* An include directive that reached the parser (":::{include} x" or a
 * code block "```{include} x" inside a block quote or list item, or
 * rendered without a site): a diagnostic at line (of the text parsed),
 * and nothing written. */
void bf_md_include_missed(bf_md_walk_t *w, uint32_t line, const char *path, size_t n);

/* Tags that close what the ENTER of a directive or alert node wrote
 * ("" when it wrote nothing), for an excerpt cut inside it. */
const char *bf_md_directive_closer(cmark_node *node);

#endif
