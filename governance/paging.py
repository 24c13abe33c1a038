"""Keyset paging for the site's lists (no OFFSET, no count of the whole table).

A page is asked for with `?after=CURSOR` (the page after a row) or `?before=CURSOR` (the page
before one); the cursor names that row by its values in the list's order, a unique column (the
primary key) last as the tie-break, so a page costs one indexed range read however deep it is.
Every other query parameter (the list's filters) is kept in the page links; a filter form
submits without the cursor, so changing a filter starts again at page one. A missing, bad or
tampered cursor shows the first page.

The cursor also carries the position of its row, only to print 「第 x–y 筆」: counting a list of
200,000 rows for 「共 n 筆」 would cost more than the page itself.

NULLs sort as the largest value (PostgreSQL's default): last going up, first going down, so a
plain b-tree index on the order's columns serves either direction.
"""

import base64
import datetime
import json
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone

AFTER = "after"
BEFORE = "before"
CURSOR_PARAMS = (AFTER, BEFORE)
DEFAULT_PAGE_SIZE = 50


@dataclass
class Page:
    rows: list
    start: int  # position of the first row shown (1-based); 0 when the page is empty
    end: int
    next_url: str | None
    previous_url: str | None
    first_url: str | None  # None on the first page

    @property
    def paged(self) -> bool:
        """Whether the list runs past this one page (the pager is shown only then)."""
        return bool(self.next_url or self.previous_url)


def page_size() -> int:
    return getattr(settings, "LIST_PAGE_SIZE", DEFAULT_PAGE_SIZE)


def filters_of(query):
    """The query string without the cursor: for a list's export links (all filtered rows)."""
    params = query.copy()
    for name in CURSOR_PARAMS:
        params.pop(name, None)
    return params


def _url(query, name=None, cursor=None):
    params = filters_of(query)
    if name:
        params[name] = cursor
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


# ---------------------------------------------------------------- cursors


