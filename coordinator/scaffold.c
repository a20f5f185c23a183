/*
 * coordinator/scaffold.c - `bengal-farm new SITE` (see scaffold.h).
 *
 * The starter site is a table of files held as string literals.  Each file
 * stays well under the 4095 bytes C11 promises for one literal.  The site
 * must build with no warnings under --strict (tests/e2e/new_test.c checks
 * it): every cross-reference, `.md` link and menu `page:` below names a page
 * of this table, and every date is in the past.
 *
 * Invariant: the target is checked to be missing or empty before anything
 * is written, so an existing site is never overwritten.
 */
#include "coordinator/scaffold.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "shared/fs.h"
#include "shared/log.h"

static const char config_yaml[] =
    "# The site's configuration: see `man bengal-farm` for every key.\n"
    "title: My Docs\n"
    "# The address the site is published under, such as\n"
    "# \"https://docs.example.org\"; empty: links are relative to the root.\n"
    "baseurl: \"\"\n"
    "language: en\n"
    "\n"
    "build:\n"
    "  output_dir: public\n"
    "\n"
    "menus:\n"
    "  main:\n"
    "    - name: Docs\n"
    "      page: docs\n"
    "      weight: 10\n"
    "    - name: Guides\n"
    "      page: guides\n"
    "      weight: 20\n"
    "\n"
    "# Values for templates (site.params); these are the ones the theme reads.\n"
    "params:\n"
    "  description: Documentation for my project.\n"
    "  # An image in the top bar, beside the title (a file of static/);\n"
    "  # logo_only: true shows it instead of the title.\n"
    "  logo: logo.svg\n"
    "  # The page footer's \"Edit this page\" link: repo.url/edit/BRANCH/FILE.\n"
    "  show_edit_link: false\n"
    "  repo: {url: \"https://example.com/your/project\", branch: main}\n"
    "  # version: \"1.0\"        # shown in the footer\n"
    "  # footer_links: [{name: Changelog, url: /changelog/}]\n";

static const char home_md[] =
    "---\n"
    "title: My Docs\n"
    "description: Documentation for my project.\n"
    "---\n"
    "\n"
    "# Welcome\n"
    "\n"
    "This site was made by `bengal-farm new`. Edit the markdown files under\n"
    "`content/` and build again: each file becomes a page.\n"
    "\n"
    "- New here? Start with [[docs/getting-started]].\n"
    "- Every setting of the site is in [[docs/configuration]].\n"
    "- Step-by-step walkthroughs are in the [[guides|guides]].\n";

static const char docs_index_md[] =
    "---\n"
    "title: Documentation\n"
    "description: How to build, write and configure this site.\n"
    "weight: 10\n"
    "---\n"
    "\n"
    "The reference part of the site. Begin with [[docs/getting-started]], then\n"
    "look up settings in [[docs/configuration]].\n";

static const char getting_started_md[] =
    "---\n"
    "title: Getting started\n"
    "description: Build this site, add a page and see it published.\n"
    "date: 2024-01-15\n"
    "weight: 1\n"
    "tags: [setup, basics]\n"
    "---\n"
    "\n"
    "This page walks through the first build and the first page you add.\n"
    "\n"
    "## Build the site\n"
    "\n"
    "From the directory that holds `bengal.yaml`:\n"
    "\n"
    "```sh\n"
    "bengal-farm .\n"
    "```\n"
    "\n"
    "The result is in `public/`: one folder per page, each with an\n"
    "`index.html`. Look at it with any static file server:\n"
    "\n"
    "```sh\n"
    "python3 -m http.server --directory public 8000\n"
    "```\n"
    "\n"
    ":::{tip} Build with --strict in CI\n"
    "`bengal-farm --strict .` turns warnings, such as a link to a page that\n"
    "does not exist, into errors, and then leaves the previous output as it\n"
    "was.\n"
    ":::\n"
    "\n"
    "## Add a page\n"
    "\n"
    "Create `content/docs/my-page.md`; the part between the `---` lines is\n"
    "front matter, and all of it is optional:\n"
    "\n"
    "```markdown\n"
    "---\n"
    "title: My page\n"
    "date: 2024-02-01\n"
    "tags: [basics]\n"
    "---\n"
    "\n"
    "Some text, and a link to [the settings](configuration.md).\n"
    "```\n"
    "\n"
    "Build again and the page is at `/docs/my-page/`.\n"
    "\n"
    "## Where things go\n"
    "\n"
    "| path | what it holds |\n"
    "|---|---|\n"
    "| `bengal.yaml` | the title, menus and params of the site |\n"
    "| `content/` | markdown pages; a folder with `_index.md` is a section |\n"
    "| `templates/` | your own templates, if you want any |\n"
    "| `static/` | files copied as they are |\n"
    "| `public/` | the built site, replaced on every build |\n"
    "\n"
    "## Next steps\n"
    "\n"
    "- [x] Build the site\n"
    "- [ ] Read [[docs/configuration]] for the settings in `bengal.yaml`\n"
    "- [ ] Follow the guide [[guides/first-page]]\n";

