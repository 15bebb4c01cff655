"""Page chrome removal for plain-text captures of web pages.

A page saved as text carries its navigation ("Skip to content", menus, "Sign in"), its
sharing and subscription widgets, cookie notices and comment policies around the
article. ``strip_chrome`` drops those lines and keeps the article's paragraphs:

- anywhere: lines that are only a chrome phrase ("Share this", "Advertisement"), bare
  URLs (embedded posts), short subscription/cookie/sharing prompts, photo credits;
- anywhere: "Related: ...", "Read more: ..." lines (headlines of other pages);
- at the end: an author box, a paragraph that opens with the name of a byline's author
  ("Jane Roe is a correspondent ...");
- in the leading and trailing blocks (before the first and after the last paragraph
  of prose), when such a block holds any chrome: also short lines without sentence
  punctuation (menus, bylines, dates), repeated titles and longer boilerplate
  paragraphs (comment policies, membership and subscription notices). The last
  title-like line of the leading block is kept.

The phrases are page furniture of any site, not vocabulary of the domain, so they live
here rather than in the ontology.
"""
from __future__ import annotations

import re

# A whole line that is only one of these (after trimming symbols) is chrome anywhere.
_CHROME_LINE = re.compile(
    r"(skip to (main )?(content|navigation|main)|go to (my )?account|my account|"
    r"sign (in|up|out)|log ?(in|out)|register|subscribe( now| today| here)?|"
    r"(open |close |toggle )?(menu|navigation|search)|home|close|"
    r"share( this( article| story| page| post)?| with a friend| on \w+| article)?|"
    r"tweet|e-?mail|print|copy( the)? link|link copied|facebook|twitter|x|linkedin|whatsapp|"
    r"reddit|telegram|flipboard|pinterest|"
    r"(related|recommended|popular|more|latest|trending|top) (articles?|stories|posts|news|"
    r"reading|videos?|from [\w .'’-]+)|read more|continue reading|read next|see also|"
    r"you (may|might) also like|most (read|popular|viewed)|"
    r"advertisement|sponsored( content)?|ad|"
    r"\d* ?comments?( \(\d+\))?|leave a (comment|reply)|(show|view|hide) comments|"
    r"follow us( on [\w ]+)?|newsletters?|"
    r"cookie (settings|preferences|policy)|accept( all)?( cookies)?|reject all|"
    r"manage (cookies|preferences|consent)|back to top|privacy( policy)?|"
    r"terms (of use|of service|and conditions)|contact( us)?|about( us)?|"
    r"all rights reserved|(copyright|©).*|listen( to (this )?article)?|"
    r"\d+ min(ute)? read|gift (this )?article|save( article)?|bookmark)",
    re.IGNORECASE)

# Prompts that are chrome wherever they stand when the line is short.
_STRONG = re.compile(
    r"(\bcookies?\b|\bsubscri(be|ption|bing)\b|\bsign up\b|\bnewsletter|\blog in to\b|"
    r"\bshare (this|these|the) (article|story|post|page)s?\b|\bcomment policy\b|"
    r"\ball rights reserved\b)",
    re.IGNORECASE)

# Paragraphs that are boilerplate when they stand before or after the article.
_EDGE = re.compile(
    r"(\bcookies?\b|\bsubscri(be|ber|bers|ption|bing)\b|\byour (membership|subscription)\b|"
    r"\bbecome a (member|subscriber)\b|\bmembers[ -]only\b|\bguest pass\b|\bpaywall\b|"
    r"\bfree trial\b|\bsign (up|in)\b|\blog ?in\b|\bnewsletters?\b|\bconsider upgrading\b|"
    r"\bcommenting\b|\bcommenters\b|\bcomments? (that|section|are|policy|below)\b|"
    r"\bcomment on (this|our|these)\b|\bjoin the (conversation|discussion)\b|"
    r"\bcommunity (guidelines|standards)\b|\bmay be moderated\b|"
    r"\bshar(e|ing) (this|these|articles?|stor(y|ies))\b|\bwith a friend\b|"
    r"\ball rights reserved\b|©|\bcopyright \d{4}\b|\bprivacy policy\b|"
    r"\bterms of (use|service)\b|\brelated (articles|stories)\b|\brecommended for you\b|"
    r"\bread more\b|\bfollow us\b|\bdownload (our|the) app\b|"
    r"\bsupport (our|independent) journalism\b)",
    re.IGNORECASE)

_URL_LINE = re.compile(r"^(<)?(https?://|www\.)\S+(>)?$", re.IGNORECASE)
_PHOTO_CREDIT = re.compile(
    r"\s*\((photo|photograph|image|picture|video|credit|illustration)s?\b[^()]{0,200}\)",
    re.IGNORECASE)
_CREDIT_LINE = re.compile(r"^(photo|image|credit|illustration)s?( credit)?\s*:\s*\S.{0,150}$",
                          re.IGNORECASE)
# "Related: <headline of another article>", "Read more: ..." lines anywhere.
_LIST_PREFIX = re.compile(r"^(related( articles?| stories| coverage)?|read (more|next|also)|"
                          r"see also|also read|more on this|recommended|watch|listen)\s*:",
                          re.IGNORECASE)