def _encode(position, values):
    raw = json.dumps([position, values], separators=(",", ":"), default=_jsonable).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _jsonable(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(type(value))


def _decode(cursor, fields):
    """(position, values) read back through each field, or None for anything malformed."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position, raw_values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if (
            not isinstance(position, int)
            or not isinstance(raw_values, list)
            or len(raw_values) != len(fields)
        ):
            return None
        values = []
        for field, raw in zip(fields, raw_values, strict=True):
            if isinstance(raw, (list, dict, bool)):
                return None
            if raw is None and not field.null:
                return None
            value = field.to_python(raw)
            if value is not None:
                if isinstance(value, datetime.datetime) and timezone.is_naive(value):
                    return None
                field.run_validators(value)  # an integer past the column's range, say
            values.append(value)
        return max(position, 0), values
    except (ValueError, TypeError, UnicodeDecodeError, ValidationError):
        return None


# ---------------------------------------------------------------- the order and its conditions


@dataclass(frozen=True)
class _Key:
    field: object
    descending: bool

    @property
    def name(self):
        return self.field.attname

    def order(self, reverse=False):
        descending = self.descending != reverse
        if not self.field.null:
            return F(self.name).desc() if descending else F(self.name).asc()
        # NULL is the largest value: first going down, last going up.
        return F(self.name).desc(nulls_first=True) if descending else F(self.name).asc(nulls_last=True)

    def beyond(self, value, reverse=False):
        """Rows strictly past `value` in this key's direction (reversed: strictly before)."""
        if self.descending != reverse:
            return self._less(value)
        return self._greater(value)

    def _less(self, value):
        if value is None:
            return Q(**{f"{self.name}__isnull": False})
        return Q(**{f"{self.name}__lt": value})

    def _greater(self, value):
        if value is None:
            return Q(pk__in=[])
        greater = Q(**{f"{self.name}__gt": value})
        return greater | Q(**{f"{self.name}__isnull": True}) if self.field.null else greater

    def equal(self, value):
        if value is None:
            return Q(**{f"{self.name}__isnull": True})
        return Q(**{self.name: value})


def _keys(model, order):
    keys = []
    for item in order:
        name = item.lstrip("-")
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        keys.append(_Key(field, item.startswith("-")))
    last = keys[-1].field if keys else None
    if last is None or not (last.primary_key or (last.unique and not last.null)):
        raise ValueError("a keyset order ends with the primary key or another unique column")
    return keys


def _past(keys, values, reverse=False):
    """The rows after (reversed: before) the row with these values: (k1, …, kn) compared in order."""
    alternatives = []
    for i, key in enumerate(keys):
        equal_before = [keys[j].equal(values[j]) for j in range(i)]
        alternatives.append(reduce(lambda a, b: a & b, equal_before, key.beyond(values[i], reverse)))
    return reduce(or_, alternatives)


# ---------------------------------------------------------------- pages


def keyset_page(request, queryset, order, size=None, rows=None):
    """One page of `queryset` in `order` (field names, "-" for descending, the last one "pk" or
    another unique column, the tie-break), with links to the pages either side that keep the
    request's other parameters. The rows are as the queryset gives them (select_related,
    annotations kept), in one query.

    A queryset that de-duplicates a join (DISTINCT) or counts per row (GROUP BY) is worked out
    whole before its first row comes: for one, pass its filters alone as `queryset` and
    `rows(pks)`, which reads the page's rows (with their counts) by primary key. The page is
    then picked among the matching keys, in the order's index, and read in a second query."""
    size = size or page_size()
    keys = _keys(queryset.model, order)
    query = request.GET
    direction, position, values = None, 0, None
    for name in CURSOR_PARAMS:
        decoded = _decode(query.get(name) or "", [key.field for key in keys])
        if decoded is not None:
            direction, (position, values) = name, decoded
            break
    if rows is not None:
        # The keys of the rows that match, without the joins that make them match more than once.
        queryset = queryset.model._base_manager.filter(pk__in=queryset.order_by().values("pk")).only(
            *[key.name for key in keys]
        )
    found, more = _rows(queryset, keys, values, reverse=direction == BEFORE, size=size)
    if direction == BEFORE:
        has_previous, has_next = more, True
        start = max(position - len(found), 2) if more else 1
        if not found:
            # Before nothing (the rows were deleted, or a tampered cursor): the first page.
            found, more = _rows(queryset, keys, None, reverse=False, size=size)
            has_next = more
    else:
        has_previous, has_next = direction is not None, more
        start = position + 1 if direction is not None else 1
    if not found:
        start = 0
    end = start + len(found) - 1 if found else 0

    def cursor(row, at):
        return _encode(at, [getattr(row, key.name) for key in keys])

    shown = found
    if rows is not None and found:
        by_pk = {row.pk: row for row in rows([row.pk for row in found])}
        shown = [by_pk[row.pk] for row in found if row.pk in by_pk]
    return Page(
        rows=shown,
        start=start,
        end=end,
        next_url=_url(query, AFTER, cursor(found[-1], end)) if found and has_next else None,
        previous_url=_url(query, BEFORE, cursor(found[0], start)) if found and has_previous else None,
        first_url=_url(query) if has_previous else None,
    )


def _rows(queryset, keys, values, reverse, size):
    """(up to `size` rows in the list's order, whether there is more beyond them)."""
    ordered = queryset.order_by(*[key.order(reverse) for key in keys])
    if values is not None:
        ordered = ordered.filter(_past(keys, values, reverse))
    rows = list(ordered[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if reverse:
        rows.reverse()
    return rows, more


def list_page(request, items, key, size=None):
    """One page of a list built in Python (`items`, already in order), by the same links: the
    cursor names the row by `key(item)`, an int unique in the list. For lists that are not one
    query (HR's list of people, put together from memberships and practice officers); the rows
    of a page are then all a page's further reads need to cover."""
    size = size or page_size()
    query = request.GET
    begin = 0
    for name in CURSOR_PARAMS:
        wanted = _decode_key(query.get(name) or "")
        if wanted is None:
            continue
        at = next((i for i, item in enumerate(items) if key(item) == wanted), None)
        if at is not None:
            begin = at + 1 if name == AFTER else max(at - size, 0)
            break
    rows = items[begin : begin + size]
    start, end = (begin + 1, begin + len(rows)) if rows else (0, 0)
    return Page(
        rows=rows,
        start=start,
        end=end,
        next_url=_url(query, AFTER, _encode(end, [key(rows[-1])])) if begin + size < len(items) else None,
        previous_url=_url(query, BEFORE, _encode(start, [key(rows[0])])) if rows and begin > 0 else None,
        first_url=_url(query) if begin > 0 else None,
    )


def _decode_key(cursor):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        _position, values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    if isinstance(values, list) and len(values) == 1 and type(values[0]) is int:
        return values[0]
    return None