static const char configuration_md[] =
    "---\n"
    "title: Configuration\n"
    "description: The settings in bengal.yaml.\n"
    "date: 2024-01-16\n"
    "weight: 2\n"
    "tags: [reference]\n"
    "---\n"
    "\n"
    "Every setting of the site lives in `bengal.yaml`, at its root.\n"
    "\n"
    "## Site\n"
    "\n"
    "```yaml title=\"bengal.yaml\" {2}\n"
    "title: My Docs\n"
    "baseurl: \"https://docs.example.org\"\n"
    "language: en\n"
    "```\n"
    "\n"
    "`baseurl` is the address the site is published under. Leave it empty\n"
    "while you work on your own machine.\n"
    "\n"
    "## Menus\n"
    "\n"
    "Each entry of `menus.main` names a page (`page: docs`) or an address\n"
    "(`url: https://example.com`), and a `weight` that orders the entries.\n"
    "\n"
    "## Params\n"
    "\n"
    "Anything under `params` is yours: templates read it as `site.params`.\n"
    "\n"
    "## Markdown\n"
    "\n"
    "| key | default | what it does |\n"
    "|---|---|---|\n"
    "| `markdown.unsafe` | `false` | keep raw HTML in pages |\n"
    "| `markdown.anchor_links` | `false` | add a permalink to each heading |\n"
    "| `markdown.highlight` | `true` | highlight code blocks when the site is built |\n"
    "| `markdown.toc_depth` | `\"2-4\"` | heading levels in the table of contents |\n";

static const char guides_index_md[] =
    "---\n"
    "title: Guides\n"
    "description: Step-by-step walkthroughs.\n"
    "weight: 20\n"
    "---\n"
    "\n"
    "Walkthroughs that build on [[docs/getting-started]].\n";

/* Shown in the first page, and its markdown in a dropdown below it. */
#define STARTER_TABS                                                                       \
    "::::{tab-set}\n"                                                                       \
    ":::{tab-item} Linux\n"                                                                 \
    "Tabs with the same label switch together on the whole page.\n"                         \
    ":::\n"                                                                                 \
    ":::{tab-item} macOS\n"                                                                 \
    "Each tab holds any markdown.\n"                                                        \
    ":::\n"                                                                                 \
    "::::\n"

static const char first_page_md[] =
    "---\n"
    "title: Write your first page\n"
    "description: Headings, links, notes, tabs and tags in a page.\n"
    "date: 2024-02-01\n"
    "weight: 1\n"
    "tags: [basics, writing]\n"
    "---\n"
    "\n"
    "A page is a markdown file under `content/`. Its path is its address:\n"
    "`content/guides/first-page.md` is published at `/guides/first-page/`.\n"
    "\n"
    "## Link to other pages\n"
    "\n"
    "Name a page by its path under `content/`, in double square brackets, and\n"
    "the link text is that page's title: [[docs/configuration]]. Links to\n"
    "`.md` files work as they do on GitHub:\n"
    "[the configuration page](../docs/configuration.md).\n"
    "\n"
    ":::{note} Broken links\n"
    "A link to a page that does not exist is a warning, and an error with\n"
    "`--strict`.\n"
    ":::\n"
    "\n"
    "## Notes, tabs and collapsible parts\n"
    "\n"
    "Blocks written for GitHub, MkDocs or MyST work here as they are:\n"
    "\n"
    "> [!TIP]\n"
    "> A quote that starts with `[!NOTE]`, `[!TIP]`, `[!IMPORTANT]`,\n"
    "> `[!WARNING]` or `[!CAUTION]` on a line of its own is shown as a note.\n"
    "\n"
    "!!! example \"MkDocs style\"\n"
    "    The body is indented by four spaces; `???` instead of `!!!` makes\n"
    "    it collapsible.\n"
    "\n"
    STARTER_TABS
    "\n"
    ":::{dropdown} How were these tabs written?\n"
    "````markdown\n"
    STARTER_TABS
    "````\n"
    ":::\n"
    "\n"
    "## Tag the page\n"
    "\n"
    "List tags in the front matter (`tags: [basics, writing]`); each tag gets\n"
    "a page listing everything tagged with it, under `/tags/`.\n"
    "\n"
    "Next: [[guides/publishing]].\n";

static const char publishing_md[] =
    "---\n"
    "title: Publish the site\n"
    "description: Put the built site on a web server.\n"
    "date: 2024-02-10\n"
    "weight: 2\n"
    "tags: [deploy]\n"
    "---\n"
    "\n"
    "The site in `public/` is plain files: any web server or static host\n"
    "serves it.\n"
    "\n"
    "## Set the address\n"
    "\n"
    "Put the address the site will live at in `baseurl` (see\n"
    "[[docs/configuration]]), so that the sitemap and feeds point to it.\n"
    "\n"
    "## Copy the files\n"
    "\n"
    "```sh\n"
    "bengal-farm --strict .\n"
    "rsync -a --delete public/ www.example.org:/var/www/docs/\n"
    "```\n"
    "\n"
    ":::{warning}\n"
    "`public/` is replaced on every build: keep nothing of your own in it.\n"
    ":::\n";