# "By Jane Roe and John Doe, Example Wire": the authors of a byline.
_BYLINE = re.compile(r"^by\s+(?P<names>[^|•·]+?)(\s*[,|•·].*)?$", re.IGNORECASE)
_BIO_VERB = re.compile(r"^\s*(is|was|reports|writes|covers|has (reported|written|covered)|"
                       r"joined)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_TRIM = re.compile(r"^[\W_]+|[\W_]+$")
_MAX_SHORT_WORDS = 12
_MAX_EDGE_PARAGRAPH = 1200
_MAX_STRONG_LINE = 100


def _norm(line: str) -> str:
    return " ".join(_TRIM.sub("", line).split()).casefold()


def _is_chrome_line(line: str) -> bool:
    norm = _norm(line)
    if not norm:
        return bool(line.strip())  # only symbols: separators, bullets
    if _CHROME_LINE.fullmatch(norm) or _URL_LINE.match(line.strip()):
        return True
    if _CREDIT_LINE.match(line.strip()) or _LIST_PREFIX.match(line.strip()):
        return True
    return len(line) <= _MAX_STRONG_LINE and bool(_STRONG.search(line))


def _is_short(line: str) -> bool:
    """Return True for a line with few words and no sentence punctuation at its end."""
    s = line.strip()
    return len(s.split()) <= _MAX_SHORT_WORDS and not _SENTENCE_END.search(s)


def _is_edge_boilerplate(line: str) -> bool:
    return len(line) <= _MAX_EDGE_PARAGRAPH and bool(_EDGE.search(line))


def _is_title_like(line: str) -> bool:
    words = [w for w in line.split() if any(c.isalpha() for c in w)]
    if len(words) < 2 or _is_chrome_line(line) or _is_edge_boilerplate(line):
        return False
    if any(sep in line for sep in ("|", "•", "·", " / ", "»", "›")):
        return False
    if line.strip().lower().startswith("by "):
        return False
    capitals = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    return capitals * 2 >= len(words)


def _is_prose(line: str) -> bool:
    s = line.strip()
    return bool(s) and not _is_short(s) and not _is_chrome_line(s)


def _has_chrome(block: list[str]) -> bool:
    return any(_is_chrome_line(line) or _is_edge_boilerplate(line) for line in block)


def _strip_leading(lines: list[str], keep: list[bool], first: int) -> None:
    """Drop the chrome of the lines before the first paragraph, keeping one title: the
    last title-like short line (menus come before titles, bylines after)."""
    seen: set[str] = set()
    titles: list[int] = []
    for i in range(first):
        line = lines[i]
        key = _norm(line)
        if not keep[i]:
            continue
        if _is_edge_boilerplate(line) or key in seen:
            keep[i] = False
        elif _is_short(line):
            keep[i] = False
            if _is_title_like(line):
                titles.append(i)
        seen.add(key)
    if titles:
        keep[titles[-1]] = True


def byline_names(lines: list[str]) -> set[str]:
    """Return the authors named by "By A and B, Outlet" lines among the first lines."""
    names: set[str] = set()
    for line in lines[:15]:
        match = _BYLINE.match(line.strip())
        if match is None or len(line.split()) > _MAX_SHORT_WORDS:
            continue
        for name in re.split(r"\s*(?:,|\band\b|&)\s*", match.group("names")):
            words = name.split()
            if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words):
                names.add(" ".join(words))
    return names


def _is_author_box(line: str, authors: set[str]) -> bool:
    """Return True for a paragraph about the byline's author ("Jane Roe is a reporter ...")."""
    s = line.strip()
    return any(s.startswith(name) and _BIO_VERB.match(s[len(name):]) for name in authors)


def strip_chrome(text: str) -> str:
    """Return ``text`` without page-chrome lines, blank runs collapsed, ends trimmed.

    Evidence offsets of a document refer to the returned text. A text with no line of
    prose keeps everything but the lines that are only a chrome phrase.
    """
    lines = [_PHOTO_CREDIT.sub("", line).rstrip() for line in text.splitlines()]
    prose = [i for i, line in enumerate(lines) if _is_prose(line)
             and not _is_edge_boilerplate(line)]
    keep = [bool(line.strip()) and not _is_chrome_line(line) for line in lines]
    if prose:
        first, last = prose[0], prose[-1]
        if _has_chrome(lines[:first]):
            _strip_leading(lines, keep, first)
        if _has_chrome(lines[last + 1:]):
            for i in range(last + 1, len(lines)):
                keep[i] = False
        authors = byline_names(lines[:first + 1])
        tail = [i for i in prose if i > first][-2:]  # author boxes close the page
        for i in tail if authors else ():
            if _is_author_box(lines[i], authors):
                keep[i] = False
    out: list[str] = []
    for line, kept in zip(lines, keep):
        if kept:
            out.append(line.strip())
        elif not line.strip() and out and out[-1]:
            out.append("")
    return "\n".join(out).strip()