/* static/logo.svg: params.logo of the starter site, a page of lines. */
static const char logo_svg[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\">"
    "<rect width=\"32\" height=\"32\" rx=\"7\" fill=\"#1f5fbf\"/>"
    "<path d=\"M10 10h12M10 16h12M10 22h7\" stroke=\"#fff\" stroke-width=\"2.5\" "
    "stroke-linecap=\"round\"/></svg>\n";

static const char gitignore[] =
    "# Build output and caches: made again by every build.\n"
    "/public/\n"
    "/.bengal/\n";

/* Directories first (parents before children), then the files. */
static const char *const scaffold_dirs[] = {"content/docs", "content/guides", "static"};

static const struct {
    const char *path;
    const char *text;
    size_t len;
} scaffold_files[] = {
#define BF_SCAFFOLD_FILE(path, text) {path, text, sizeof text - 1}
    BF_SCAFFOLD_FILE("bengal.yaml", config_yaml),
    BF_SCAFFOLD_FILE(".gitignore", gitignore),
    BF_SCAFFOLD_FILE("content/_index.md", home_md),
    BF_SCAFFOLD_FILE("content/docs/_index.md", docs_index_md),
    BF_SCAFFOLD_FILE("content/docs/getting-started.md", getting_started_md),
    BF_SCAFFOLD_FILE("content/docs/configuration.md", configuration_md),
    BF_SCAFFOLD_FILE("content/guides/_index.md", guides_index_md),
    BF_SCAFFOLD_FILE("content/guides/first-page.md", first_page_md),
    BF_SCAFFOLD_FILE("content/guides/publishing.md", publishing_md),
    BF_SCAFFOLD_FILE("static/logo.svg", logo_svg),
#undef BF_SCAFFOLD_FILE
};

/* 0 when dir is missing or an empty directory; else -1, logged.  A missing
 * dir is made later by bf_fs_mkdir_p (with its parents). */
static int check_target(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) < 0) {
        if (errno == ENOENT)
            return 0;
        bf_log_at(BF_LOG_ERROR, dir, 0, 0, "cannot use as a new site: %s", strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        bf_log_at(BF_LOG_ERROR, dir, 0, 0, "refusing to create a site here: it exists and "
                                           "is not a directory");
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        bf_log_at(BF_LOG_ERROR, dir, 0, 0, "cannot read directory: %s", strerror(errno));
        return -1;
    }
    bool empty = true;
    struct dirent *e;
    while (empty && (e = readdir(d)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    if (!empty) {
        bf_log_at(BF_LOG_ERROR, dir, 0, 0, "refusing to create a site here: the directory "
                                           "is not empty (give a new or empty directory)");
        return -1;
    }
    return 0;
}

/* out = dir + "/" + rel, without doubling a trailing slash of dir.  0, or
 * -1 logged when the path does not fit. */
static int site_path(char *out, size_t cap, const char *dir, const char *rel)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    int w = snprintf(out, cap, "%.*s%s%s", (int)n, dir, dir[n - 1] == '/' ? "" : "/", rel);
    if (w < 0 || (size_t)w >= cap) {
        bf_log_at(BF_LOG_ERROR, dir, 0, 0, "path too long for \"%s\"", rel);
        return -1;
    }
    return 0;
}

int bf_scaffold_new(const char *dir)
{
    char path[BF_PATH_MAX];
    if (!*dir) {
        bf_log_error("the new site's directory name is empty");
        return -1;
    }
    if (check_target(dir) < 0)
        return -1;
    if (bf_fs_mkdir_p(dir, 0777) < 0) {
        bf_log_at(BF_LOG_ERROR, dir, 0, 0, "cannot create directory: %s", strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < sizeof scaffold_dirs / sizeof scaffold_dirs[0]; i++) {
        if (site_path(path, sizeof path, dir, scaffold_dirs[i]) < 0)
            return -1;
        if (bf_fs_mkdir_p(path, 0777) < 0) {
            bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot create directory: %s", strerror(errno));
            return -1;
        }
    }
    for (size_t i = 0; i < sizeof scaffold_files / sizeof scaffold_files[0]; i++) {
        if (site_path(path, sizeof path, dir, scaffold_files[i].path) < 0)
            return -1;
        if (bf_fs_write_atomic(path, scaffold_files[i].text, scaffold_files[i].len, 0) < 0) {
            bf_log_at(BF_LOG_ERROR, path, 0, 0, "cannot write: %s", strerror(errno));
            return -1;
        }
    }
    printf("created %s; build it with: bengal-farm %s\n", dir, dir);
    return 0;
}
